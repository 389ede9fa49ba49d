import App
import ArgumentParser
import Foundation
import GeoCore
import HTTPAPI
import Kernel
import Stores

struct Nearby: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the nearest stores with stock, offline, with the same engine as the API.")

    @OptionGroup var database: DatabaseOptions

    @Option(parsing: .unconditional, help: "Latitude, WGS84 degrees.") var lat: Double
    @Option(parsing: .unconditional, help: "Longitude, WGS84 degrees (negative west: --lon -8.61).") var lon: Double
    @Option(help: "A SKU every store must have; repeat for several.") var sku: [String] = []
    @Option(help: "Quantity needed of each SKU.") var qty: Int = 1
    @Option(help: "Rows, 1 to \(NearbyQuery.maximumLimit).") var limit: Int = 10
    @Option(name: .customLong("radius-m"), help: "Only stores within this many metres.") var radius: Double?
    @Flag(help: "Only stores that deliver to the point.") var delivers = false
    @Option(name: .customLong("open-at"), help: "Only stores open then: ISO 8601 with a zone, or now.") var openAt: String?
    @Flag(help: "Print JSON, as the API returns it.") var json = false

    func run() async throws {
        do {
            let now = Date()
            var at: Date? = nil
            if let openAt {
                if openAt == "now" { at = now } else {
                    guard let parsed = ISO8601DateFormatter().date(from: openAt) else {
                        throw DomainError(.invalid, field: "--open-at", "use ISO 8601 with a time zone (2026-11-25T18:30:00Z) or now")
                    }
                    at = parsed
                }
            }
            let point = try Coordinate.validated(latitude: lat, longitude: lon, latitudeField: "--lat", longitudeField: "--lon")
            let place = try await database.resolve()
            guard FileManager.default.fileExists(atPath: place.path) else {
                throw DomainError(.invalid, field: "--db", "no database at \(place.path); run `o2o import` first")
            }
            let (_, service) = try await AppDatabase.open(place, importDemoWhenEmpty: false) { _ in }
            guard service.finder.storeCount > 0 else {
                throw DomainError(.invalid, field: "--db", "\(place.path) holds no stores; run `o2o import` first")
            }
            let query = NearbyQuery(point: point, limit: limit, radius: radius, mustDeliver: delivers, openAt: at,
                                    items: sku.map { NearbyQuery.Item(sku: SKUCode($0), quantity: qty) })
            let results = try service.finder.nearby(query, now: now)
            if json {
                print(nearbyJSON(results).prettyText)
            } else {
                print(table(results))
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }

    func table(_ results: [NearbyResult]) -> String {
        guard !results.isEmpty else { return "no store matches" }
        var rows = [["#", "id", "store", "kind", "distance", "delivery", "open", "available"]]
        for (i, r) in results.enumerated() {
            let zone = r.zone.map { String(format: "€%.2f, %d min", Double($0.feeMinor) / 100, $0.promisedMinutes) } ?? "no"
            let open = r.isOpen.map { $0 ? "open" : "closed" } ?? "?"
            let available = r.availability.map { "\($0.sku)=\($0.available)" }.joined(separator: " ")
            rows.append([String(i + 1), String(r.store.id.rawValue), String(r.store.name.prefix(32)), r.store.kind,
                         String(format: "%.0f m", r.distance), zone, open, available])
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        return rows.map { row in
            row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
