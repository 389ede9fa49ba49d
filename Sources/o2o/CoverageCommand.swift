import ArgumentParser
import Coverage
import Dispatching
import Foundation
import Kernel
import Persistence
import StoreImport
import Stores

struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "How much of a city's demand the delivery zones serve, where the gaps are, and what a change would do.",
        discussion: """
            The baseline is the city's grocery shops with the zone rule's zones (from GeoData), or the stores and
            zones of a database with --db. Demand is the city's own (Porto: its 1,749 residential buildings, one
            home each; Helsinki: HSY's 250 m population grid) or --demand FILE, a CSV with lat,lon,weight.
            Each --scenario FILE is compared with the baseline: what-if changes ({"name", "changes": [{"op": "add",
            "lat", "lon", "kind", "radius_m"}, {"op": "move", "store", "lat", "lon"}, {"op": "remove", "store"},
            {"op": "radius", "store", "radius_m"}, {"op": "fee", "store", "fee_minor"}]}) or a GeoJSON
            FeatureCollection of stores (Points) and zones (Polygons with a "store" property).
            Writes report.json, summary.csv (the deltas), stores.csv, overlaps.csv, GeoJSON layers (stores,
            zones, gaps, demand; one set per scenario) and report.html (an SVG map and the tables; opens
            offline). Everything is written to a temporary folder first and moved into --out at the end, so a
            refused input leaves no partial report.
            """)

    @Option(help: "porto or helsinki.") var city: String
    @Option(help: "Stores and zones from this database instead of the city's shops.") var db: String?
    @Option(help: "A scenario file; repeat for several.") var scenario: [String] = []
    @Option(help: "Demand as CSV with lat,lon,weight.") var demand: String?
    @Option(help: "Minutes for the reach figures; repeat for several (default 10, 15, 20).") var minutes: [Double] = []
    @Option(name: .customLong("cell-m"), help: "The side of the gap cells, metres.") var cellMeters: Double = 250
    @Option(help: "The GeoData folder.") var geodata: String = "GeoData"
    @Option(help: "The folder to write the report into (replaced when it exists).") var out: String

    func run() async throws {
        do {
            let geo = URL(fileURLWithPath: geodata)
            @Sendable func say(_ s: String) { FileHandle.standardError.write(Data("  … \(s)\n".utf8)) }
            let stores: [CoverageStore]
            if let db {
                guard FileManager.default.fileExists(atPath: db) else {
                    throw DomainError(.unprocessable, field: "--db", "no database at \(db)")
                }
                let repository = SpatiaLiteStoreRepository(database: try SpatiaLiteDatabase(path: db))
                stores = CoverageCity.stores(try await repository.allStores(), zones: try await repository.allZones())
                guard !stores.isEmpty else { throw DomainError(.unprocessable, field: "--db", "the database \(db) has no stores") }
            } else {
                stores = try CoverageCity.baseline(city, geoData: geo)
            }
            let demandSet: Demand
            if let demand {
                guard let text = try? String(contentsOf: URL(fileURLWithPath: demand), encoding: .utf8) else {
                    throw DomainError(.unprocessable, field: "--demand", "cannot read \(demand)")
                }
                demandSet = try Demand.csv(text, source: URL(fileURLWithPath: demand).lastPathComponent)
            } else {
                demandSet = try CoverageCity.demand(city, geoData: geo)
            }
            let rule = try CoverageCity.rule(city, geoData: geo)
            var scenarios: [Scenario] = []
            for file in scenario {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw DomainError(.unprocessable, field: "--scenario", "cannot read \(file)")
                }
                scenarios += try ScenarioFile.read(data, source: URL(fileURLWithPath: file).lastPathComponent, rule: rule)
            }
            say("\(stores.count) stores, \(demandSet.points.count) demand points, \(scenarios.count) scenario(s)")
            let planner = CoveragePlanner(engine: try SpatiaLiteGeometry(), eta: HaversineETAModel.city(city) ?? HaversineETAModel(),
                                          minutes: minutes.isEmpty ? [10, 15, 20] : minutes, cellMeters: cellMeters)
            let report = try planner.report(city: city, baseline: stores, demand: demandSet, scenarios: scenarios) { say($0) }
            try Self.write(try report.files(), to: URL(fileURLWithPath: out))
            print(Self.summary(report))
            print("report written to \(out)/report.html")
        } catch let error as ExitCode {
            throw error
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            throw Runtime.fail(error)
        }
    }

    /// All files into a fresh temporary folder beside `out`, then swapped in.
    static func write(_ files: [String: Data], to out: URL) throws {
        let fm = FileManager.default
        let parent = out.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(out.lastPathComponent).partial-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            for (name, data) in files { try data.write(to: staging.appendingPathComponent(name)) }
            if fm.fileExists(atPath: out.path) { try fm.removeItem(at: out) }
            try fm.moveItem(at: staging, to: out)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    static func summary(_ report: CoverageReport) -> String {
        let width = 40
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var header = pad("", width) + pad("baseline", 12)
        for s in report.scenarios { header += pad(String(s.name.prefix(24)), 26) }
        var lines = [header]
        for h in report.headlines {
            var line = pad(h.label + (h.unit.isEmpty ? "" : " (\(h.unit))"), width) + pad(CoverageReport.format(h.value(report.baseline)), 12)
            for s in report.scenarios {
                let delta = CoverageReport.format(h.value(s) - h.value(report.baseline))
                line += pad(CoverageReport.format(h.value(s)) + " (" + (delta.hasPrefix("-") ? "" : "+") + delta + ")", 26)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
