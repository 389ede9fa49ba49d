import Foundation
import GeoCore
import Kernel
import Stores

/// Store lists as retailers export them from a POS or ERP: CSV with a header row, or GeoJSON
/// Point features, with the fields
/// `external_ref, name, brand, kind, address, phone, lat, lon, opening_hours, time_zone`
/// (GeoJSON takes lat/lon from the geometry). `time_zone` falls back to the import's default.
public struct RetailerFile: Sendable {
    public var defaultTimeZone: String

    public init(defaultTimeZone: String) { self.defaultTimeZone = defaultTimeZone }

    public func readCSV(_ text: String, source: String) throws -> ([(line: Int, draft: StoreDraft)], ImportReport) {
        var report = ImportReport(source: source)
        let table = try CSVTable(text: text, required: ["external_ref", "name", "kind", "lat", "lon"])
        var drafts: [(Int, StoreDraft)] = []
        for row in table.rows {
            report.rowsRead += 1
            let fields = Dictionary(uniqueKeysWithValues: table.header.compactMap { column in
                table.value(row, column).map { (column, JSONValue.string($0)) }
            })
            if let draft = check(fields, line: row.line, latitude: table.value(row, "lat"), longitude: table.value(row, "lon"), report: &report) {
                drafts.append((row.line, draft))
            }
        }
        return (drafts, report)
    }

    public func readGeoJSON(_ data: Data, source: String) throws -> ([(line: Int, draft: StoreDraft)], ImportReport) {
        var report = ImportReport(source: source)
        let json: JSONValue
        do { json = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw DomainError(.invalid, field: "body", "not JSON: \(error)")
        }
        guard case .object(let root) = json, root["type"]?.stringValue == "FeatureCollection",
              let features = root["features"]?.arrayValue else {
            throw DomainError(.invalid, field: "type", "expected a GeoJSON FeatureCollection")
        }
        var drafts: [(Int, StoreDraft)] = []
        for (i, feature) in features.enumerated() {
            report.rowsRead += 1
            let properties = feature["properties"]?.objectValue ?? [:]
            var lat: String? = nil, lon: String? = nil
            if let geometry = feature["geometry"], case .point(let c)? = try? GeoJSONGeometry(json: geometry) {
                lat = String(c.latitude); lon = String(c.longitude)
            }
            if let draft = check(properties, line: i, latitude: lat, longitude: lon, report: &report) {
                drafts.append((i, draft))
            }
        }
        return (drafts, report)
    }

    private func check(_ fields: [String: JSONValue], line: Int, latitude: String?, longitude: String?,
                       report: inout ImportReport) -> StoreDraft? {
        func text(_ key: String) -> String? {
            switch fields[key] {
            case .string(let s)?: let t = s.trimmingCharacters(in: .whitespaces); return t.isEmpty ? nil : t
            case .number(let n)?: return n == n.rounded() ? String(Int64(n)) : String(n)
            default: return nil
            }
        }
        let ref = text("external_ref")
        func reject(_ reason: String) -> StoreDraft? {
            report.rejected.append(.init(line: line, reference: ref, reason: reason))
            return nil
        }
        guard let ref else { return reject("external_ref is missing") }
        guard let name = text("name") else { return reject("name is missing") }
        guard let kind = text("kind") else { return reject("kind is missing") }
        guard let lat = latitude.flatMap(Double.init), let lon = longitude.flatMap(Double.init),
              let location = try? Coordinate.validated(latitude: lat, longitude: lon) else {
            return reject("lat/lon missing or out of range")
        }
        let timeZone = text("time_zone") ?? defaultTimeZone
        guard TimeZone(identifier: timeZone) != nil else { return reject("unknown time zone \"\(timeZone)\"") }
        let hours = text("opening_hours")
        if let hours {
            if (try? OpeningHours(parsing: hours)) == nil { report.hoursUnknown += 1 }
        } else {
            report.hoursMissing += 1
        }
        return StoreDraft(externalRef: ref, name: name, brand: text("brand"), kind: kind, address: text("address"),
                          phone: text("phone"), openingHours: hours, timeZone: timeZone, location: location)
    }
}
