import Foundation
import GRDB
import GRDBSQLite
import Kernel
import Persistence
import StoreImport
import Stores

/// Durable stock updates in batches of 1,000 rows: through o2o's store service (the till-batch
/// path of `POST /v1/stock/batches`: sequence check, every row read, written with its version,
/// its event recorded, the finder updated) into a SpatiaLite file, and the same rows as raw
/// SQLite upserts (one prepared `INSERT … ON CONFLICT DO UPDATE`, bound and stepped through
/// SQLite's C interface per row) into a table of the
/// same shape, one transaction per batch on both sides, both in WAL mode with `synchronous = FULL`
/// (every commit on disk before it returns). Writes stock-updates.json.
func stockUpdates(_ folder: URL, geoData: URL) async throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let o2oPath = folder.appendingPathComponent("o2o-stock.sqlite").path
    let rawPath = folder.appendingPathComponent("raw-stock.sqlite").path
    for path in [o2oPath, rawPath] { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let database = try SpatiaLiteDatabase(path: o2oPath)
    let service = StoreService(repository: SpatiaLiteStoreRepository(database: database), finder: StoreFinder())
    _ = try await Importer(service: service).importDemoCity(geoData: geoData)
    let skus = DemoCatalog.skus.map(\.code)
    let stores = service.finder.stores(after: nil, limit: 10_000).map(\.id)
    let rowsPerBatch = 1_000, batches = 100, warmup = 5
    // Each batch: 1,000 (store, SKU) pairs, store by store, walking on through the city.
    var cursor = 0
    func nextRows() -> [(store: StoreID, sku: Int)] {
        (0..<rowsPerBatch).map { _ in
            defer { cursor += 1 }
            return (stores[(cursor / skus.count) % stores.count], cursor % skus.count)
        }
    }
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15 }

    let plan = (0..<(warmup + batches)).map { _ in nextRows() }
    // Raw SQLite: the same table (columns, primary key, index), the same rows before the run, the
    // same pragmas.
    let raw = try DatabasePool(path: rawPath)
    try await raw.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
    let skuIDs: [Int64] = try await database.writer.read { db in
        try skus.map { try Int64.fetchOne(db, sql: "SELECT id FROM skus WHERE code = ?", arguments: [$0.rawValue])! }
    }
    try await raw.write { db in
        try db.execute(sql: """
            CREATE TABLE stock (
                store_id INTEGER NOT NULL, sku_id INTEGER NOT NULL, on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
                reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0), version INTEGER NOT NULL DEFAULT 1,
                updated_at REAL NOT NULL, low_threshold INTEGER, PRIMARY KEY (store_id, sku_id)) WITHOUT ROWID;
            CREATE INDEX stock_by_sku ON stock(sku_id, store_id);
            """)
    }
    try await raw.writeWithoutTransaction { db in
        try db.execute(sql: "ATTACH DATABASE ? AS o2o", arguments: [o2oPath])
        try db.inTransaction {
            try db.execute(sql: """
                INSERT INTO stock SELECT store_id, sku_id, on_hand, reserved, version, updated_at, low_threshold FROM o2o.stock
                """)
            return .commit
        }
        try db.execute(sql: "DETACH DATABASE o2o")
    }
    // o2o: each batch is a delta of +1 on every row (so every row changes), split by store.
    var o2oTimes: [Double] = []
    var sequence: [StoreID: Int64] = [:]
    for (n, rows) in plan.enumerated() {
        var byStore: [(StoreID, [StockBatch.Line])] = []
        for (i, r) in rows.enumerated() {
            if byStore.last?.0 != r.store { byStore.append((r.store, [])) }
            byStore[byStore.count - 1].1.append(StockBatch.Line(sku: skus[r.sku], quantity: 1, field: "lines[\(i)]"))
        }
        let request = byStore.map { store, lines in
            sequence[store, default: 0] += 1
            return StockBatch(storeID: store, kind: .delta, sequence: sequence[store]!, lines: lines)
        }
        let t0 = clock.now
        let results = try await service.apply(request)
        let t = clock.now - t0
        precondition(results.allSatisfy { $0.outcome == .applied }, "a batch was not applied")
        if n >= warmup { o2oTimes.append(ms(t)) }
    }

    var rawTimes: [Double] = []
    for (n, rows) in plan.enumerated() {
        let now = Date().timeIntervalSince1970
        let t0 = clock.now
        try await raw.write { db in
            // Raw: SQLite's C interface on the prepared statement, bound and stepped per row.
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO stock (store_id, sku_id, on_hand, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (store_id, sku_id) DO UPDATE SET on_hand = max(0, on_hand + excluded.on_hand),
                    version = version + 1, updated_at = excluded.updated_at
                """).sqliteStatement
            for r in rows {
                sqlite3_bind_int64(upsert, 1, r.store.rawValue)
                sqlite3_bind_int64(upsert, 2, skuIDs[r.sku])
                sqlite3_bind_int64(upsert, 3, 1)
                sqlite3_bind_double(upsert, 4, now)
                let code = sqlite3_step(upsert)
                sqlite3_reset(upsert)
                guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            }
        }
        let t = clock.now - t0
        if n >= warmup { rawTimes.append(ms(t)) }
    }
    // Both sides hold the same stock at the end.
    let o2oSum = try await database.writer.read { try Int.fetchOne($0, sql: "SELECT sum(on_hand) FROM stock")! }
    let rawSum = try await raw.read { try Int.fetchOne($0, sql: "SELECT sum(on_hand) FROM stock")! }
    // The writers' connections: each commit waits for the disk on both sides.
    let synchronous = try await raw.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous")! }
    let o2oSynchronous = try await database.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous")! }
    precondition(synchronous == o2oSynchronous, "the two databases must be equally durable")

    func summary(_ times: [Double]) -> [String: Any] {
        let sorted = times.sorted(), total = times.reduce(0, +)
        return ["rows_per_s": Double(rowsPerBatch * times.count) / (total / 1e3), "batch_p50_ms": sorted[sorted.count / 2],
                "batch_p99_ms": sorted[min(sorted.count - 1, sorted.count * 99 / 100)]]
    }
    let result: [String: Any] = [
        "rows_per_batch": rowsPerBatch, "batches": batches, "synchronous": synchronous, "equal": o2oSum == rawSum,
        "o2o": summary(o2oTimes), "raw": summary(rawTimes), "stock_rows": try await raw.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stock")! },
    ]
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("stock-updates.json"))
    log(String(format: "stock updates, batches of 1,000: o2o %.0f rows/s, raw SQLite upserts %.0f rows/s; same stock: %@",
               (result["o2o"] as! [String: Any])["rows_per_s"] as! Double, (result["raw"] as! [String: Any])["rows_per_s"] as! Double,
               o2oSum == rawSum ? "yes" : "no"))
    try database.close()
    try raw.close()
    if o2oSum != rawSum { exit(1) }
}
