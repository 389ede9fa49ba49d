/// The finder's stock table as storage streams it in: rows arrive as indexes into the store
/// and SKU lists of the load, and go straight into posting lists (appended when they come
/// grouped by store in list order, as storage streams them). A load may be split into parts
/// by store ranges, each filled by its own thread, then joined in order; the whole is handed
/// to ``StoreFinder/install(stores:zones:skus:stock:)``.
public final class StockLoad: StockRowSink, @unchecked Sendable {
    public let storeCount: Int
    public let skuCount: Int
    private let table = StockTable()
    public private(set) var rows = 0

    public init(storeCount: Int, skuCount: Int) {
        self.storeCount = storeCount
        self.skuCount = skuCount
        table.ensureSKUCount(skuCount)
    }

    public func add(_ rows: [StockRow]) {
        let stores = Int32(clamping: storeCount), skus = Int32(clamping: skuCount)
        for row in rows {
            precondition(row.store >= 0 && row.store < stores && row.sku >= 0 && row.sku < skus, "a stock row outside the load's lists")
        }
        table.set(rows)
        self.rows += rows.count
    }

    /// Joins parts loaded for consecutive store ranges, in range order, into one load.
    public static func joined(_ parts: [StockLoad]) -> StockLoad {
        precondition(!parts.isEmpty, "a load has at least one part")
        let whole = parts[0]
        for part in parts.dropFirst() {
            precondition(part.storeCount == whole.storeCount && part.skuCount == whole.skuCount, "parts of different loads")
            whole.table.append(contentsOf: part.table)
            whole.rows += part.rows
        }
        return whole
    }

    /// The table, packed for searching.
    func finish() -> StockTable {
        table.compact(slotCount: storeCount)
        return table
    }
}
