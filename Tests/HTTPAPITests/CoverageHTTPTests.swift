import Coverage
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import O2OTestSupport
import Stores
import StoreImport
import Testing

@Suite("Coverage reports over HTTP")
struct CoverageHTTPTests {
    @Test("the live stores against Porto's homes and a what-if: the figures the planner gives, with gap and demand layers")
    func report() async throws {
        let (app, service) = try await demoApp()
        let body = #"{"city": "porto", "minutes": [10], "scenarios": [{"name": "only three", "changes": [\#((4...222).map { #"{"op": "remove", "store": \#($0)}"# }.joined(separator: ","))]}]}"#
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: body))
            #expect(r.status == .ok, "\(r.json)")
            let homes = try CoverageCity.demand("porto", geoData: DemoFixture.geoData)
            let stores = CoverageCity.stores(try await service.repository.allStores(), zones: try await service.repository.allZones())
            let expected = CoverageAnalysis(stores: stores, minutes: [10]).run(homes)
            #expect(r.json["baseline"]?["covered_points"]?.numberValue == Double(expected.coveredPoints))
            #expect(r.json["baseline"]?["covered_twice_points"]?.numberValue == Double(expected.coveredTwicePoints))
            let scenario = r.json["scenarios"]?.arrayValue?.first
            #expect(scenario?["name"] == .string("only three"))
            #expect(scenario?["headline"]?["stores"] == .number(3))
            let delta = scenario?["delta"]?["covered_share"]?.numberValue ?? 0
            #expect(delta < 0, "three stores cover less")
            let gaps = r.json["layers"]?["only three"]?["gaps"]?["features"]?.arrayValue ?? []
            #expect(!gaps.isEmpty)
            #expect(r.json["layers"]?["baseline"]?["demand"]?["features"]?.arrayValue?.count == homes.points.count)
            // By default the layers are the gaps and the demand; the headlines name every figure.
            #expect(Set(r.json["layers"]?["baseline"]?.objectValue?.keys.map { $0 } ?? []) == ["gaps", "demand"])
            let keys = r.json["headlines"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
            #expect(Set(keys) == Set(r.json["baseline"]?["headline"]?.objectValue?.keys.map { $0 } ?? []) && keys.count > 7)
            #expect(r.json["headlines"]?.arrayValue?.allSatisfy { $0["label"]?.stringValue?.isEmpty == false } == true)
        }
    }

    @Test("the layers asked for: each result's stores and zones as GeoJSON, the what-if's added store among them; unknown layers are refused")
    func layers() async throws {
        let (app, service) = try await demoApp()
        let body = #"{"city": "porto", "minutes": [10], "layers": ["stores", "zones"], "scenarios": [{"name": "east", "changes": [{"op": "add", "lat": 41.149, "lon": -8.585, "kind": "supermarket", "name": "east"}]}]}"#
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: body))
            let json = r.json
            #expect(r.status == .ok, "\(json)")
            let zones = try await service.repository.allZones().count, stores = try await service.repository.allStores().count
            #expect(Set(json["layers"]?["baseline"]?.objectValue?.keys.map { $0 } ?? []) == ["stores", "zones"])
            #expect(json["layers"]?["baseline"]?["zones"]?["features"]?.arrayValue?.count == zones)
            #expect(json["layers"]?["baseline"]?["stores"]?["features"]?.arrayValue?.count == stores)
            let added = json["layers"]?["east"]?["stores"]?["features"]?.arrayValue?.filter { $0["properties"]?["name"] == .string("east") } ?? []
            #expect(added.count == 1 && (added.first?["properties"]?["id"]?.numberValue ?? 0) < 0)
            let addedZones = json["layers"]?["east"]?["zones"]?["features"]?.arrayValue?.filter { ($0["properties"]?["store"]?.numberValue ?? 0) < 0 } ?? []
            #expect(!addedZones.isEmpty, "the added supermarket's zones, by the city's rule")
            for bad in [#"{"city": "porto", "layers": ["roads"]}"#, #"{"city": "porto", "layers": "zones"}"#, #"{"city": "porto", "layers": [1]}"#] {
                let refused = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: bad))
                #expect(refused.status == .badRequest && refused.json["field"] == .string("layers"), "\(bad): \(refused.json)")
            }
        }
    }

    @Test("a report past the server's time limit stops with 503, Retry-After and a problem; the next one in time runs")
    func timeLimit() async throws {
        let (app, _, _) = try await demoAppWithDatabase(compute: ComputeGate(timeLimit: .zero))
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin,
                                             body: ByteBuffer(string: #"{"city": "porto", "minutes": [10]}"#))
            #expect(r.status == .serviceUnavailable)
            #expect(r.contentType == "application/problem+json")
            #expect(r.json["type"] == .string("urn:o2o:problem:time-limit"), "\(r.json)")
            #expect(r.headers[.retryAfter] == "30")
        }
    }

    @Test("the gate: one computation at a time, the waiting ones in turn, beyond them 503 busy; never two at once")
    func gate() async throws {
        let gate = ComputeGate(concurrent: 1, waiting: 2, timeLimit: .seconds(60))
        let running = Counter()
        let started = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        // The first holds the only slot until released; two more wait; the fourth is turned away.
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for k in 0..<3 {
                group.addTask {
                    try await gate.run("tests") { _ in
                        let now = running.add(1)
                        precondition(now == 1, "two computations at once")
                        if k == 0 { started.continuation.yield(); release.wait() }
                        _ = running.add(-1)
                        return k
                    }
                }
                if k == 0 { for await _ in started.stream { break } }
            }
            // The two behind the first are admitted (waiting) once they have reached the gate.
            while gate.admittedCount < 3 { try await Task.sleep(for: .milliseconds(5)) }
            await #expect(throws: Problem.self) { try await gate.run("tests") { _ in 99 } }
            do {
                _ = try await gate.run("tests") { _ in 99 }
            } catch let problem as Problem {
                #expect(problem.status == .serviceUnavailable)
                #expect(problem.type == "urn:o2o:problem:busy")
                #expect(problem.headers[.retryAfter] == "5")
            }
            release.signal()
            var done: [Int] = []
            for try await k in group { done.append(k) }
            return done.sorted()
        }
        #expect(results == [0, 1, 2])
        #expect(gate.admittedCount == 0)
        // Free again.
        #expect(try await gate.run("tests") { _ in 7 } == 7)
    }

    @Test("bad input: unknown city, no demand, bad weights, unknown stores, invalid JSON — problems naming the field")
    func badInput() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let cases: [(String, HTTPResponse.Status, String?)] = [
                (#"{"city": "lisbon"}"#, .badRequest, "city"),
                (#"{}"#, .badRequest, "demand"),
                (#"{"demand": [{"lat": 41.15, "lon": -8.61, "weight": 2}, {"lat": 41.15, "lon": -8.61, "weight": -1}]}"#, .badRequest, "demand[1].weight"),
                (#"{"demand": [{"lat": 95, "lon": -8.61}]}"#, .badRequest, "demand[0].lat"),
                (#"{"city": "porto", "scenarios": [{"changes": [{"op": "remove", "store": 99999}]}]}"#, .unprocessableContent, "scenarios[0]: changes[0].store"),
                (#"{"city": "porto", "minutes": [0]}"#, .unprocessableContent, "minutes"),
                (#"{"city": "porto", "scenarios": [{"changes": [{"op": "fly"}]}]}"#, .unprocessableContent, "scenarios[0].changes[0].op"),
                ("not json", .badRequest, "body"),
            ]
            for (text, status, field) in cases {
                let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: text))
                #expect(r.status == status, "\(text): \(r.status) \(r.json)")
                #expect(r.contentType == "application/problem+json")
                #expect(r.json["field"]?.stringValue == field, "\(text): \(r.json)")
            }
        }
    }
}

/// A count several threads change under a lock.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Adds and returns the new value.
    func add(_ n: Int) -> Int { lock.withLock { value += n; return value } }
}
