import Foundation
import Kernel
import Stores

/// How a stock input names its stores: by o2o's own id or by the retailer's external reference.
/// Every input says which, through a column named `store_id` or `store_ref` or an explicit
/// choice (`--store-key`, `store_key=`), so a value such as `1` is never read as both.
public enum StoreKey: String, Hashable, Sendable, CaseIterable {
    case id, ref

    /// What the key is, in words.
    public var noun: String { self == .id ? "id" : "external reference" }

    /// The column that holds this key.
    public var column: String { "store_\(rawValue)" }

    /// The store the value names, or nil when it names none.
    public func resolve(_ value: String, in finder: StoreFinder, byRef: [String: StoreID]) -> StoreID? {
        switch self {
        case .id:
            guard let n = Int64(value), finder.store(StoreID(n)) != nil else { return nil }
            return StoreID(n)
        case .ref:
            return byRef[value]
        }
    }

    /// Every live store by external reference.
    public static func references(_ finder: StoreFinder) -> [String: StoreID] {
        Dictionary(finder.stores(after: nil, limit: Int.max).map { ($0.externalRef, $0.id) }) { a, _ in a }
    }
}

/// A till's stock export as CSV: `sku,qty` and optionally a store column (for files that cover
/// several stores) and `low_threshold`. The store column is `store_id` (o2o's ids), `store_ref`
/// (external references) or `store`, which holds whichever key the caller names. Lines that
/// cannot be read are kept as refusals with their line number, so a partial batch can still
/// apply the rest and every report names the line.
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

        public var detail: DomainError.Detail { DomainError.Detail(field: "line \(line)", message: message) }
    }

    public var rows: [Row] = []
    public var refused: [Refusal] = []
    /// The column that names each line's store (`store_id`, `store_ref` or `store`), if any.
    public var storeColumn: String?
    public var hasStoreColumn: Bool { storeColumn != nil }

    /// The columns that may name a line's store.
    public static let storeColumns = ["store_id", "store_ref", "store"]

    /// Reads the text; a file without the `sku` and `qty` columns, with more than one store
    /// column, or not CSV at all, is an error.
    public init(text: String) throws(CSV.Error) {
        let table = try CSVTable(text: text, required: ["sku", "qty"])
        let named = Self.storeColumns.filter(table.header.contains)
        guard named.count <= 1 else {
            throw CSV.Error(line: 1, message: "the columns \(named.joined(separator: " and ")) both name the store: keep one")
        }
        storeColumn = named.first
        for record in table.rows {
            let store = storeColumn.flatMap { table.value(record, $0) }
            let sku = table.value(record, "sku") ?? ""
            func refuse(_ message: String) {
                refused.append(Refusal(line: record.line, store: store, sku: sku.isEmpty ? nil : SKUCode(sku), message: message))
            }
            if let storeColumn, store?.isEmpty ?? true { refuse("\(storeColumn) is empty"); continue }
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
    /// The key the file's store column holds: the one its name says (`store_id`, `store_ref`), or
    /// `declared` for a bare `store` column. A bare column with nothing declared, or a declared
    /// key that contradicts the column's name, is refused naming `option`, so no value is ever
    /// guessed to be an id or a reference. Nil when the file has no store column.
    public func storeKey(declared: StoreKey?, option: String) throws(DomainError) -> StoreKey? {
        guard let storeColumn else { return nil }
        if let named = StoreKey.allCases.first(where: { $0.column == storeColumn }) {
            if let declared, declared != named {
                throw DomainError(.invalid, field: option,
                                 "\(option) \(declared.rawValue) contradicts the file's column \(storeColumn)")
            }
            return named
        }
        guard let declared else {
            throw DomainError(.invalid, field: option,
                             "the file's store column does not say whether it holds o2o ids or external references: "
                             + "pass \(option) id or \(option) ref, or name the column store_id or store_ref")
        }
        return declared
    }

    /// One batch per store the file names (or `defaultStore` when it has no store column), in
    /// order of first appearance. `key` is what the store column holds (from `storeKey`); lines
    /// whose store `resolve` does not find go to `unassigned`, so nothing is written to a store
    /// the file did not name.
    public func batches(kind: StockBatch.Kind, sequence: Int64?, idempotencyKey: String?, partial: Bool,
                        defaultStore: StoreID?, key: StoreKey?,
                        resolve: (String) -> StoreID?) -> (batches: [StockBatch], unassigned: [DomainError.Detail]) {
        var order: [StoreID] = []
        var byStore: [StoreID: StockBatch] = [:]
        var unassigned: [DomainError.Detail] = []
        func batch(for ref: String?, line: Int) -> StoreID? {
            let id: StoreID?
            if let ref {
                id = resolve(ref)
                if id == nil {
                    unassigned.append(.init(field: "line \(line)", message: "unknown store \"\(ref)\"" + (key.map { " (no store has that \($0.noun))" } ?? "")))
                }
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
