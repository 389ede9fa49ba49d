import ArgumentParser
import Foundation
import Persistence
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

    func run() async throws {
        do {
            let (_, service) = try await Runtime.open(database, importDemoWhenEmpty: false) { print($0) }
            let importer = Importer(service: service, progress: Runtime.progressPrinter())
            let report = source == "demo"
                ? try await importer.importDemoCity(geoData: URL(fileURLWithPath: database.geodata))
                : try await importer.importFile(URL(fileURLWithPath: source), defaultTimeZone: timeZone)
            print(report)
            print("database \(database.db) now holds \(service.finder.storeCount) stores, \(service.finder.zoneCount) zones, \(service.finder.skuCount) SKUs")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
