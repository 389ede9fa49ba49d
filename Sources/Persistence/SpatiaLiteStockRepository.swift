import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// Reservations, till batches and stock events on the same database as the stores: each
/// method is one write transaction, so a hold, a decrement or a batch applies in full or not
/// at all, and SQLite's single writer makes "check available, then hold" atomic.
extension SpatiaLiteStoreRepository: StockRepository {
    // MARK: - Reservations

    public func reserve(_ id: ReservationID, store: StoreID, items: [Reservation.Item], at date: Date, expiresAt: Date,
                        idempotencyKey: String?, contentHash: String) async throws -> (reservation: Reservation, replayed: Bool, change: StockChange) {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            var change = StockChange()
            if let key = idempotencyKey,
               let row = try Row.fetchOne(db, sql: "SELECT id, request_hash FROM reservations WHERE idempotency_key = ?", arguments: [key]) {
                guard row["request_hash"] == contentHash, let earlier = try Self.reservation(db, ReservationID(parsing: row["id"])!) else {
                    throw DomainError(.conflict, field: "idempotency_key", "idempotency_key \"\(key)\" was used for a different reservation")
                }
                return (earlier, true, change)
            }
            guard try Self.exists(db, store) else { throw DomainError(.notFound, field: "store_id", "no store \(store)") }
            // Holds of this store that ran out of time stop counting before anything is checked.
            let overdue = try String.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM reservations WHERE store_id = ? AND status = 'held' AND expires_at <= ?
                """), arguments: [store.rawValue, date.timeIntervalSince1970])
            for overdueID in overdue {
                guard let held = try Self.reservation(db, ReservationID(parsing: overdueID)!) else { continue }
                try Self.close(db, held, as: .expired, at: date, defaultThreshold: defaultThreshold, into: &change)
            }
            var shortages: [DomainError.Detail] = []
            var resolved: [(Int64, Reservation.Item, StockLevel?)] = []
            for (i, item) in items.enumerated() {
                guard let skuID = try Self.skuID(db, item.sku) else {
                    throw DomainError(.notFound, field: "items[\(i)].sku", "unknown SKU \"\(item.sku)\"")
                }
                let level = try Self.stockLevel(db, store: store, skuID: skuID)
                let available = level?.available ?? 0
                if available < item.quantity {
                    shortages.append(.init(field: "items[\(i)].qty",
                                           message: "only \(available) of SKU \"\(item.sku)\" available at store \(store), \(item.quantity) asked"))
                }
                resolved.append((skuID, item, level))
            }
            if let first = shortages.first {
                throw DomainError(.conflict, field: first.field, first.message, details: shortages)
            }
            let now = date.timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO reservations (id, store_id, status, created_at, expires_at, idempotency_key, request_hash) VALUES (?, ?, 'held', ?, ?, ?, ?)
                """, arguments: [id.rawValue, store.rawValue, now, expiresAt.timeIntervalSince1970, idempotencyKey, contentHash])
            for (skuID, item, old) in resolved {
                try db.execute(sql: "INSERT INTO reservation_items (reservation_id, sku_id, qty) VALUES (?, ?, ?)",
                               arguments: [id.rawValue, skuID, item.quantity])
                var level = old!
                level.reserved += item.quantity
                try Self.writeTracked(db, store: store, skuID: skuID, sku: item.sku, old: old, new: level, at: date,
                                      defaultThreshold: defaultThreshold, into: &change)
            }
            // In SKU order (bytewise, as SQLite sorts them), as every later read of it lists them.
            let reservation = Reservation(id: id, storeID: store, status: .held, items: items.sorted { $0.sku.rawValue.utf8.lexicographicallyPrecedes($1.sku.rawValue.utf8) },
                                          createdAt: date, expiresAt: expiresAt, idempotencyKey: idempotencyKey)
            return (reservation, false, change)
        }
    }

    public func confirm(_ id: ReservationID, at date: Date) async throws -> (Reservation, StockChange) {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            guard var reservation = try Self.reservation(db, id) else { throw DomainError(.notFound, field: "id", "no reservation \(id)") }
            var change = StockChange()
            switch reservation.status {
            case .confirmed, .expired:
                return (reservation, change)
            case .released:
                throw DomainError(.conflict, field: "id", "reservation \(id) was released; it cannot be confirmed")
            case .held:
                break
            }
            if reservation.expiresAt <= date {
                reservation = try Self.close(db, reservation, as: .expired, at: date, defaultThreshold: defaultThreshold, into: &change)
                return (reservation, change)
            }
            for (i, item) in reservation.items.enumerated() {
                let skuID = try Self.skuID(db, item.sku)!
                let old = try Self.stockLevel(db, store: reservation.storeID, skuID: skuID)!
                guard old.onHand >= item.quantity else {
                    throw DomainError(.conflict, field: "items[\(i)].qty",
                                     "only \(old.onHand) of SKU \"\(item.sku)\" left on hand at store \(reservation.storeID) after a till count; "
                                        + "the hold of \(item.quantity) stays until released or expired")
                }
                var level = old
                level.onHand -= item.quantity
                level.reserved = max(0, level.reserved - item.quantity)
                try Self.writeTracked(db, store: reservation.storeID, skuID: skuID, sku: item.sku, old: old, new: level, at: date,
                                      defaultThreshold: defaultThreshold, into: &change)
            }
            try db.execute(sql: "UPDATE reservations SET status = 'confirmed', closed_at = ? WHERE id = ?",
                           arguments: [date.timeIntervalSince1970, id.rawValue])
            reservation.status = .confirmed
            reservation.closedAt = date
            return (reservation, change)
        }
    }

    public func release(_ id: ReservationID, at date: Date) async throws -> (Reservation, StockChange) {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            guard let reservation = try Self.reservation(db, id) else { throw DomainError(.notFound, field: "id", "no reservation \(id)") }
            var change = StockChange()
            switch reservation.status {
            case .released, .expired:
                return (reservation, change)
            case .confirmed:
                throw DomainError(.conflict, field: "id", "reservation \(id) is confirmed: its goods are sold and cannot be released")
            case .held:
                let closed = try Self.close(db, reservation, as: .released, at: date, defaultThreshold: defaultThreshold, into: &change)
                return (closed, change)
            }
        }
    }

    public func releaseExpired(at date: Date, limit: Int) async throws -> ([Reservation], StockChange) {
        let defaultThreshold = defaultLowThreshold
        return try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM reservations WHERE status = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?
                """, arguments: [date.timeIntervalSince1970, limit])
            var change = StockChange()
            var expired: [Reservation] = []
            for id in ids {
                guard let held = try Self.reservation(db, ReservationID(parsing: id)!) else { continue }
                expired.append(try Self.close(db, held, as: .expired, at: date, defaultThreshold: defaultThreshold, into: &change))
            }
            return (expired, change)
        }
    }

    public func reservation(_ id: ReservationID) async throws -> Reservation? {
        try await writer.read { db in try Self.reservation(db, id) }
    }

    static func reservation(_ db: Database, _ id: ReservationID) throws -> Reservation? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT store_id, status, created_at, expires_at, closed_at, idempotency_key FROM reservations WHERE id = ?
            """), arguments: [id.rawValue]) else { return nil }
        let items = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT s.code, ri.qty FROM reservation_items ri JOIN skus s ON s.id = ri.sku_id WHERE ri.reservation_id = ? ORDER BY s.code
            """), arguments: [id.rawValue]).map { Reservation.Item(sku: SKUCode($0[0]), quantity: $0[1]) }
        return Reservation(id: id, storeID: StoreID(row[0]), status: Reservation.Status(rawValue: row[1]) ?? .held, items: items,
                           createdAt: Date(timeIntervalSince1970: row[2]), expiresAt: Date(timeIntervalSince1970: row[3]),
                           closedAt: (row[4] as Double?).map(Date.init(timeIntervalSince1970:)), idempotencyKey: row[5])
    }

    /// Gives a held reservation's goods back to available and closes it.
    @discardableResult
    static func close(_ db: Database, _ reservation: Reservation, as status: Reservation.Status, at date: Date,
                      defaultThreshold: Int, into change: inout StockChange) throws -> Reservation {
        for item in reservation.items {
            guard let skuID = try skuID(db, item.sku), let old = try stockLevel(db, store: reservation.storeID, skuID: skuID) else { continue }
            var level = old
            level.reserved = max(0, level.reserved - item.quantity)
            try writeTracked(db, store: reservation.storeID, skuID: skuID, sku: item.sku, old: old, new: level, at: date,
                             defaultThreshold: defaultThreshold, into: &change)
        }
        try db.execute(sql: "UPDATE reservations SET status = ?, closed_at = ? WHERE id = ?",
                       arguments: [status.rawValue, date.timeIntervalSince1970, reservation.id.rawValue])
        var closed = reservation
        closed.status = status
        closed.closedAt = date
        return closed
    }

    // MARK: - Events

    public func stockEvents(store: StoreID?, after: Int64, limit: Int) async throws -> [StockEvent] {
        try await writer.read { db in
            let sql = """
                SELECT e.id, e.store_id, s.code, e.kind, e.available, e.on_hand, e.reserved, e.threshold, e.at
                FROM stock_events e JOIN skus s ON s.id = e.sku_id
                WHERE e.id > ? \(store == nil ? "" : "AND e.store_id = ?") ORDER BY e.id LIMIT ?
                """
            let arguments: StatementArguments = store.map { [after, $0.rawValue, limit] } ?? [after, limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StockEvent(id: row[0], storeID: StoreID(row[1]), sku: SKUCode(row[2]), kind: StockEvent.Kind(rawValue: row[3]) ?? .lowStock,
                           available: row[4], onHand: row[5], reserved: row[6], threshold: row[7], at: Date(timeIntervalSince1970: row[8]))
            }
        }
    }

    public func lastStockEventID() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM stock_events") ?? 0 }
    }

    // MARK: - Stock rows

    static func skuID(_ db: Database, _ code: SKUCode) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM skus WHERE code = ?"), arguments: [code.rawValue])
    }

    /// The ids of the SKUs among `codes` that exist, and the store's stock level of each it has
    /// a row for, in one statement (the codes go in as one JSON array, so it is prepared once).
    static func listedLevels(_ db: Database, store: StoreID, codes: [SKUCode])
        throws -> (ids: [SKUCode: Int64], levels: [Int64: StockLevel]) {
        var ids: [SKUCode: Int64] = [:], levels: [Int64: StockLevel] = [:]
        ids.reserveCapacity(codes.count); levels.reserveCapacity(codes.count)
        let list = jsonArray(codes.map(\.rawValue))
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT k.code, k.id, s.on_hand, s.reserved, s.version, s.updated_at, s.low_threshold
            FROM skus k LEFT JOIN stock s ON s.store_id = ? AND s.sku_id = k.id
            WHERE k.code IN (SELECT value FROM json_each(?))
            """), arguments: [store.rawValue, list])
        while let row = try rows.next() {
            let id: Int64 = row[1]
            ids[SKUCode(row[0])] = id
            if let onHand: Int = row[2] {
                levels[id] = StockLevel(onHand: onHand, reserved: row[3], version: row[4], updatedAt: row[5], lowThreshold: row[6])
            }
        }
        return (ids, levels)
    }

    /// A JSON array of strings, as GeoCore's JSON writer writes it (JSONEncoder costs more than
    /// the query it feeds).
    static func jsonArray(_ strings: [String]) -> String {
        String(decoding: JSONValue.array(strings.map(JSONValue.string)).serialized(), as: UTF8.self)
    }

    static func stockLevel(_ db: Database, store: StoreID, skuID: Int64) throws -> StockLevel? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT on_hand, reserved, version, updated_at, low_threshold FROM stock WHERE store_id = ? AND sku_id = ?
            """), arguments: [store.rawValue, skuID]).map {
            StockLevel(onHand: $0[0], reserved: $0[1], version: $0[2], updatedAt: $0[3], lowThreshold: $0[4])
        }
    }

    /// Writes a stock row (bumping its version), notes it in `change`, and records the event
    /// the change of available quantity raises, if any. Returns the row as written.
    @discardableResult
    static func writeTracked(_ db: Database, store: StoreID, skuID: Int64, sku: SKUCode, old: StockLevel?, new: StockLevel,
                             at date: Date, defaultThreshold: Int, into change: inout StockChange) throws -> StockLevel {
        var level = new
        level.version = (old?.version ?? 0) + 1
        level.updatedAt = date.timeIntervalSince1970
        try putStock(db, store: store, skuID: skuID, level)
        change.lines.append((store, StockLine(sku: sku, level: level)))
        let threshold = level.lowThreshold ?? defaultThreshold
        guard let kind = StockEvent.kind(before: old?.available, after: level.available, threshold: threshold) else { return level }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO stock_events (store_id, sku_id, kind, available, on_hand, reserved, threshold, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let storeValue: DirectValue = .integer(store.rawValue), skuValue: DirectValue = .integer(skuID)
        let kindValue: DirectValue = .text(kind.rawValue), available: DirectValue = .integer(Int64(level.available))
        let onHand: DirectValue = .integer(Int64(level.onHand)), reserved: DirectValue = .integer(Int64(level.reserved))
        try insert.runDirect(db, storeValue, skuValue, kindValue, available, onHand, reserved, .integer(Int64(threshold)), .real(level.updatedAt))
        change.events.append(StockEvent(id: db.lastInsertedRowID, storeID: store, sku: sku, kind: kind, available: level.available,
                                        onHand: level.onHand, reserved: level.reserved, threshold: threshold, at: date))
        return level
    }
}
