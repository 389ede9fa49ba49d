import ArgumentParser

@main
struct O2O: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o2o",
        abstract: "Nearby stores with stock and delivery zones, for same-city retail.",
        subcommands: [Serve.self, Import.self, Nearby.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SpatiaLite database file (created when missing).")
    var db: String = "data/o2o.sqlite"

    @Option(name: .long, help: "The GeoData folder holding the demo city.")
    var geodata: String = "GeoData"
}
