import CSpatialite
import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// Importing stores from OSM or a retailer's file: one batch of upserts in one transaction.
extension SpatiaLiteStoreRepository {
    public func importBatch(_ batch: ImportBatch, at date: Date, progress: @escaping @Sendable (Int) -> Void) async throws -> ImportOutcome {
        let now = date.timeIntervalSince1970
        return try await write { db in
            var outcome = ImportOutcome()
            try Self.upsert(db, batch.skus)
            outcome.skusWritten = batch.skus.count
            var skuIDs: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, id FROM skus") { skuIDs[row[0]] = row[1] }
            for (n, entry) in batch.entries.enumerated() {
                let existing = try Row.fetchOne(db, sql: "SELECT \(Self.storeColumns) FROM stores WHERE external_ref = ?",
                                                arguments: [entry.draft.externalRef]).map(Self.store)
                let id: StoreID
                if let existing {
                    id = existing.id
                    if existing.draft == entry.draft {
                        outcome.storesUnchanged += 1
                    } else {
                        try Self.update(db, entry.draft.store(id: id), at: now)
                        outcome.storesUpdated += 1
                    }
                } else {
                    id = try Self.insert(db, entry.draft, at: now)
                    outcome.storesCreated += 1
                }
                let current = try Row.fetchAll(db, sql: "SELECT \(Self.zoneColumns) FROM delivery_zones WHERE store_id = ? ORDER BY id",
                                               arguments: [id.rawValue]).map(Self.zone)
                if !Self.same(current, entry.zones) {
                    try db.execute(sql: "DELETE FROM delivery_zones WHERE store_id = ?", arguments: [id.rawValue])
                    outcome.zonesWritten += try Self.insertZones(db, entry.zones, of: id).count
                }
                for (sku, quantity) in entry.stock ?? [] {
                    guard let skuID = skuIDs[sku.rawValue] else {
                        throw DomainError(.unprocessable, field: "stock", "unknown SKU \"\(sku)\"")
                    }
                    let old = try Self.stockLevel(db, store: id, skuID: skuID)
                    if let old, old.onHand == quantity {
                        outcome.stockRowsUnchanged += 1
                        continue
                    }
                    let reserved = old?.reserved ?? 0
                    let level = StockLevel(onHand: max(quantity, reserved), reserved: reserved,
                                           version: (old?.version ?? 0) + 1, updatedAt: now, lowThreshold: old?.lowThreshold)
                    try Self.putStock(db, store: id, skuID: skuID, level)
                    outcome.stockRowsWritten += 1
                }
                progress(n + 1)
            }
            return outcome
        }
    }

    static func same(_ stored: [DeliveryZone], _ drafts: [ZoneDraft]) -> Bool {
        stored.count == drafts.count && zip(stored, drafts).allSatisfy { z, d in
            z.kind == d.kind && z.name == d.name && z.area == d.area && z.feeMinor == d.feeMinor
                && z.minimumOrderMinor == d.minimumOrderMinor && z.promisedMinutes == d.promisedMinutes
        }
    }
}
