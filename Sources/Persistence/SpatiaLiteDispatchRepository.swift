import Dispatching
import Foundation
import GeoCore
import GRDB
import Kernel

/// ``DispatchStorage`` on SpatiaLite: riders, deliveries, their timelines and dispatch rounds,
/// one transaction per write. Positions are written only by the periodic flush. Times are seconds since 1970 (UTC).
public struct SpatiaLiteDispatchRepository: DispatchStorage {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    // MARK: - Rows

    static func date(_ value: Double?) -> Date? { value.map { Date(timeIntervalSince1970: $0) } }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw DatabaseError(message: "column \(column) holds malformed JSON: \(error)")
        }
    }

    static func rider(_ row: Row) throws -> Rider {
        let lat: Double? = row["lat"], lon: Double? = row["lon"]
        return Rider(id: RiderID(row["id"]), name: row["name"], vehicle: VehicleType(rawValue: row["vehicle"]) ?? .bicycle,
                     capacity: row["capacity"], shiftStart: date(row["shift_start"])!, shiftEnd: date(row["shift_end"])!,
                     online: row["online"], position: lat.flatMap { la in lon.map { Coordinate(latitude: la, longitude: $0) } },
                     positionAt: date(row["position_at"]), route: try decode([RouteStop].self, row["route_json"], column: "route_json"))
    }

    static func delivery(_ row: Row) throws -> Delivery {
        Delivery(id: DeliveryID(row["id"]), storeID: row["store_id"],
                 pickup: Coordinate(latitude: row["pickup_lat"], longitude: row["pickup_lon"]),
                 drop: Coordinate(latitude: row["drop_lat"], longitude: row["drop_lon"]), size: row["size"],
                 readyAt: date(row["ready_at"])!, promisedBy: date(row["promised_at"])!,
                 status: DeliveryStatus(rawValue: row["status"]) ?? .pending, rider: (row["rider_id"] as Int64?).map { RiderID($0) },
                 offerExpiresAt: date(row["offer_expires_at"]),
                 declinedBy: Set(try decode([RiderID].self, row["declined_by_json"], column: "declined_by_json")),
                 createdAt: date(row["created_at"])!, externalRef: row["external_ref"])
    }

    static func event(_ row: Row) -> DeliveryEvent {
        let lat: Double? = row["lat"], lon: Double? = row["lon"]
        return DeliveryEvent(delivery: DeliveryID(row["delivery_id"]), status: DeliveryStatus(rawValue: row["status"]) ?? .pending,
                             at: date(row["at"])!, position: lat.flatMap { la in lon.map { Coordinate(latitude: la, longitude: $0) } },
                             rider: (row["rider_id"] as Int64?).map { RiderID($0) }, note: row["note"])
    }

    static func round(_ row: Row) throws -> RoundRecord {
        let raw = try decode([String: Int].self, row["reasons_json"], column: "reasons_json")
        var reasons: [RoundPlan.Reason: Int] = [:]
        for (k, v) in raw { if let reason = RoundPlan.Reason(rawValue: k) { reasons[reason] = v } }
        return RoundRecord(id: row["id"], at: date(row["at"])!, trigger: row["trigger"],
                           strategy: DispatchStrategy(rawValue: row["strategy"]) ?? .bundle, assigned: row["assigned"],
                           unassigned: row["unassigned"], deferred: row["deferred"], candidatePairs: row["candidate_pairs"],
                           totalCost: row["total_cost"], totalLateness: row["total_lateness"], late: row["late"],
                           solveSeconds: row["solve_seconds"], reasons: reasons)
    }

    // MARK: - Reads

    public func loadActive() async throws -> (riders: [Rider], deliveries: [Delivery]) {
        try await writer.read { db in
            let riders = try Row.fetchAll(db, sql: "SELECT * FROM riders ORDER BY id").map(Self.rider)
            let deliveries = try Row.fetchAll(db, sql: """
                SELECT * FROM deliveries WHERE status NOT IN ('delivered', 'failed', 'cancelled') ORDER BY id
                """).map(Self.delivery)
            return (riders, deliveries)
        }
    }

    public func delivery(_ id: DeliveryID) async throws -> Delivery? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id.rawValue]).map(Self.delivery)
        }
    }

    public func deliveries(status: DeliveryStatus?, rider: RiderID?, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            var conditions: [String] = [], arguments: StatementArguments = []
            if let status { conditions.append("status = ?"); _ = arguments.append(contentsOf: [status.rawValue]) }
            if let rider { conditions.append("rider_id = ?"); _ = arguments.append(contentsOf: [rider.rawValue]) }
            _ = arguments.append(contentsOf: [limit])
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM deliveries \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map(Self.delivery)
        }
    }

    public func timeline(_ id: DeliveryID) async throws -> [DeliveryEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery_events WHERE delivery_id = ? ORDER BY id", arguments: [id.rawValue])
                .map(Self.event)
        }
    }

    public func day(from: Date, to: Date) async throws -> DispatchDay {
        let span: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        return try await writer.read { db in
            var day = DispatchDay()
            day.created = try Int.fetchOne(db, sql: "SELECT count(*) FROM deliveries WHERE created_at >= ? AND created_at < ?", arguments: span) ?? 0
            // A delivery's last step of each kind counts once, on the day it happened.
            let finals = try Row.fetchAll(db, sql: """
                SELECT e.status, max(e.at) AS at, d.created_at, d.promised_at
                FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
                WHERE e.status IN ('delivered', 'failed', 'cancelled') AND e.at >= ? AND e.at < ?
                GROUP BY e.delivery_id, e.status
                """, arguments: span)
            var minutes: [Double] = []
            for row in finals {
                let status: String = row["status"], at: Double = row["at"]
                switch status {
                case "delivered":
                    day.delivered += 1
                    let promised: Double = row["promised_at"], created: Double = row["created_at"]
                    if at <= promised { day.onTime += 1 }
                    minutes.append((at - created) / 60)
                case "failed": day.failed += 1
                default: day.cancelled += 1
                }
            }
            if !minutes.isEmpty {
                minutes.sort()
                day.meanMinutes = minutes.reduce(0, +) / Double(minutes.count)
                day.p90Minutes = minutes[min(minutes.count - 1, Int((Double(minutes.count) * 0.9).rounded(.up)) - 1)]
            }
            if let rounds = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(assigned), 0) AS assigned, avg(solve_seconds) AS solve
                FROM dispatch_rounds WHERE at >= ? AND at < ?
                """, arguments: span) {
                day.rounds = rounds["n"]; day.assigned = rounds["assigned"]; day.meanSolveSeconds = rounds["solve"]
            }
            return day
        }
    }

    public func recentRounds(limit: Int) async throws -> [RoundRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dispatch_rounds ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.round)
        }
    }

    // MARK: - Writes

    public func createRider(_ draft: RiderDraft, at: Date) async throws -> Rider {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO riders (name, vehicle, capacity, shift_start, shift_end, online, lat, lon, position_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [draft.name, draft.vehicle.rawValue, draft.capacity, draft.shiftStart.timeIntervalSince1970,
                                 draft.shiftEnd.timeIntervalSince1970, draft.online, draft.position?.latitude,
                                 draft.position?.longitude, draft.position == nil ? nil : at.timeIntervalSince1970,
                                 at.timeIntervalSince1970, at.timeIntervalSince1970])
            return Rider(id: RiderID(db.lastInsertedRowID), name: draft.name, vehicle: draft.vehicle, capacity: draft.capacity,
                         shiftStart: draft.shiftStart, shiftEnd: draft.shiftEnd, online: draft.online, position: draft.position,
                         positionAt: draft.position == nil ? nil : at)
        }
    }

    public func createDelivery(_ draft: DeliveryDraft, at: Date) async throws -> (delivery: Delivery, created: Bool) {
        try await writer.write { db in
            if let ref = draft.externalRef,
               let existing = try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE external_ref = ?", arguments: [ref]) {
                return (try Self.delivery(existing), false)
            }
            try db.execute(sql: """
                INSERT INTO deliveries (store_id, external_ref, pickup_lat, pickup_lon, drop_lat, drop_lon, size, ready_at,
                                        promised_at, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [draft.storeID, draft.externalRef, draft.pickup.latitude, draft.pickup.longitude,
                                 draft.drop.latitude, draft.drop.longitude, draft.size, draft.readyAt.timeIntervalSince1970,
                                 draft.promisedBy.timeIntervalSince1970, at.timeIntervalSince1970, at.timeIntervalSince1970])
            let id = DeliveryID(db.lastInsertedRowID)
            try Self.insert(DeliveryEvent(delivery: id, status: .pending, at: at), db)
            return (Delivery(id: id, storeID: draft.storeID, pickup: draft.pickup, drop: draft.drop, size: draft.size,
                             readyAt: draft.readyAt, promisedBy: draft.promisedBy, createdAt: at, externalRef: draft.externalRef), true)
        }
    }

    static func insert(_ e: DeliveryEvent, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO delivery_events (delivery_id, status, at, lat, lon, rider_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [e.delivery.rawValue, e.status.rawValue, e.at.timeIntervalSince1970, e.position?.latitude,
                             e.position?.longitude, e.rider?.rawValue, e.note])
    }

    @discardableResult
    public func commit(_ write: DispatchWrite) async throws -> Int64? {
        try await writer.write { db in
            let now = Date().timeIntervalSince1970
            for r in write.riders {
                try db.execute(sql: """
                    UPDATE riders SET name = ?, vehicle = ?, capacity = ?, shift_start = ?, shift_end = ?, online = ?,
                        route_json = ?, updated_at = ? WHERE id = ?
                    """, arguments: [r.name, r.vehicle.rawValue, r.capacity, r.shiftStart.timeIntervalSince1970,
                                     r.shiftEnd.timeIntervalSince1970, r.online, try Self.json(r.route), now, r.id.rawValue])
                guard db.changesCount == 1 else { throw DatabaseError(message: "rider \(r.id) is not stored") }
            }
            for d in write.deliveries {
                try db.execute(sql: """
                    UPDATE deliveries SET status = ?, rider_id = ?, offer_expires_at = ?, declined_by_json = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [d.status.rawValue, d.rider?.rawValue, d.offerExpiresAt?.timeIntervalSince1970,
                                     try Self.json(d.declinedBy.sorted()), now, d.id.rawValue])
                guard db.changesCount == 1 else { throw DatabaseError(message: "delivery \(d.id) is not stored") }
            }
            for e in write.events { try Self.insert(e, db) }
            guard let round = write.round else { return nil }
            try db.execute(sql: """
                INSERT INTO dispatch_rounds (at, trigger, strategy, assigned, unassigned, deferred, candidate_pairs, total_cost,
                                             total_lateness, late, solve_seconds, reasons_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [round.at.timeIntervalSince1970, round.trigger, round.strategy.rawValue, round.assigned,
                                 round.unassigned, round.deferred, round.candidatePairs, round.totalCost, round.totalLateness,
                                 round.late, round.solveSeconds,
                                 try Self.json(Dictionary(uniqueKeysWithValues: round.reasons.map { ($0.key.rawValue, $0.value) }))])
            return db.lastInsertedRowID
        }
    }

    public func savePositions(_ positions: [RiderPosition]) async throws {
        try await writer.write { db in
            // A flush never moves a rider back to an older fix.
            let statement = try db.cachedStatement(sql: """
                UPDATE riders SET lat = ?, lon = ?, position_at = ? WHERE id = ? AND (position_at IS NULL OR position_at <= ?)
                """)
            for p in positions {
                let at = p.at.timeIntervalSince1970
                try statement.execute(arguments: [p.position.latitude, p.position.longitude, at, p.rider.rawValue, at])
            }
        }
    }
}
