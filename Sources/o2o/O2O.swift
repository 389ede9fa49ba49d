import ArgumentParser

@main
struct O2O: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o2o",
        abstract: "Nearby stores with stock and delivery zones, for same-city retail.",
        subcommands: [Serve.self, Import.self, Nearby.self, Stock.self, Simulate.self, Routes.self, CoverageCommand.self, AccountsCommand.self,
                      PaySandbox.self, Backup.self, Restore.self, ReportCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SpatiaLite database file (created when missing).")
    var db: String = "data/o2o.sqlite"

    @Option(name: .long, help: "The GeoData folder holding the demo city.")
    var geodata: String = "GeoData"

    @Option(name: .long, help: "The low-stock threshold of stock rows that set none (for stock events).")
    var lowStockThreshold: Int = 5

    func validate() throws {
        guard (0...1_000_000_000).contains(lowStockThreshold) else { throw ValidationError("--low-stock-threshold must be between 0 and 1000000000") }
    }
}
