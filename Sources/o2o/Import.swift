import App
import ArgumentParser
import Foundation
import GeoCore
import Persistence
import Projection
import StoreImport
import Stores

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import stores: the demo city, or a retailer's CSV or GeoJSON store file.",
        discussion: """
            SOURCE is `demo` (Porto's grocery shops from OpenStreetMap, with generated catalog and stock) or a file:
            CSV with the header external_ref,name,brand,kind,address,phone,lat,lon,opening_hours,time_zone
            (brand, address, phone, opening_hours and time_zone may be empty), or a GeoJSON FeatureCollection of
            Point features with those properties. Stores are matched by external_ref: importing the same file
            twice changes nothing the second time. Zones follow the documented rule by store kind.
            """)

    @Argument(help: "demo, or a .csv / .geojson / .json store file.")
    var source: String = "demo"

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("time-zone"), help: "The time zone of stores whose row names none.")
    var timeZone: String = "Europe/Lisbon"

    func validate() throws {
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError("--time-zone: unknown IANA time zone \"\(timeZone)\"") }
        if source != "demo", !FileManager.default.fileExists(atPath: source) {
            throw ValidationError("SOURCE: no file at \(source)")
        }
    }

    /// Mean metric area of the delivery zones by name, measured in the UTM zone of the stores
    /// (PROJ): a check that the zones are the size the rule says.
    func zoneAreas(_ service: StoreService) throws -> String {
        let stores = service.finder.stores(after: nil, limit: Int.max)
        guard let first = stores.first else { return "  no zones" }
        let utm = try MetricProjection.utm(around: first.location)
        var byName: [String: (total: Double, count: Int)] = [:]
        for store in stores {
            for zone in service.finder.zones(of: store.id) ?? [] where zone.kind == .delivery {
                let area = utm.area(of: zone.area)
                byName[zone.name ?? "unnamed", default: (0, 0)].total += area
                byName[zone.name ?? "unnamed", default: (0, 0)].count += 1
            }
        }
        let lines = byName.sorted { $0.key < $1.key }.map { name, v in
            "  zone \(name): \(v.count) zones, mean area \(String(format: "%.2f", v.total / Double(v.count) / 1_000_000)) km² (\(utm.target))"
        }
        return lines.joined(separator: "\n")
    }

    func run() async throws {
        do {
            let place = try await database.resolve()
            let (_, service) = try await AppDatabase.open(place, importDemoWhenEmpty: false) { print($0) }
            let importer = Importer(service: service, progress: AppDatabase.progressPrinter())
            let report = source == "demo"
                ? try await importer.importDemoCity(geoData: URL(fileURLWithPath: place.geoData))
                : try await importer.importFile(URL(fileURLWithPath: source), defaultTimeZone: timeZone)
            print(report)
            print(try zoneAreas(service))
            print("database \(place.path) now holds \(service.finder.storeCount) stores, \(service.finder.zoneCount) zones, \(service.finder.skuCount) SKUs")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
