import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// Till batches: a store's POS snapshots and deltas, applied in sequence, each once.
extension SpatiaLiteStoreRepository {
    public func apply(_ batches: [StockBatch], at date: Date) async throws -> ([StockBatchResult], StockChange) {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            var change = StockChange()
            var results: [StockBatchResult] = []
            for batch in batches {
                results.append(try Self.apply(db, batch, at: date, defaultThreshold: defaultThreshold, into: &change))
            }
            return (results, change)
        }
    }

    static func apply(_ db: Database, _ batch: StockBatch, at date: Date, defaultThreshold: Int,
                      into change: inout StockChange) throws -> StockBatchResult {
        let store = batch.storeID
        guard try exists(db, store) else { throw DomainError(.notFound, field: "id", "no store \(store)") }
        let lastSequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_sequence FROM stock_sync WHERE store_id = ?"),
                                              arguments: [store.rawValue])

        // A batch seen before: the same content is a replay, other content a conflict.
        if let key = batch.idempotencyKey,
           let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM stock_batches WHERE store_id = ? AND idempotency_key = ?"),
                                      arguments: [store.rawValue, key]) {
            guard row["content_hash"] == batch.contentHash else {
                throw DomainError(.conflict, field: "idempotency_key", "idempotency_key \"\(key)\" was used for a different batch at store \(store)")
            }
            return try replayed(row, lastSequence: lastSequence)
        }
        if let sequence = batch.sequence {
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM stock_batches WHERE store_id = ? AND sequence = ?"),
                                          arguments: [store.rawValue, sequence]) {
                guard row["content_hash"] == batch.contentHash else {
                    throw DomainError(.conflict, field: "sequence", "sequence \(sequence) was already applied at store \(store) with different content")
                }
                return try replayed(row, lastSequence: lastSequence)
            }
            if let lastSequence, sequence <= lastSequence {
                let message = "sequence \(sequence) is older than the last applied at store \(store) (\(lastSequence)); nothing was changed"
                guard batch.partial else { throw DomainError(.conflict, field: "sequence", message) }
                return StockBatchResult(storeID: store, outcome: .stale, batchID: nil, kind: batch.kind, sequence: sequence,
                                        idempotencyKey: batch.idempotencyKey, lastSequence: lastSequence,
                                        refused: [.init(field: "sequence", message: message)])
            }
        }

        // Lines storage refuses: unknown SKUs. One statement reads every listed SKU's id and level.
        var current = try listedLevels(db, store: store, codes: batch.lines.map(\.sku))
        var refused = batch.refused
        var accepted: [(Int64, StockBatch.Line)] = []
        for line in batch.lines {
            if let skuID = current.ids[line.sku] {
                accepted.append((skuID, line))
            } else {
                refused.append(.init(field: line.field, message: "unknown SKU \"\(line.sku)\""))
            }
        }
        if !refused.isEmpty, !batch.partial {
            let noun = refused.count == 1 ? "1 line was" : "\(refused.count) lines were"
            throw DomainError(.unprocessable, field: refused[0].field,
                             "\(noun) refused, so nothing was applied (send the batch as partial to apply the valid lines): \(refused[0].message)",
                             details: refused)
        }

        var changed = 0, unchanged = 0, zeroed = 0
        var warnings: [DomainError.Detail] = []
        var listed = Set<Int64>()
        for (skuID, line) in accepted {
            listed.insert(skuID)
            let old = current.levels[skuID]
            var level = old ?? StockLevel(onHand: 0, reserved: 0, version: 0)
            switch batch.kind {
            case .snapshot:
                level.onHand = line.quantity
            case .delta:
                let sum = level.onHand + line.quantity
                if sum < 0 {
                    warnings.append(.init(field: line.field, message: "a sale of \(-line.quantity) of SKU \"\(line.sku)\" against \(level.onHand) on hand stops at 0"))
                } else if sum > StoreService.maximumQuantity {
                    warnings.append(.init(field: line.field, message: "on hand of SKU \"\(line.sku)\" stops at the most a store may hold, \(StoreService.maximumQuantity)"))
                }
                level.onHand = min(max(0, sum), StoreService.maximumQuantity)
            }
            if let threshold = line.lowThreshold { level.lowThreshold = threshold }
            if level.onHand < level.reserved {
                warnings.append(.init(field: line.field, message: "on hand \(level.onHand) of SKU \"\(line.sku)\" is below the \(level.reserved) reserved; none is available"))
            }
            if let old, old.onHand == level.onHand, old.lowThreshold == level.lowThreshold {
                unchanged += 1
                continue
            }
            // A SKU listed twice sees its first line's result.
            current.levels[skuID] = try writeTracked(db, store: store, skuID: skuID, sku: line.sku, old: old, new: level, at: date,
                                                     defaultThreshold: defaultThreshold, into: &change)
            changed += 1
        }
        // A refused line whose SKU could not be read might have counted anything: then the
        // snapshot sets what it lists and leaves the rest as it was.
        let unreadable = batch.refused.count > batch.refusedSKUs.count
        if batch.kind == .snapshot, unreadable {
            warnings.append(.init(field: batch.refused[0].field,
                                  message: "SKUs the snapshot leaves out were not set to zero, because a refused line's SKU could not be read"))
        }
        if batch.kind == .snapshot, !unreadable {
            // What the count left out is not on the shelf; holds on it stay as they are.
            let skipped = Set(batch.refusedSKUs)
            let rows = try Row.fetchAll(db, sql: """
                SELECT st.sku_id, s.code FROM stock st JOIN skus s ON s.id = st.sku_id WHERE st.store_id = ? AND st.on_hand > 0
                """, arguments: [store.rawValue])
            for row in rows {
                let skuID: Int64 = row[0], code = SKUCode(row[1])
                guard !listed.contains(skuID), !skipped.contains(code), let old = try stockLevel(db, store: store, skuID: skuID) else { continue }
                var level = old
                level.onHand = 0
                if level.reserved > 0 {
                    warnings.append(.init(field: "sku \(code)", message: "left out of the count, so 0 on hand against \(level.reserved) reserved; none is available"))
                }
                try writeTracked(db, store: store, skuID: skuID, sku: code, old: old, new: level, at: date,
                                 defaultThreshold: defaultThreshold, into: &change)
                zeroed += 1
            }
        }

        let encoder = JSONEncoder()
        let refusedJSON = refused.isEmpty ? "[]" : String(decoding: try encoder.encode(refused), as: UTF8.self)
        let warningsJSON = warnings.isEmpty ? "[]" : String(decoding: try encoder.encode(warnings), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO stock_batches (store_id, kind, sequence, idempotency_key, content_hash, partial, changed, unchanged, zeroed,
                refused_json, warnings_json, applied_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [store.rawValue, batch.kind.rawValue, batch.sequence, batch.idempotencyKey, batch.contentHash, batch.partial,
                             changed, unchanged, zeroed, refusedJSON, warningsJSON, date.timeIntervalSince1970])
        let batchID = db.lastInsertedRowID
        var newLast = lastSequence
        if let sequence = batch.sequence {
            newLast = max(sequence, lastSequence ?? sequence)
            try db.cachedStatement(sql: """
                INSERT INTO stock_sync (store_id, last_sequence, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (store_id) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = excluded.updated_at
                """).execute(arguments: [store.rawValue, newLast, date.timeIntervalSince1970])
        }
        return StockBatchResult(storeID: store, outcome: .applied, batchID: batchID, kind: batch.kind, sequence: batch.sequence,
                                idempotencyKey: batch.idempotencyKey, lastSequence: newLast, changed: changed, unchanged: unchanged,
                                zeroed: zeroed, refused: refused, warnings: warnings, appliedAt: date)
    }

    static func replayed(_ row: Row, lastSequence: Int64?) throws -> StockBatchResult {
        let decoder = JSONDecoder()
        return StockBatchResult(
            storeID: StoreID(row["store_id"]), outcome: .replayed, batchID: row["id"],
            kind: StockBatch.Kind(rawValue: row["kind"]) ?? .delta, sequence: row["sequence"], idempotencyKey: row["idempotency_key"],
            lastSequence: lastSequence, changed: row["changed"], unchanged: row["unchanged"], zeroed: row["zeroed"],
            refused: try decoder.decode([DomainError.Detail].self, from: Data((row["refused_json"] as String).utf8)),
            warnings: try decoder.decode([DomainError.Detail].self, from: Data((row["warnings_json"] as String).utf8)),
            appliedAt: Date(timeIntervalSince1970: row["applied_at"]))
    }
}
