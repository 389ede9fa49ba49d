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

    @Option(help: "Seconds between sweeps that release expired reservations.")
    var sweepInterval: Double = 1

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 (any free port) and 65535") }
        guard sweepInterval >= 0.01, sweepInterval <= 3600 else { throw ValidationError("--sweep-interval must be between 0.01 and 3600 seconds") }
    }

    func run() async throws {
        var logger = Logger(label: "o2o")
        logger.logLevel = .info
        do {
            let (_, service) = try await Runtime.open(database, importDemoWhenEmpty: !noDemo) { logger.info("\($0)") }
            logger.info("index holds \(service.finder.storeCount) stores, \(service.finder.zoneCount) zones, \(service.finder.skuCount) SKUs")
            try await runServer(service: service, configuration: ServerConfiguration(host: host, port: port), logger: logger,
                                sweepInterval: .milliseconds(Int(sweepInterval * 1000))) { [host] port in
                // One line on stdout, for scripts that start the server on port 0.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
