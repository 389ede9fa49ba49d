import Foundation
import Stores

/// A till's stock export as CSV: `sku,qty` and optionally `store` (an id or external
/// reference, for files that cover several stores) and `low_threshold`. Lines that cannot be
/// read are kept as refusals with their line number, so a partial batch can still apply the
/// rest and every report names the line.
public struct StockFile: Sendable {
    public struct Row: Hashable, Sendable {
        public var line: Int
        /// The `store` column as written, if the file has one.
        public var store: String?
        public var sku: SKUCode
        public var quantity: Int
        public var lowThreshold: Int?

        public var batchLine: StockBatch.Line {
            StockBatch.Line(sku: sku, quantity: quantity, lowThreshold: lowThreshold, field: "line \(line)")
        }
    }

    public struct Refusal: Hashable, Sendable {
        public var line: Int
        public var store: String?
        public var sku: SKUCode?
        public var message: String

        public var detail: StoreError.Detail { StoreError.Detail(field: "line \(line)", message: message) }
    }

    public var rows: [Row] = []
    public var refused: [Refusal] = []
    public var hasStoreColumn: Bool

    /// Reads the text; a file without the `sku` and `qty` columns, or not CSV at all, is an error.
    public init(text: String) throws(CSV.Error) {
        let table = try CSVTable(text: text, required: ["sku", "qty"])
        hasStoreColumn = table.header.contains("store")
        for record in table.rows {
            let store = table.value(record, "store")
            let sku = table.value(record, "sku") ?? ""
            func refuse(_ message: String) {
                refused.append(Refusal(line: record.line, store: store, sku: sku.isEmpty ? nil : SKUCode(sku), message: message))
            }
            if hasStoreColumn, store?.isEmpty ?? true { refuse("store is empty"); continue }
            guard !sku.isEmpty else { refuse("sku is empty"); continue }
            let rawQty = table.value(record, "qty") ?? ""
            guard let qty = Int(rawQty) else { refuse("qty \"\(rawQty)\" is not a whole number"); continue }
            var threshold: Int?
            if let raw = table.value(record, "low_threshold"), !raw.isEmpty {
                guard let t = Int(raw) else { refuse("low_threshold \"\(raw)\" is not a whole number"); continue }
                threshold = t
            }
            rows.append(Row(line: record.line, store: store, sku: SKUCode(sku), quantity: qty, lowThreshold: threshold))
        }
    }
}

extension StockFile {
    /// One batch per store the file names (or `defaultStore` when it has no `store` column),
    /// in order of first appearance. Lines whose store cannot be resolved go to `unassigned`.
    public func batches(kind: StockBatch.Kind, sequence: Int64?, idempotencyKey: String?, partial: Bool,
                        defaultStore: StoreID?, resolve: (String) -> StoreID?) -> (batches: [StockBatch], unassigned: [StoreError.Detail]) {
        var order: [StoreID] = []
        var byStore: [StoreID: StockBatch] = [:]
        var unassigned: [StoreError.Detail] = []
        func batch(for ref: String?, line: Int) -> StoreID? {
            let id: StoreID?
            if let ref {
                id = resolve(ref)
                if id == nil { unassigned.append(.init(field: "line \(line)", message: "unknown store \"\(ref)\"")) }
            } else {
                id = defaultStore
                if id == nil { unassigned.append(.init(field: "line \(line)", message: "the line names no store")) }
            }
            guard let id else { return nil }
            if byStore[id] == nil {
                order.append(id)
                byStore[id] = StockBatch(storeID: id, kind: kind, sequence: sequence, idempotencyKey: idempotencyKey,
                                         partial: partial, lines: [])
            }
            return id
        }
        // Rows and refusals in line order, so reports read top to bottom.
        var entries: [(Int, Row?, Refusal?)] = rows.map { ($0.line, $0, nil) } + refused.map { ($0.line, nil, $0) }
        entries.sort { $0.0 < $1.0 }
        for (line, row, refusal) in entries {
            if let row, let id = batch(for: row.store, line: line) {
                byStore[id]!.lines.append(row.batchLine)
            } else if let refusal, let id = batch(for: refusal.store, line: line) {
                byStore[id]!.refused.append(refusal.detail)
                if let sku = refusal.sku { byStore[id]!.refusedSKUs.append(sku) }
            }
        }
        return (order.map { byStore[$0]! }, unassigned)
    }
}
