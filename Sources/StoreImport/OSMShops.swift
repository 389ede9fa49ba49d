import Foundation
import GeoCore
import Stores

/// Reads OSM shop extracts (`osm_type,osm_id,name,shop,lat,lon,brand,opening_hours`) and keeps
/// the shops that sell groceries as stores.
public struct OSMShops: Sendable {
    /// OSM `shop=*` values that count as grocery stores.
    public static let groceryKinds: Set<String> = [
        "supermarket", "convenience", "greengrocer", "bakery", "butcher", "deli", "beverages", "alcohol", "wine",
        "seafood", "cheese", "dairy", "confectionery", "pastry", "coffee", "tea", "health_food", "organic",
        "frozen_food", "spices", "farm", "chocolate", "general", "grocery", "food", "nuts", "pasta",
    ]

    public var timeZone: String

    public init(timeZone: String) { self.timeZone = timeZone }

    /// The stores in `text`, with the report of what was skipped or refused.
    public func read(_ text: String, source: String) throws -> ([StoreDraft], ImportReport) {
        var report = ImportReport(source: source)
        let table = try CSVTable(text: text, required: ["osm_type", "osm_id", "shop", "lat", "lon"])
        var drafts: [StoreDraft] = []
        var seen = Set<String>()
        for row in table.rows {
            report.rowsRead += 1
            guard let kind = table.value(row, "shop"), Self.groceryKinds.contains(kind) else {
                report.rowsSkipped += 1
                continue
            }
            guard let type = table.value(row, "osm_type"), ["node", "way", "relation"].contains(type),
                  let id = table.value(row, "osm_id"), Int64(id) != nil else {
                report.rejected.append(.init(line: row.line, reference: nil, reason: "osm_type/osm_id missing or malformed"))
                continue
            }
            let ref = "osm:\(type)/\(id)"
            guard let lat = table.value(row, "lat").flatMap(Double.init), let lon = table.value(row, "lon").flatMap(Double.init),
                  let location = try? Coordinate.validated(latitude: lat, longitude: lon) else {
                report.rejected.append(.init(line: row.line, reference: ref, reason: "lat/lon missing or out of range"))
                continue
            }
            guard seen.insert(ref).inserted else {
                report.rejected.append(.init(line: row.line, reference: ref, reason: "duplicate of an earlier row"))
                continue
            }
            let brand = table.value(row, "brand")
            // OSM leaves many small shops unnamed; they are still real shops, shown by brand or kind.
            let name = table.value(row, "name") ?? brand ?? kind.replacingOccurrences(of: "_", with: " ").capitalized
            let hours = table.value(row, "opening_hours")
            if let hours {
                if (try? OpeningHours(parsing: hours)) == nil { report.hoursUnknown += 1 }
            } else {
                report.hoursMissing += 1
            }
            drafts.append(StoreDraft(externalRef: ref, name: name, brand: brand, kind: kind, openingHours: hours,
                                     timeZone: timeZone, location: location))
        }
        return (drafts, report)
    }
}
