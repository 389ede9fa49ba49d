import Coverage
import Foundation
import GeoCore
import Kernel
import Stores

/// The demo cities as coverage planning sees them: the OSM grocery shops with the zone rule's
/// zones, and the city's real demand (Porto's homes, Helsinki's population grid).
public enum CoverageCity {
    public static let names = ["porto", "helsinki"]

    /// Stores and zones as coverage sees them, from the store model.
    public static func stores(_ stores: [Store], zones: [DeliveryZone]) -> [CoverageStore] {
        let byStore = Dictionary(grouping: zones, by: \.storeID)
        return stores.map { s in
            CoverageStore(id: s.id.rawValue, name: s.name, location: s.location, zones: (byStore[s.id] ?? []).map { z in
                .init(id: z.id.rawValue, kind: z.kind == .delivery ? .delivery : .exclusion, name: z.name, area: z.area,
                      feeMinor: z.feeMinor, promisedMinutes: z.promisedMinutes)
            })
        }
    }

    static func folder(_ city: String, geoData: URL) throws(DomainError) -> URL {
        guard names.contains(city) else {
            throw DomainError(.unprocessable, field: "--city", "unknown city \"\(city)\"; use \(names.joined(separator: " or "))")
        }
        return geoData.appendingPathComponent(city)
    }

    static func read(_ url: URL) throws(DomainError) -> String {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DomainError(.unprocessable, field: "--geodata", "cannot read \(url.path)")
        }
        return text
    }

    /// The city's grocery shops (numbered in file order) with the zone rule's zones.
    public static func baseline(_ city: String, geoData: URL) throws -> [CoverageStore] {
        let folder = try folder(city, geoData: geoData)
        let (drafts, _) = try OSMShops(timeZone: city == "porto" ? "Europe/Lisbon" : "Europe/Helsinki")
            .read(try read(folder.appendingPathComponent("shops.csv")), source: "\(city)/shops.csv")
        let rule = ZoneRule(river: try Importer.riverLine(folder.appendingPathComponent("douro.geojson")), riverName: "Douro")
        return drafts.enumerated().map { i, d in
            CoverageStore(id: Int64(i + 1), name: d.name, location: d.location, zones: rule.zones(for: d).enumerated().map { k, z in
                .init(id: Int64(i + 1) * 10 + Int64(k), kind: z.kind == .delivery ? .delivery : .exclusion, name: z.name, area: z.area,
                      feeMinor: z.feeMinor, promisedMinutes: z.promisedMinutes)
            })
        }
    }

    /// The city's own demand: Porto's residential buildings (one home each) or Helsinki's
    /// population grid (people per 250 m cell).
    public static func demand(_ city: String, geoData: URL) throws(DomainError) -> Demand {
        let folder = try folder(city, geoData: geoData)
        if city == "helsinki" {
            return try Demand.csv(try read(folder.appendingPathComponent("population-grid-2020.csv")),
                                  source: "helsinki/population-grid-2020.csv", weightColumn: "population")
        }
        return try Demand.csv(try read(folder.appendingPathComponent("homes.csv")), source: "porto/homes.csv", weightColumn: nil)
    }

    /// Zones for a store added in a what-if, by the same rule as the city's shops.
    public static func rule(_ city: String, geoData: URL) throws -> ScenarioFile.ZoneRule {
        let folder = try folder(city, geoData: geoData)
        let rule = ZoneRule(river: try Importer.riverLine(folder.appendingPathComponent("douro.geojson")), riverName: "Douro")
        return { location, kind in
            let draft = StoreDraft(externalRef: "what-if", name: "what-if", kind: kind, timeZone: "UTC", location: location)
            return rule.zones(for: draft).map { z in
                .init(id: 0, kind: z.kind == .delivery ? .delivery : .exclusion, name: z.name, area: z.area,
                      feeMinor: z.feeMinor, promisedMinutes: z.promisedMinutes)
            }
        }
    }
}
