import Foundation
import Testing
@testable import Routing

/// A valid 2-request Li & Lim instance; node k is on line k + 2. Node 1 is a delivery listed before its
/// pickup (node 3), as in the real benchmark files.
private let validLiLim = """
2\t50\t1
0\t40\t50\t0\t0\t1236\t0\t0\t0
1\t45\t68\t-10\t912\t967\t90\t3\t0
2\t42\t66\t20\t65\t146\t90\t0\t4
3\t45\t70\t10\t825\t870\t90\t0\t1
4\t40\t69\t-20\t621\t702\t90\t2\t0

"""

/// Replaces one line (1-based) of `validLiLim`.
private func liLim(replacingLine number: Int, with line: String) -> String {
    var lines = validLiLim.components(separatedBy: "\n")
    lines[number - 1] = line
    return lines.joined(separator: "\n")
}

/// Parses and returns the error message, or nil when parsing succeeded.
private func liLimError(_ text: String) -> String? {
    do {
        _ = try PDPTWInstance.parseLiLim(text: text, name: "bad")
        return nil
    } catch {
        return error.message
    }
}

@Suite("Li & Lim parser")
struct LiLimParserTests {
    @Test func parsesValidInstance() throws {
        let instance = try PDPTWInstance.parseLiLim(text: validLiLim, name: "ok")
        #expect(instance.name == "ok")
        #expect(instance.vehicleCount == 2)
        #expect(instance.capacity == 50)
        #expect(instance.nodes.count == 5)
        #expect(instance.depot.latest == 1236)
        #expect(instance.nodes[1].role == .delivery(pickupIndex: 3))
        #expect(instance.nodes[3].role == .pickup(deliveryIndex: 1))
        #expect(instance.requests == [PDPTWRequest(pickup: 2, delivery: 4, demand: 20),
                                      PDPTWRequest(pickup: 3, delivery: 1, demand: 10)])
        #expect(abs(instance.distances[0, 1] - (25.0 + 324.0).squareRoot()) < 1e-12)
        #expect(instance.distances[2, 2] == 0)
    }

    @Test func acceptsCRLFAndSpaces() throws {
        let text = validLiLim.replacingOccurrences(of: "\t", with: "  ").replacingOccurrences(of: "\n", with: "\r\n")
        let instance = try PDPTWInstance.parseLiLim(text: text, name: "crlf")
        #expect(instance.nodes.count == 5)
    }

    @Test(arguments: [
        // Field that is not a number.
        (liLim(replacingLine: 4, with: "2\t42\t66\t20\t65\tabc\t90\t0\t4"),
         "line 4: field 'latest' is not a number: 'abc'"),
        (liLim(replacingLine: 2, with: "0\t40\tfifty\t0\t0\t1236\t0\t0\t0"),
         "line 2: field 'y' is not a number: 'fifty'"),
        (liLim(replacingLine: 5, with: "3\t45\t70\t10.5\t825\t870\t90\t0\t1"),
         "line 5: field 'demand' is not an integer: '10.5'"),
        (liLim(replacingLine: 1, with: "2\tbig\t1"),
         "line 1: field 'capacity' is not an integer: 'big'"),
        // Wrong field counts.
        (liLim(replacingLine: 1, with: "2\t50"),
         "line 1: expected 3 fields (vehicles capacity speed), found 2"),
        (liLim(replacingLine: 5, with: "3\t45\t70\t10\t825\t870\t90\t0"),
         "line 5: expected 9 fields (index x y demand earliest latest service pickupIndex deliveryIndex), found 8"),
        // Pairing inconsistent: pickup 2 names delivery 1, which points back to 3.
        (liLim(replacingLine: 4, with: "2\t42\t66\t20\t65\t146\t90\t0\t1"),
         "line 4: field 'deliveryIndex' names node 1, which is not a delivery paired back with pickup 2"),
        (liLim(replacingLine: 6, with: "4\t40\t69\t-20\t621\t702\t90\t3\t0"),
         "line 4: field 'deliveryIndex' names node 4, which is not a delivery paired back with pickup 2"),
        (liLim(replacingLine: 4, with: "2\t42\t66\t20\t65\t146\t90\t0\t9"),
         "line 4: field 'deliveryIndex' refers to unknown node 9"),
        (liLim(replacingLine: 4, with: "2\t42\t66\t20\t65\t146\t90\t0\t0"),
         "line 4: field 'deliveryIndex' is 0 and so is 'pickupIndex': node 2 is neither a pickup nor a delivery"),
        // Demand sign wrong.
        (liLim(replacingLine: 4, with: "2\t42\t66\t-20\t65\t146\t90\t0\t4"),
         "line 4: field 'demand' of a pickup must not be negative, got -20"),
        (liLim(replacingLine: 6, with: "4\t40\t69\t20\t621\t702\t90\t2\t0"),
         "line 6: field 'demand' of a delivery must not be positive, got 20"),
        (liLim(replacingLine: 6, with: "4\t40\t69\t-15\t621\t702\t90\t2\t0"),
         "line 6: field 'demand' (-15) does not balance its pickup 2 (demand 20)"),
        // Time window reversed.
        (liLim(replacingLine: 5, with: "3\t45\t70\t10\t900\t870\t90\t0\t1"),
         "line 5: field 'earliest' (900) is greater than field 'latest' (870)"),
        // Duplicate index.
        (liLim(replacingLine: 6, with: "3\t40\t69\t-20\t621\t702\t90\t2\t0"),
         "line 6: field 'index' duplicates node 3 already defined on line 5"),
        // Missing depot.
        (liLim(replacingLine: 2, with: "5\t40\t50\t0\t0\t1236\t0\t0\t0"),
         "missing depot: no node with index 0"),
        // Capacity and vehicles must be positive.
        (liLim(replacingLine: 1, with: "2\t0\t1"), "line 1: field 'capacity' must be positive, got 0"),
        (liLim(replacingLine: 1, with: "-1\t50\t1"), "line 1: field 'vehicles' must be positive, got -1"),
        // A request larger than a vehicle.
        (liLim(replacingLine: 1, with: "2\t15\t1"), "line 4: field 'demand' (20) exceeds the vehicle capacity (15)"),
        // Index gap, negative service, non-finite numbers, empty input.
        (liLim(replacingLine: 6, with: "7\t40\t69\t-20\t621\t702\t90\t2\t0"),
         "line 6: field 'index' is 7 but there are only 5 nodes (index 4 is missing)"),
        (liLim(replacingLine: 5, with: "3\t45\t70\t10\t825\t870\t-1\t0\t1"),
         "line 5: field 'service' must not be negative, got -1"),
        (liLim(replacingLine: 5, with: "3\t45\tnan\t10\t825\t870\t90\t0\t1"),
         "line 5: field 'y' is not a finite number: nan"),
        ("", "line 1: missing header line 'vehicles capacity speed'"),
    ])
    func rejectsMalformedInput(text: String, expected: String) {
        #expect(liLimError(text) == expected)
    }

    @Test func errorCarriesLineAndField() {
        do {
            _ = try PDPTWInstance.parseLiLim(text: liLim(replacingLine: 4, with: "2\t42\t66\t20\t65\tabc\t90\t0\t4"),
                                             name: "bad")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 4)
            #expect(error.field == "latest")
        }
    }
}

@Suite("JSON format and loading")
struct JSONFormatTests {
    private let validJSON = """
    {
      "name": "two-requests",
      "capacity": 50,
      "vehicles": 2,
      "depot": {"x": 40, "y": 50, "earliest": 0, "latest": 1236},
      "requests": [
        {"pickup": {"x": 42, "y": 66, "earliest": 65, "latest": 146, "service": 90},
         "delivery": {"x": 40, "y": 69, "earliest": 621, "latest": 702, "service": 90},
         "demand": 20},
        {"pickup": {"x": 45, "y": 70, "earliest": 825, "latest": 870},
         "delivery": {"x": 45, "y": 68, "earliest": 912, "latest": 967, "service": 90},
         "demand": 10}
      ]
    }
    """

    private func jsonError(_ text: String) -> String? {
        do {
            _ = try PDPTWInstance.parseJSON(data: Data(text.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func parsesValidDocument() throws {
        let instance = try PDPTWInstance.parseJSON(data: Data(validJSON.utf8))
        #expect(instance.name == "two-requests")
        #expect(instance.nodes.count == 5)
        #expect(instance.requests == [PDPTWRequest(pickup: 1, delivery: 2, demand: 20),
                                      PDPTWRequest(pickup: 3, delivery: 4, demand: 10)])
        #expect(instance.nodes[3].service == 0, "service defaults to 0")
        #expect(instance.nodes[4].demand == -10)
    }

    @Test func roundTripsThroughJSON() throws {
        let original = try PDPTWInstance.parseJSON(data: Data(validJSON.utf8))
        let again = try PDPTWInstance.parseJSON(data: original.jsonData())
        #expect(again == original)
    }

    @Test(arguments: [
        ("\"latest\": 146", "\"latest\": \"abc\"", "requests[0].pickup: field 'latest' is not a number"),
        ("\"capacity\": 50", "\"capacity\": 0", "document: field 'capacity' must be positive, got 0"),
        ("\"vehicles\": 2", "\"vehicles\": 0", "document: field 'vehicles' must be positive, got 0"),
        ("\"demand\": 20", "\"demand\": -20", "requests[0]: field 'demand' must not be negative, got -20"),
        ("\"demand\": 20", "\"demand\": 80", "requests[0]: field 'demand' (80) exceeds the vehicle capacity (50)"),
        ("\"earliest\": 825", "\"earliest\": 900",
         "requests[1].pickup: field 'earliest' (900) is greater than field 'latest' (870)"),
        ("\"depot\": {\"x\": 40, \"y\": 50, \"earliest\": 0, \"latest\": 1236},", "",
         "document: field 'depot' is missing"),
        ("\"x\": 45, \"y\": 70,", "\"x\": 45,", "requests[1].pickup: field 'y' is missing"),
    ])
    func rejectsMalformedDocument(original: String, replacement: String, expected: String) {
        #expect(validJSON.contains(original))
        #expect(jsonError(validJSON.replacingOccurrences(of: original, with: replacement)) == expected)
    }

    @Test func rejectsInvalidJSONSyntax() {
        let message = jsonError("{\"capacity\": 5,")
        #expect(message?.hasPrefix("invalid JSON") == true)
    }

    @Test func loadChoosesFormatByExtension() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("routing-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let textPath = directory.appendingPathComponent("sample.txt").path
        let jsonPath = directory.appendingPathComponent("sample.json").path
        try validLiLim.write(toFile: textPath, atomically: true, encoding: .utf8)
        try validJSON.write(toFile: jsonPath, atomically: true, encoding: .utf8)

        let fromText = try PDPTWInstance.load(path: textPath)
        let fromJSON = try PDPTWInstance.load(path: jsonPath)
        #expect(fromText.name == "sample")
        #expect(fromText.requestCount == 2)
        #expect(fromJSON.name == "two-requests")
        #expect(fromJSON.requestCount == 2)
        #expect(throws: RoutingInputError.self) {
            try PDPTWInstance.load(path: directory.appendingPathComponent("missing.txt").path)
        }
    }

    @Test func loadsEveryBenchmarkFile() throws {
        let directory = lilimDirectory()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
        #expect(files.count == 56)
        for file in files {
            let instance = try PDPTWInstance.load(path: directory.appendingPathComponent(file).path)
            #expect(instance.requestCount * 2 + 1 == instance.nodes.count)
        }
    }
}
