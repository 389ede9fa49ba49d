import Foundation
import GeoCore
import Kernel
import Stores

/// Imports stores into storage through the store service, one transaction per import, and
/// reloads the finder afterwards.
public struct Importer: Sendable {
    public let service: StoreService
    /// Told how many stores of how many are written, for progress on long runs.
    public var progress: @Sendable (Int, Int) -> Void

    public init(service: StoreService, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        self.service = service
        self.progress = progress
    }

    /// The demo city: Porto's grocery shops from OpenStreetMap, zones by ``ZoneRule`` with the
    /// Douro as the river riders keep to, and ``DemoCatalog``'s catalog and stock.
    public func importDemoCity(geoData: URL) async throws -> ImportReport {
        let city = geoData.appendingPathComponent("porto")
        let shops = try String(contentsOf: city.appendingPathComponent("shops.csv"), encoding: .utf8)
        var (drafts, report) = try OSMShops(timeZone: "Europe/Lisbon").read(shops, source: "GeoData/porto/shops.csv")
        let rule = ZoneRule(river: try Self.riverLine(city.appendingPathComponent("douro.geojson")), riverName: "Douro")
        let entries = drafts.map { draft in
            ImportBatch.Entry(draft: draft, zones: rule.zones(for: draft),
                              stock: DemoCatalog.stock(forStore: draft.externalRef, kind: draft.kind))
        }
        try await write(ImportBatch(entries: entries, skus: DemoCatalog.skus), into: &report)
        return report
    }

    /// A retailer's store file (`.csv`, or `.geojson` / `.json`); zones by ``ZoneRule``, stock untouched.
    public func importFile(_ url: URL, defaultTimeZone: String) async throws -> ImportReport {
        let reader = RetailerFile(defaultTimeZone: defaultTimeZone)
        var (rows, report): ([(line: Int, draft: StoreDraft)], ImportReport)
        switch url.pathExtension.lowercased() {
        case "csv":
            (rows, report) = try reader.readCSV(try String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
        case "geojson", "json":
            (rows, report) = try reader.readGeoJSON(try Data(contentsOf: url), source: url.lastPathComponent)
        default:
            throw DomainError(.invalid, field: "source", "unknown file type \"\(url.pathExtension)\": use .csv, .geojson or .json")
        }
        var seen = Set<String>()
        var entries: [ImportBatch.Entry] = []
        for (line, draft) in rows {
            guard seen.insert(draft.externalRef).inserted else {
                report.rejected.append(.init(line: line, reference: draft.externalRef, reason: "duplicate external_ref in the file"))
                continue
            }
            entries.append(ImportBatch.Entry(draft: draft, zones: ZoneRule().zones(for: draft)))
        }
        try await write(ImportBatch(entries: entries), into: &report)
        return report
    }

    private func write(_ batch: ImportBatch, into report: inout ImportReport) async throws {
        let total = batch.entries.count, progress = self.progress
        report.outcome = try await service.importBatch(batch) { done in
            if done % 50 == 0 || done == total { progress(done, total) }
        }
    }

    static func riverLine(_ url: URL) throws -> [Coordinate]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        guard let feature = json["features"]?.arrayValue?.first,
              let coordinates = feature["geometry"]?["coordinates"]?.arrayValue else { return nil }
        return coordinates.compactMap { p in
            guard let a = p.arrayValue, a.count >= 2, let lon = a[0].numberValue, let lat = a[1].numberValue else { return nil }
            return Coordinate(latitude: lat, longitude: lon)
        }
    }
}

/// The demo city held in memory only, as the finder loads it: for benchmarks and tests that
/// need no database. Ids are assigned in file order from 1.
public enum DemoCity {
    public static func inMemory(geoData: URL) throws -> (stores: [Store], zones: [DeliveryZone], skus: [SKU], stock: [(StoreID, SKUCode, StockLevel)]) {
        let city = geoData.appendingPathComponent("porto")
        let text = try String(contentsOf: city.appendingPathComponent("shops.csv"), encoding: .utf8)
        let (drafts, _) = try OSMShops(timeZone: "Europe/Lisbon").read(text, source: "shops.csv")
        let rule = ZoneRule(river: try Importer.riverLine(city.appendingPathComponent("douro.geojson")), riverName: "Douro")
        var stores: [Store] = [], zones: [DeliveryZone] = [], stock: [(StoreID, SKUCode, StockLevel)] = []
        var zoneID: Int64 = 1
        for (i, draft) in drafts.enumerated() {
            let id = StoreID(Int64(i + 1))
            stores.append(draft.store(id: id))
            for z in rule.zones(for: draft) {
                zones.append(DeliveryZone(id: ZoneID(zoneID), storeID: id, kind: z.kind, name: z.name, area: z.area, feeMinor: z.feeMinor,
                                          minimumOrderMinor: z.minimumOrderMinor, promisedMinutes: z.promisedMinutes))
                zoneID += 1
            }
            for (sku, quantity) in DemoCatalog.stock(forStore: draft.externalRef, kind: draft.kind) {
                stock.append((id, sku, StockLevel(onHand: quantity)))
            }
        }
        return (stores, zones, DemoCatalog.skus, stock)
    }
}
