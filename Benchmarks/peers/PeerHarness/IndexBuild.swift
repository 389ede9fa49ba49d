import Foundation
import GRDB
import GRDBSQLite
import Kernel
import NationalData
import Persistence
import Stores

/// The finder's build from the database, as `o2o serve` does it at start: the national data set
/// written into an o2o SpatiaLite file (SKUs, then stores and zones through the import path,
/// then the stock rows in bulk), then opened afresh and the finder loaded from it, three times.
/// The loaded finder must give the answers the finder loaded from the generator gives.
/// Writes index-build.json.
func indexBuild(_ folder: URL, data: NationalDataset, queries: [NearbyQuery], reference: StoreFinder) async throws {
    let path = folder.appendingPathComponent("o2o-national.sqlite").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    let writeStart = clock.now
    var stockRows = 0
    do {
        let database = try SpatiaLiteDatabase(path: path)
        let service = StoreService(repository: SpatiaLiteStoreRepository(database: database), finder: StoreFinder())
        try await service.reload()
        try await service.upsert(skus: data.skus)
        for start in stride(from: 0, to: data.stores.count, by: 5_000) {
            let chunk = data.stores[start..<min(start + 5_000, data.stores.count)]
            let wanted = Set(chunk.map(\.id))
            var zonesOf: [StoreID: [ZoneDraft]] = [:]
            for z in data.zones where wanted.contains(z.storeID) {
                zonesOf[z.storeID, default: []].append(ZoneDraft(kind: z.kind, name: z.name, area: z.area, feeMinor: z.feeMinor,
                                                                 minimumOrderMinor: z.minimumOrderMinor, promisedMinutes: z.promisedMinutes))
            }
            let batch = ImportBatch(entries: chunk.map { ImportBatch.Entry(draft: $0.draft, zones: zonesOf[$0.id] ?? []) })
            _ = try await service.importBatch(batch) { _ in }
        }
        log("index build: \(data.stores.count) stores, \(data.zones.count) zones written in \(String(format: "%.0f", seconds(clock.now - writeStart))) s")
        // Storage's ids for the generator's stores and SKUs.
        let (storeIDs, skuIDs): ([Int64], [Int64]) = try await database.writer.read { db in
            let stores = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT external_ref, id FROM stores").map { ($0[0] as String, $0[1] as Int64) })
            let skus = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT code, id FROM skus").map { ($0[0] as String, $0[1] as Int64) })
            return (data.stores.map { stores[$0.externalRef]! }, data.skus.map { skus[$0.code.rawValue]! })
        }
        // The stock rows in bulk, one prepared insert stepped through SQLite's C interface, with
        // the secondary indexes built after (as a bulk load into any database is done).
        stockRows = try await database.writer.writeWithoutTransaction { db -> Int in
            var count = 0
            let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stock' AND sql IS NOT NULL")
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stock' AND sql IS NOT NULL")
            for name in names { try db.execute(sql: "DROP INDEX \(name)") }
            try db.execute(sql: "PRAGMA synchronous = OFF")
            let insert = try db.makeStatement(sql: "INSERT INTO stock (store_id, sku_id, on_hand, reserved, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)")
            let handle = insert.sqliteStatement
            let now = Date().timeIntervalSince1970
            var failure: String?
            try db.execute(sql: "BEGIN")
            data.stockRows { store, sku, onHand, reserved in
                guard failure == nil else { return }
                sqlite3_bind_int64(handle, 1, storeIDs[store])
                sqlite3_bind_int64(handle, 2, skuIDs[sku])
                sqlite3_bind_int64(handle, 3, Int64(onHand))
                sqlite3_bind_int64(handle, 4, Int64(reserved))
                sqlite3_bind_double(handle, 5, now)
                if sqlite3_step(handle) != SQLITE_DONE { failure = String(cString: sqlite3_errmsg(db.sqliteConnection)) }
                sqlite3_reset(handle)
                count += 1
            }
            if let failure { try db.execute(sql: "ROLLBACK"); throw DatabaseError(message: failure) }
            try db.execute(sql: "COMMIT")
            for sql in indexes { try db.execute(sql: sql) }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return count
        }
    }
    let writeSeconds = seconds(clock.now - writeStart)
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    log(String(format: "index build: database written in %.0f s (%d stock rows, %.1f GB)", writeSeconds, stockRows, Double(bytes) / 1e9))

    // Open and load, as at start: three times, each from a fresh connection.
    var loads: [Double] = []
    var loaded: StoreFinder?
    for _ in 0..<3 {
        loaded = nil
        let t0 = clock.now
        let database = try SpatiaLiteDatabase(path: path)
        let service = StoreService(repository: SpatiaLiteStoreRepository(database: database), finder: StoreFinder())
        try await service.reload()
        loads.append(seconds(clock.now - t0))
        loaded = service.finder
        log(String(format: "index build: opened and loaded in %.1f s", loads.last!))
    }
    guard let finder = loaded else { return }
    // The same answers as the finder loaded from the generator.
    let at = Date(timeIntervalSince1970: 1_767_603_600)
    var mismatches = 0
    for q in queries {
        let a = try finder.nearby(q, now: at), b = try reference.nearby(q, now: at)
        let same = a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.store.externalRef == y.store.externalRef && abs(x.distance - y.distance) < 1e-6 && x.availability == y.availability
                && (x.zone == nil) == (y.zone == nil) && x.isOpen == y.isOpen
        }
        if !same { mismatches += 1 }
    }
    let sorted = loads.sorted()
    let result: [String: Any] = [
        "stores": data.stores.count, "stock_rows": stockRows, "database_bytes": bytes, "write_s": writeSeconds,
        "load_s": sorted, "load_median_s": sorted[sorted.count / 2], "queries": queries.count, "mismatches": mismatches,
        "bytes_per_stock_row": finder.stockBytesPerRow,
    ]
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("index-build.json"))
    log(String(format: "index build: median %.1f s from the database; %d of %d answers differ from the generator-loaded finder",
               sorted[sorted.count / 2], mismatches, queries.count))
    // O2O_PEERS_KEEP=1 keeps it, as run.sh keeps the data set.
    if ProcessInfo.processInfo.environment["O2O_PEERS_KEEP"] != "1" { try? FileManager.default.removeItem(atPath: path) }
    guard mismatches == 0 else { throw DatabaseError(message: "the finder loaded from the database answers differently") }
}
