import App
import ArgumentParser
import Configuration
import Foundation
import NIOCore
import NIOPosix

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API; an empty database gets the demo city first.",
        discussion: """
            Every option can also be given as an environment variable (O2O_ and the setting's key: O2O_HTTP_PORT) or \
            in a JSON file (--config, or O2O_CONFIG: {"http": {"port": 8080}}); an option wins over the environment, \
            which wins over the file. docs/operations.md lists every setting with its default.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "A JSON file of settings, nested by their keys (default: $O2O_CONFIG).")
    var config: String?

    @Option(help: .setting(.host)) var host: String?
    @Option(help: .setting(.port)) var port: Int?
    @Flag(help: "Start with an empty database instead of importing the demo city into it (demo.import false).")
    var noDemo = false
    @Option(help: .setting(.sweepInterval)) var sweepInterval: Double?
    @Option(help: .setting(.dispatchInterval)) var dispatchInterval: Double?
    @Option(help: .setting(.positionFlushInterval)) var positionFlushInterval: Double?
    @Option(help: .setting(.etaCity)) var etaCity: String?
    @Option(help: .setting(.detourFactor)) var detourFactor: Double?
    @Option(help: .setting(.pickupServiceSeconds)) var pickupServiceSeconds: Double?
    @Option(help: .setting(.dropServiceSeconds)) var dropServiceSeconds: Double?
    @Option(help: .setting(.bcryptCost)) var bcryptCost: Int?
    @Option(help: .setting(.offerTimeout)) var offerTimeout: Double?
    @Option(help: .setting(.payments)) var payments: String?
    @Option(help: .setting(.writeRate)) var writeRate: Double?
    @Option(help: .setting(.writeBurst)) var writeBurst: Double?
    @Option(help: .setting(.idleTimeout)) var idleTimeout: Double?
    @Option(help: .setting(.computeLimit)) var computeLimit: Double?
    @Option(help: .setting(.publicURL)) var publicURL: String?
    @Option(help: .setting(.leaflet)) var leaflet: String?
    @Option(help: .setting(.logLevel)) var logLevel: String?
    @Option(help: .setting(.logFormat)) var logFormat: String?

    /// What the command line said, by setting.
    var flags: [Setting: ConfigContent] {
        var flags = database.flags
        let strings: [(Setting, String?)] = [(.host, host), (.etaCity, etaCity), (.payments, payments), (.publicURL, publicURL),
                                             (.leaflet, leaflet), (.logLevel, logLevel), (.logFormat, logFormat)]
        for case (let setting, let value?) in strings { flags[setting] = .string(value) }
        let numbers: [(Setting, Double?)] = [
            (.port, port.map(Double.init)), (.sweepInterval, sweepInterval), (.dispatchInterval, dispatchInterval),
            (.positionFlushInterval, positionFlushInterval), (.detourFactor, detourFactor), (.pickupServiceSeconds, pickupServiceSeconds),
            (.dropServiceSeconds, dropServiceSeconds), (.bcryptCost, bcryptCost.map(Double.init)), (.offerTimeout, offerTimeout),
            (.writeRate, writeRate), (.writeBurst, writeBurst), (.idleTimeout, idleTimeout), (.computeLimit, computeLimit),
        ]
        for case (let setting, let value?) in numbers { flags[setting] = .double(value) }
        if noDemo { flags[.demo] = .bool(false) }
        return flags
    }

    func run() async throws {
        // Handlers run on the event loops that read their requests instead of hopping to Swift's
        // global pool and back: one thread switch fewer per request. The handlers only await,
        // never block (SQLite work runs on the database's own queues). This must come before the
        // first await, which would start the global executor.
        let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            let settings = try await SettingsReader(flags: flags, file: config ?? ProcessInfo.processInfo.environment["O2O_CONFIG"])
            let configuration = try AppConfiguration(reading: settings)
            let logger = AppLogging.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
            if !onEventLoops {
                logger.notice("the event loops could not take over as Swift's global executor; handlers hop between threads")
            }
            let services = try await AppServices.open(configuration, logger: logger)
            try await runServer(services, configuration: configuration, logger: logger) { port in
                // One line on stdout, for scripts that start the server on port 0.
                FileHandle.standardOutput.write(Data("listening on http://\(configuration.host):\(port)\n".utf8))
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}

extension ArgumentHelp {
    /// A setting's help with its default and the other ways of giving it.
    static func setting(_ setting: Setting) -> ArgumentHelp {
        ArgumentHelp("\(setting.help) Default: \(setting.defaultValue ?? "none"); also \(setting.environmentVariable) or \(setting.key) in --config.")
    }
}
