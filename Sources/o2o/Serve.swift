import ArgumentParser
import Foundation
import HTTPAPI
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API; an empty database gets the demo city first.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Flag(help: "Start with an empty database instead of importing the demo city into it.")
    var noDemo = false

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
    }

    func run() async throws {
        var logger = Logger(label: "o2o")
        logger.logLevel = .info
        do {
            let (_, service) = try await Runtime.open(database, importDemoWhenEmpty: !noDemo) { logger.info("\($0)") }
            logger.info("index holds \(service.finder.storeCount) stores, \(service.finder.zoneCount) zones, \(service.finder.skuCount) SKUs")
            let app = buildApplication(service: service, configuration: ServerConfiguration(host: host, port: port), logger: logger)
            try await app.runService()
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
