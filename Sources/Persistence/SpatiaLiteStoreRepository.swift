import CSpatialite
import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// ``StoreRepository`` on SpatiaLite: geometry as SRID 4326 with R*Tree spatial indexes,
/// validity checked by GEOS before anything is written, one transaction per write.
public struct SpatiaLiteStoreRepository: StoreRepository {
    public func reservationCounts() async throws -> [Reservation.Status: Int] {
        try await database.writer.read { db in
            var counts: [Reservation.Status: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM reservations GROUP BY status") {
                if let status = Reservation.Status(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    public func probeWrite() async throws {
        try await database.writer.write { db in
            try db.execute(sql: "INSERT INTO ops_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                           arguments: [Date().timeIntervalSince1970])
        }
    }

    public let database: SpatiaLiteDatabase
    /// The low-stock threshold of stock rows that set none.
    public let defaultLowThreshold: Int
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase, defaultLowThreshold: Int = 5) {
        self.database = database; self.defaultLowThreshold = defaultLowThreshold
    }

    // MARK: - Reads

    static let storeColumns = """
        id, external_ref, name, brand, kind, address, phone, opening_hours, time_zone, AsBinary(location) AS location_wkb
        """

    static func store(_ row: Row) throws -> Store {
        Store(id: StoreID(row["id"]), externalRef: row["external_ref"], name: row["name"], brand: row["brand"],
              kind: row["kind"], address: row["address"], phone: row["phone"], openingHours: row["opening_hours"],
              timeZone: row["time_zone"], location: try WKB.readPoint(row["location_wkb"]))
    }

    static func zone(_ row: Row) throws -> DeliveryZone {
        DeliveryZone(id: ZoneID(row["id"]), storeID: StoreID(row["store_id"]),
                     kind: DeliveryZone.Kind(rawValue: row["kind"]) ?? .delivery, name: row["name"],
                     area: try WKB.readMultiPolygon(row["area_wkb"]), feeMinor: row["fee_minor"],
                     minimumOrderMinor: row["min_order_minor"], promisedMinutes: row["promised_minutes"])
    }

    static let zoneColumns = "id, store_id, kind, name, fee_minor, min_order_minor, promised_minutes, AsBinary(area) AS area_wkb"

    public func allStores() async throws -> [Store] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.storeColumns) FROM stores ORDER BY id").map(Self.store)
        }
    }

    public func allZones() async throws -> [DeliveryZone] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.zoneColumns) FROM delivery_zones ORDER BY id").map(Self.zone)
        }
    }

    public func allSKUs() async throws -> [SKU] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, category, unit, price_minor FROM skus ORDER BY code").map {
                SKU(code: SKUCode($0["code"]), name: $0["name"], category: $0["category"], unit: $0["unit"], priceMinor: $0["price_minor"])
            }
        }
    }

    public func allStock() async throws -> [(StoreID, SKUCode, StockLevel)] {
        try await writer.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT st.store_id, s.code, st.on_hand, st.reserved, st.version, st.updated_at, st.low_threshold
                FROM stock st JOIN skus s ON s.id = st.sku_id
                """)
            var result: [(StoreID, SKUCode, StockLevel)] = []
            while let row = try rows.next() {
                result.append((StoreID(row[0]), SKUCode(row[1]),
                               StockLevel(onHand: row[2], reserved: row[3], version: row[4], updatedAt: row[5], lowThreshold: row[6])))
            }
            return result
        }
    }

    public func streamStock(stores: [StoreID], skus: [SKUCode], into sinks: [StockRowSink]) async throws {
        guard !sinks.isEmpty else { return }
        // Storage's SKU ids to the caller's indexes: ids are small integers, so an array.
        let skuByID: [Int32] = try await writer.read { db in
            let position = Dictionary(skus.enumerated().map { ($0.element.rawValue, $0.offset) }, uniquingKeysWith: { a, _ in a })
            var skuByID: [Int32] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, code FROM skus") {
                let id: Int64 = row[0]
                guard let index = position[row[1]], id >= 0, id < 1 << 31 else { continue }
                if skuByID.count <= Int(id) { skuByID += repeatElement(-1, count: Int(id) + 1 - skuByID.count) }
                skuByID[Int(id)] = Int32(index)
            }
            return skuByID
        }
        // Consecutive ranges of the store list, one per sink, read at once on the pool's readers.
        let per = (stores.count + sinks.count - 1) / max(1, sinks.count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (part, sink) in sinks.enumerated() {
                let range = min(stores.count, part * per)..<min(stores.count, (part + 1) * per)
                if range.isEmpty { continue }
                let ids = Array(stores[range])
                group.addTask {
                    try await writer.read { db in
                        try Self.streamStock(db, stores: ids, firstSlot: range.lowerBound, skuByID: skuByID, into: sink)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The rows of `stores` (a range of the whole list starting at `firstSlot`), in the primary
    /// key's order (store, then SKU): each store's rows come together, so the store lookup runs
    /// once per store, not per row, and each SKU's list grows by appending.
    static func streamStock(_ db: Database, stores: [StoreID], firstSlot: Int, skuByID: [Int32], into sink: StockRowSink) throws {
        guard let first = stores.first, let last = stores.last else { return }
        let slotByID = Dictionary(stores.enumerated().map { ($0.element.rawValue, Int32(firstSlot + $0.offset)) }, uniquingKeysWith: { a, _ in a })
        let statement = try db.makeStatement(sql: """
            SELECT store_id, sku_id, on_hand, reserved FROM stock WHERE store_id BETWEEN ? AND ? ORDER BY store_id, sku_id
            """)
        try statement.setArguments([first.rawValue, last.rawValue])
        var lastStore = Int64.min, slot: Int32 = -1
        var batch: [StockRow] = []
        batch.reserveCapacity(4_096)
        try skuByID.withUnsafeBufferPointer { skuByID in
            try statement.forEachRowDirect(db) { row in
                let storeID = sqlite3_column_int64(row, 0), skuID = sqlite3_column_int64(row, 1)
                if storeID != lastStore {
                    lastStore = storeID
                    slot = slotByID[storeID] ?? -1
                }
                guard slot >= 0, skuID >= 0, skuID < skuByID.count else { return }
                let sku = skuByID[Int(skuID)]
                guard sku >= 0 else { return }
                batch.append(StockRow(store: slot, sku: sku, onHand: Int32(clamping: sqlite3_column_int64(row, 2)),
                                      reserved: Int32(clamping: sqlite3_column_int64(row, 3))))
                if batch.count == 4_096 { sink.add(batch); batch.removeAll(keepingCapacity: true) }
            }
        }
        sink.add(batch)
    }

    public func store(_ id: StoreID) async throws -> Store? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.storeColumns) FROM stores WHERE id = ?", arguments: [id.rawValue]).map(Self.store)
        }
    }

    public func stock(of id: StoreID, after cursor: String?, limit: Int) async throws -> StockPage {
        try await writer.read { db in
            guard try Self.exists(db, id) else { throw DomainError(.notFound, field: "id", "no store \(id)") }
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.code, st.on_hand, st.reserved, st.version, st.updated_at, st.low_threshold
                FROM stock st JOIN skus s ON s.id = st.sku_id
                WHERE st.store_id = ? AND s.code > ?
                ORDER BY s.code LIMIT ?
                """, arguments: [id.rawValue, cursor ?? "", limit + 1])
            let lines = rows.prefix(limit).map {
                StockLine(sku: SKUCode($0[0]), level: StockLevel(onHand: $0[1], reserved: $0[2], version: $0[3], updatedAt: $0[4],
                                                                 lowThreshold: $0[5]))
            }
            return StockPage(lines: lines, nextCursor: rows.count > limit ? lines.last?.sku.rawValue : nil)
        }
    }

    // MARK: - Writes

    public func create(_ draft: StoreDraft, zones: [ZoneDraft]) async throws -> (Store, [DeliveryZone]) {
        let now = Date().timeIntervalSince1970
        return try await write { db in
            let id = try Self.insert(db, draft, at: now)
            let created = try Self.insertZones(db, zones, of: id)
            return (draft.store(id: id), created)
        }
    }

    public func update(_ id: StoreID, _ change: @escaping @Sendable (Store) throws -> Store) async throws -> Store {
        let now = Date().timeIntervalSince1970
        return try await write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT \(Self.storeColumns) FROM stores WHERE id = ?",
                                                 arguments: [id.rawValue]).map(Self.store) else {
                throw DomainError(.notFound, field: "id", "no store \(id)")
            }
            var changed = try change(current)
            changed.id = id
            try Self.update(db, changed, at: now)
            return changed
        }
    }

    public func delete(_ id: StoreID) async throws {
        try await write { db in
            guard try Self.exists(db, id) else { throw DomainError(.notFound, field: "id", "no store \(id)") }
            // Orders keep their store for their history, and deliveries under way need its address.
            let orders = try Int.fetchOne(db, sql: "SELECT count(*) FROM orders WHERE store_id = ?", arguments: [id.rawValue]) ?? 0
            if orders > 0 {
                throw DomainError(.conflict, field: "id", "store \(id) has \(orders) order(s), which keep it for their history; replace its zones with none to stop it being offered")
            }
            let active = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM deliveries WHERE store_id = ? AND status IN ('pending', 'assigned', 'accepted', 'picked_up')
                """, arguments: [id.rawValue]) ?? 0
            if active > 0 { throw DomainError(.conflict, field: "id", "store \(id) has \(active) delivery(ies) under way") }
            try db.execute(sql: "DELETE FROM stock WHERE store_id = ?", arguments: [id.rawValue])
            try db.execute(sql: "DELETE FROM delivery_zones WHERE store_id = ?", arguments: [id.rawValue])
            try db.execute(sql: "DELETE FROM stores WHERE id = ?", arguments: [id.rawValue])
        }
    }

    public func replaceZones(of id: StoreID, with zones: [ZoneDraft]) async throws -> [DeliveryZone] {
        try await write { db in
            guard try Self.exists(db, id) else { throw DomainError(.notFound, field: "id", "no store \(id)") }
            try db.execute(sql: "DELETE FROM delivery_zones WHERE store_id = ?", arguments: [id.rawValue])
            return try Self.insertZones(db, zones, of: id)
        }
    }

    public func upsert(skus: [SKU]) async throws {
        try await write { db in try Self.upsert(db, skus) }
    }

    public func writeStock(of id: StoreID, _ items: [(sku: SKUCode, quantity: Int)], mode: StockWriteMode,
                           lowThresholds: [SKUCode: Int], at date: Date) async throws -> StockChange {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            guard try Self.exists(db, id) else { throw DomainError(.notFound, field: "id", "no store \(id)") }
            var change = StockChange()
            for (i, item) in items.enumerated() {
                guard let skuID = try Self.skuID(db, item.sku) else {
                    throw DomainError(.unprocessable, field: "items[\(i)].sku", "unknown SKU \"\(item.sku)\"")
                }
                let old = try Self.stockLevel(db, store: id, skuID: skuID)
                let oldOnHand = old?.onHand ?? 0, reserved = old?.reserved ?? 0
                let onHand = mode == .set ? item.quantity : oldOnHand + item.quantity
                guard onHand >= 0 else {
                    throw DomainError(.conflict, field: "items[\(i)].qty",
                                     "on hand would fall to \(onHand) for SKU \"\(item.sku)\" (now \(oldOnHand))")
                }
                guard onHand <= StoreService.maximumQuantity else {
                    throw DomainError(.conflict, field: "items[\(i)].qty",
                                     "on hand would rise to \(onHand) for SKU \"\(item.sku)\", above the most a store may hold (\(StoreService.maximumQuantity))")
                }
                guard onHand >= reserved else {
                    throw DomainError(.conflict, field: "items[\(i)].qty",
                                     "on hand \(onHand) would fall below the \(reserved) reserved for SKU \"\(item.sku)\"")
                }
                var level = old ?? StockLevel(onHand: 0, reserved: 0, version: 0)
                level.onHand = onHand
                if let threshold = lowThresholds[item.sku] { level.lowThreshold = threshold }
                try Self.writeTracked(db, store: id, skuID: skuID, sku: item.sku, old: old, new: level, at: date,
                                      defaultThreshold: defaultThreshold, into: &change)
            }
            return change
        }
    }

    // MARK: - Statements

    /// Runs a write transaction; a duplicate external reference is the client's conflict.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(refusing: [UniqueRule(column: "external_ref", field: "external_ref",
                                                     message: "another store already has this external_ref")], body)
    }

    static func exists(_ db: Database, _ id: StoreID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM stores WHERE id = ?)"), arguments: [id.rawValue]) ?? false
    }

    static func insert(_ db: Database, _ d: StoreDraft, at now: Double) throws -> StoreID {
        try db.execute(sql: """
            INSERT INTO stores (external_ref, name, brand, kind, address, phone, opening_hours, time_zone, created_at, updated_at, location)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))
            """, arguments: [d.externalRef, d.name, d.brand, d.kind, d.address, d.phone, d.openingHours, d.timeZone,
                             now, now, WKB.point(d.location)])
        return StoreID(db.lastInsertedRowID)
    }

    static func update(_ db: Database, _ s: Store, at now: Double) throws {
        try db.execute(sql: """
            UPDATE stores SET external_ref = ?, name = ?, brand = ?, kind = ?, address = ?, phone = ?, opening_hours = ?,
                time_zone = ?, updated_at = ?, location = GeomFromWKB(?, 4326)
            WHERE id = ?
            """, arguments: [s.externalRef, s.name, s.brand, s.kind, s.address, s.phone, s.openingHours, s.timeZone,
                             now, WKB.point(s.location), s.id.rawValue])
    }

    /// Checks each area with GEOS, then inserts; the caller's transaction rolls back on a refusal.
    static func insertZones(_ db: Database, _ zones: [ZoneDraft], of store: StoreID) throws -> [DeliveryZone] {
        var created: [DeliveryZone] = []
        for zone in zones {
            let wkb = WKB.multiPolygon(zone.area)
            let check = try Row.fetchOne(db, sql: """
                SELECT ST_IsValid(g), ST_IsValidReason(g), ST_Area(g) FROM (SELECT GeomFromWKB(?, 4326) AS g)
                """, arguments: [wkb])
            let valid: Int? = check?[0]
            let reason: String? = check?[1]
            let area: Double? = check?[2]
            guard valid == 1 else {
                throw DomainError(.unprocessable, field: zone.field + ".geometry", "invalid polygon: \(reason ?? "rejected by GEOS")")
            }
            guard let area, area > 0 else {
                throw DomainError(.unprocessable, field: zone.field + ".geometry", "the polygon has zero area")
            }
            try db.execute(sql: """
                INSERT INTO delivery_zones (store_id, kind, name, fee_minor, min_order_minor, promised_minutes, area)
                VALUES (?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
                """, arguments: [store.rawValue, zone.kind.rawValue, zone.name, zone.feeMinor, zone.minimumOrderMinor,
                                 zone.promisedMinutes, wkb])
            created.append(DeliveryZone(id: ZoneID(db.lastInsertedRowID), storeID: store, kind: zone.kind, name: zone.name,
                                        area: zone.area, feeMinor: zone.feeMinor, minimumOrderMinor: zone.minimumOrderMinor,
                                        promisedMinutes: zone.promisedMinutes))
        }
        return created
    }

    static func upsert(_ db: Database, _ skus: [SKU]) throws {
        for sku in skus {
            try db.execute(sql: """
                INSERT INTO skus (code, name, category, unit, price_minor) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category,
                    unit = excluded.unit, price_minor = excluded.price_minor
                """, arguments: [sku.code.rawValue, sku.name, sku.category, sku.unit, sku.priceMinor])
        }
    }

    static func putStock(_ db: Database, store: StoreID, skuID: Int64, _ level: StockLevel) throws {
        let threshold: DirectValue = level.lowThreshold.map { .integer(Int64($0)) } ?? .null
        let statement = try db.cachedStatement(sql: """
            INSERT INTO stock (store_id, sku_id, on_hand, reserved, version, updated_at, low_threshold) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (store_id, sku_id) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
                version = excluded.version, updated_at = excluded.updated_at, low_threshold = excluded.low_threshold
            """)
        try statement.runDirect(db, .integer(store.rawValue), .integer(skuID), .integer(Int64(level.onHand)),
                                .integer(Int64(level.reserved)), .integer(Int64(level.version)), .real(level.updatedAt), threshold)
    }
}
