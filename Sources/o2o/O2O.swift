import App
import ArgumentParser
import Configuration
import Foundation

@main
struct O2O: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o2o",
        abstract: "Nearby stores with stock and delivery zones, for same-city retail.",
        subcommands: [Serve.self, Import.self, Nearby.self, Stock.self, Simulate.self, Routes.self, CoverageCommand.self, AccountsCommand.self,
                      PaySandbox.self, Backup.self, Restore.self, ReportCommand.self, DocsCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens the database shares.
/// Where the data is, for every command that opens the database. Each option can also come from
/// the environment (`O2O_DATABASE_PATH`, `O2O_GEODATA`, `O2O_STOCK_LOW_THRESHOLD`) or the
/// `O2O_CONFIG` file, as `o2o serve`'s settings do.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: .setting(.database)) var db: String?
    @Option(name: .long, help: .setting(.geoData)) var geodata: String?
    @Option(name: .long, help: .setting(.lowStockThreshold)) var lowStockThreshold: Int?

    var flags: [Setting: ConfigContent] {
        var flags: [Setting: ConfigContent] = [:]
        if let db { flags[.database] = .string(db) }
        if let geodata { flags[.geoData] = .string(geodata) }
        if let lowStockThreshold { flags[.lowStockThreshold] = .double(Double(lowStockThreshold)) }
        return flags
    }

    /// The options with the environment and the configuration file behind them.
    func resolve() async throws -> DatabaseConfiguration {
        let settings = try await SettingsReader(flags: flags, file: ProcessInfo.processInfo.environment["O2O_CONFIG"])
        return try DatabaseConfiguration(reading: settings)
    }
}
