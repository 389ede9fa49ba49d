import App
import Configuration
import Foundation
import Kernel
import Logging
import Testing

@Suite("Configuration: flags, then the environment, then the file, then the defaults")
struct ConfigurationTests {
    static func file(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("o2o-config-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func configuration(flags: [Setting: ConfigContent] = [:], environment: [String: String] = [:],
                              file: String? = nil) async throws -> AppConfiguration {
        try AppConfiguration(reading: try await SettingsReader(flags: flags, environment: environment, file: file))
    }

    @Test("the defaults are the reference's")
    func defaults() async throws {
        let c = try await Self.configuration()
        #expect(c.database.path == "data/o2o.sqlite" && c.database.geoData == "GeoData" && c.database.lowStockThreshold == 5)
        #expect(c.host == "127.0.0.1" && c.port == 8080 && c.publicURL == nil && c.importDemo)
        #expect(c.idleTimeout == .seconds(30) && c.computeTimeLimit == .seconds(60))
        #expect(c.writeLimit?.perSecond == 50 && c.writeLimit?.burst == 500)
        #expect(c.intervals.sweep == .seconds(1) && c.intervals.dispatchRound == .seconds(10) && c.intervals.positionFlush == .seconds(5))
        #expect(c.dispatch.offerTimeout == 60 && c.eta.detourFactor == 1.4 && c.bcryptCost == 10)
        #expect(c.logLevel == .info && c.logFormat == .text && c.leaflet == "/usr/share/javascript/leaflet")
        for setting in Setting.all where setting.defaultValue != nil {
            #expect(!setting.help.isEmpty)
        }
    }

    @Test("a flag wins over the environment, which wins over the file, which wins over the default")
    func precedence() async throws {
        let file = try Self.file(#"{"http": {"port": 7001, "host": "0.0.0.0", "write_rate": 0}, "log": {"level": "debug"}, "eta": {"city": "helsinki"}}"#)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try await Self.configuration(file: file)
        #expect(fromFile.port == 7001 && fromFile.host == "0.0.0.0" && fromFile.logLevel == .debug && fromFile.writeLimit == nil)
        #expect(fromFile.eta.detourFactor == 1.3, "Helsinki's factors")
        let fromEnvironment = try await Self.configuration(environment: ["O2O_HTTP_PORT": "7002", "O2O_LOG_LEVEL": "warning", "HTTP_PORT": "9"],
                                                           file: file)
        #expect(fromEnvironment.port == 7002 && fromEnvironment.logLevel == .warning && fromEnvironment.host == "0.0.0.0")
        let fromFlag = try await Self.configuration(flags: [.port: .double(7003)], environment: ["O2O_HTTP_PORT": "7002"], file: file)
        #expect(fromFlag.port == 7003 && fromFlag.logLevel == .debug)
        let noDemo = try await Self.configuration(flags: [.demo: .bool(false)], environment: ["O2O_DEMO_IMPORT": "true"])
        #expect(!noDemo.importDemo)
    }

    @Test("every setting is read from its O2O_ environment variable")
    func everyVariable() async throws {
        for setting in Setting.all {
            let reader = try await SettingsReader(flags: [:], environment: [setting.environmentVariable: "7"])
            #expect(try reader.string(setting) == "7", "\(setting.environmentVariable)")
            #expect(setting.environmentVariable.hasPrefix("O2O_") && !setting.environmentVariable.contains("."))
        }
        #expect(Set(Setting.all.map(\.key)).count == Setting.all.count && Set(Setting.all.map(\.flag)).count == Setting.all.count)
    }

    @Test("a value of the wrong type or out of range is refused naming the flag, the variable and the key")
    func refusals() async throws {
        let cases: [([String: String], String?, String, String)] = [
            (["O2O_HTTP_PORT": "eighty"], nil, "--port", "O2O_HTTP_PORT"),
            (["O2O_HTTP_PORT": "70000"], nil, "--port", "between 0 and 65535"),
            (["O2O_HTTP_IDLE_TIMEOUT": "0"], nil, "--idle-timeout", "between 1 and 3600"),
            (["O2O_DISPATCH_INTERVAL": "0.05"], nil, "--dispatch-interval", "0 (on request only)"),
            (["O2O_ETA_CITY": "lisbon"], nil, "--eta-city", "porto or helsinki"),
            (["O2O_ETA_DETOUR_FACTOR": "0.5"], nil, "--detour-factor", "O2O_ETA_DETOUR_FACTOR"),
            (["O2O_LOG_LEVEL": "loud"], nil, "--log-level", "critical"),
            (["O2O_LOG_FORMAT": "xml"], nil, "--log-format", "text or json"),
            (["O2O_DEMO_IMPORT": "maybe"], nil, "--no-demo", "true or false"),
            (["O2O_ACCOUNTS_BCRYPT_COST": "3"], nil, "--bcrypt-cost", "between 4 and 31"),
            (["O2O_STOCK_LOW_THRESHOLD": "2.5"], nil, "--low-stock-threshold", "whole number"),
            ([:], #"{"http": {"port": "eighty"}}"#, "--port", "http.port"),
        ]
        for (environment, json, field, words) in cases {
            let file = try json.map(Self.file)
            defer { file.map { try? FileManager.default.removeItem(atPath: $0) } }
            do {
                _ = try await Self.configuration(environment: environment, file: file)
                Issue.record("accepted \(environment) \(json ?? "")")
            } catch let error as DomainError {
                #expect(error.kind == .invalid && error.field == field, "\(error)")
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
        await #expect(throws: DomainError.self) { _ = try await Self.configuration(file: "/no/such/o2o.json") }
        let broken = try Self.file("{port")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        do {
            _ = try await Self.configuration(file: broken)
            Issue.record("a broken file was accepted")
        } catch let error as DomainError {
            #expect(error.field == "--config" && error.message.contains(broken))
        }
    }

    @Test("the operations guide lists every setting with its flag, variable and default")
    func documented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/operations.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for setting in Setting.all {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| `\(setting.key)` |") }
            #expect(row != nil, "no row for \(setting.key)")
            guard let row else { continue }
            #expect(row.contains("`\(setting.flag)`") && row.contains("`\(setting.environmentVariable)`"), "\(row)")
            if let value = setting.defaultValue, setting != .payments { #expect(row.contains("`\(value)`"), "\(row)") }
        }
    }
}

@Suite("Logs as JSON lines")
struct JSONLogTests {
    @Test("one JSON object a line: time, level, label, message and the metadata; nothing below the level")
    func lines() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var lines: [[UInt8]] = []
            func add(_ line: [UInt8]) { lock.withLock { lines.append(line) } }
        }
        let caught = Lines()
        var logger = Logger(label: "o2o") { label in JSONLogHandler(label: label, level: .info, write: caught.add) }
        logger[metadataKey: "request_id"] = "abc-1"
        logger.debug("not written")
        logger.info("stock applied", metadata: ["store": "31", "lines": .array(["a", "b"])])
        logger.error("it failed \"badly\"")
        #expect(caught.lines.count == 2)
        #expect(caught.lines.allSatisfy { $0.last == UInt8(ascii: "\n") && $0.filter { $0 == UInt8(ascii: "\n") }.count == 1 })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(caught.lines[0])) as? [String: Any])
        #expect(first["level"] as? String == "info" && first["label"] as? String == "o2o" && first["message"] as? String == "stock applied")
        #expect(first["request_id"] as? String == "abc-1" && first["store"] as? String == "31" && (first["lines"] as? [String]) == ["a", "b"])
        #expect((first["time"] as? String).flatMap { try? Date($0, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) } != nil)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(caught.lines[1])) as? [String: Any])
        #expect(second["message"] as? String == "it failed \"badly\"" && (second["source"] as? String)?.contains("ConfigurationTests.swift") == true)
    }
}
