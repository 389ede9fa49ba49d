import Accounts
import Commerce
import Foundation
import GeoCore
import GRDB
import Kernel
import Orders
import Stores

/// ``OrderRepository`` on the SpatiaLite file: an order row, its lines and its timeline, each
/// write one transaction; a status change is a compare-and-set on the status.
public struct SpatiaLiteOrderRepository: OrderRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    static func order(_ db: Database, _ row: Row) throws -> Order {
        let id: Int64 = row["id"], currency: String = row["currency"]
        let lines = try Row.fetchAll(db, sql: "SELECT * FROM order_lines WHERE order_id = ? ORDER BY position", arguments: [id]).map {
            Order.Line(sku: SKUCode($0["sku"]), name: $0["name"], quantity: $0["qty"], unitPriceMinor: $0["unit_price_minor"], totalMinor: $0["total_minor"])
        }
        let timeline = try Row.fetchAll(db, sql: "SELECT * FROM order_events WHERE order_id = ? ORDER BY id", arguments: [id]).map {
            Order.Event(status: OrderStatus(rawValue: $0["status"]) ?? .awaitingPayment, at: Date(timeIntervalSince1970: $0["at"]),
                        by: OrderStatus.Actor(rawValue: $0["actor"]) ?? .system, note: $0["note"])
        }
        let fulfilment: Order.Fulfilment = row["fulfilment"] == "pickup"
            ? .pickup(code: row["pickup_code"] ?? "")
            : .delivery(recipient: row["recipient"] ?? "", phone: row["phone"] ?? "", line: row["line"] ?? "",
                        location: Coordinate(latitude: row["lat"] ?? 0, longitude: row["lon"] ?? 0))
        func money(_ column: String) -> Money { Money(minor: row[column], currency: currency) }
        return Order(id: OrderID(id), customer: AccountID(row["customer_id"]), store: StoreID(row["store_id"]), fulfilment: fulfilment,
                     lines: lines, subtotal: money("subtotal_minor"), deliveryFee: money("delivery_fee_minor"), discount: money("discount_minor"),
                     total: money("total_minor"), status: OrderStatus(rawValue: row["status"]) ?? .awaitingPayment,
                     reservation: ReservationID(parsing: row["reservation_id"])!, idempotencyKey: row["idempotency_key"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]), payBy: Date(timeIntervalSince1970: row["pay_by"]), timeline: timeline,
                     discounts: try Row.fetchAll(db, sql: "SELECT * FROM order_discounts WHERE order_id = ? ORDER BY position", arguments: [id]).map {
                         Order.Discount(code: $0["code"], description: $0["description"], amountMinor: $0["amount_minor"])
                     })
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Order? {
        try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map { try order(db, $0) }
    }

    public func create(_ d: OrderDraft, at date: Date) async throws -> (order: Order, replayed: Bool) {
        try await writer.write { db in
            if let key = d.idempotencyKey,
               let row = try Row.fetchOne(db, sql: "SELECT id, request_hash FROM orders WHERE customer_id = ? AND idempotency_key = ?",
                                          arguments: [d.customer.rawValue, key]) {
                guard row["request_hash"] == d.requestHash else {
                    throw DomainError(.conflict, field: "idempotency-key", "this idempotency key was used for a different checkout")
                }
                return (try Self.fetch(db, row["id"])!, true)
            }
            var recipient: String?, phone: String?, line: String?, lat: Double?, lon: Double?, code: String?
            switch d.fulfilment {
            case .delivery(let r, let p, let l, let location):
                recipient = r; phone = p; line = l; lat = location.latitude; lon = location.longitude
            case .pickup(let c): code = c
            }
            try db.execute(sql: """
                INSERT INTO orders (customer_id, store_id, fulfilment, recipient, phone, line, lat, lon, pickup_code, subtotal_minor,
                    delivery_fee_minor, discount_minor, total_minor, currency, status, reservation_id, idempotency_key, request_hash,
                    created_at, pay_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.customer.rawValue, d.store.rawValue, d.fulfilment.isDelivery ? "delivery" : "pickup", recipient, phone, line,
                                 lat, lon, code, d.subtotal.minor, d.deliveryFee.minor, d.discount.minor, d.total.minor, d.total.currency,
                                 OrderStatus.awaitingPayment.rawValue, d.reservation.rawValue, d.idempotencyKey, d.requestHash,
                                 date.timeIntervalSince1970, d.payBy.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            for (i, l) in d.lines.enumerated() {
                try db.execute(sql: "INSERT INTO order_lines (order_id, position, sku, name, qty, unit_price_minor, total_minor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, i, l.sku.rawValue, l.name, l.quantity, l.unitPriceMinor, l.totalMinor])
            }
            try db.execute(sql: "INSERT INTO order_events (order_id, status, actor, note, at) VALUES (?, ?, ?, NULL, ?)",
                           arguments: [id, OrderStatus.awaitingPayment.rawValue, OrderStatus.Actor.customer.rawValue, date.timeIntervalSince1970])
            // Coupons, points and flash-sale units, taken up here or the whole checkout is refused.
            try MarketingLedger.claim(db, order: id, customer: d.customer, discounts: d.discounts, at: date)
            if d.discounts.contains(where: { $0.claim != nil }) {
                try db.execute(sql: "DELETE FROM cart_choices WHERE account_id = ?", arguments: [d.customer.rawValue])
            }
            return (try Self.fetch(db, id)!, false)
        }
    }

    public func order(_ id: OrderID) async throws -> Order? {
        try await writer.read { db in try Self.fetch(db, id.rawValue) }
    }

    public func order(customer: AccountID, idempotencyKey: String) async throws -> Order? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE customer_id = ? AND idempotency_key = ?",
                             arguments: [customer.rawValue, idempotencyKey]).map { try Self.order(db, $0) }
        }
    }

    public func orders(customer: AccountID, after: OrderID?, limit: Int) async throws -> [Order] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                             arguments: [customer.rawValue, after?.rawValue ?? Int64.max, limit]).map { try Self.order(db, $0) }
        }
    }

    public func orders(store: StoreID, statuses: Set<OrderStatus>, limit: Int) async throws -> [Order] {
        try await writer.read { db in
            let list = String(decoding: try JSONEncoder().encode(statuses.map(\.rawValue).sorted()), as: UTF8.self)
            return try Row.fetchAll(db, sql: """
                SELECT * FROM orders WHERE store_id = ? AND status IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?
                """, arguments: [store.rawValue, list, limit]).map { try Self.order(db, $0) }
        }
    }

    public func transition(_ id: OrderID, from expected: OrderStatus, to next: OrderStatus, by actor: OrderStatus.Actor,
                           note: String?, at date: Date) async throws -> Order {
        try await writer.write { db in
            try db.execute(sql: "UPDATE orders SET status = ? WHERE id = ? AND status = ?", arguments: [next.rawValue, id.rawValue, expected.rawValue])
            guard db.changesCount == 1 else {
                guard let current = try String.fetchOne(db, sql: "SELECT status FROM orders WHERE id = ?", arguments: [id.rawValue]) else {
                    throw DomainError(.notFound, field: "id", "no order \(id)")
                }
                throw DomainError(.conflict, field: "status", "the order is \(current) now, not \(expected.rawValue)")
            }
            try db.execute(sql: "INSERT INTO order_events (order_id, status, actor, note, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id.rawValue, next.rawValue, actor.rawValue, note, date.timeIntervalSince1970])
            // What the order took up goes back with it; a completed order earns points.
            try MarketingLedger.orderMoved(db, order: id.rawValue, to: next.rawValue, at: date)
            return try Self.fetch(db, id.rawValue)!
        }
    }

    public func unpaid(before date: Date, limit: Int) async throws -> [Order] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE status = ? AND pay_by <= ? ORDER BY pay_by LIMIT ?",
                             arguments: [OrderStatus.awaitingPayment.rawValue, date.timeIntervalSince1970, limit]).map { try Self.order(db, $0) }
        }
    }

    public func review(_ id: OrderID, rating: Int, text: String?, at date: Date) async throws -> Review {
        try await writer.write { db in
            try db.execute(sql: "UPDATE orders SET status = ? WHERE id = ? AND status = ?",
                           arguments: [OrderStatus.reviewed.rawValue, id.rawValue, OrderStatus.completed.rawValue])
            guard db.changesCount == 1 else { throw DomainError(.conflict, field: "status", "the order is not completed, or is reviewed already") }
            try db.execute(sql: "INSERT INTO order_events (order_id, status, actor, note, at) VALUES (?, ?, ?, NULL, ?)",
                           arguments: [id.rawValue, OrderStatus.reviewed.rawValue, OrderStatus.Actor.customer.rawValue, date.timeIntervalSince1970])
            let row = try Row.fetchOne(db, sql: "SELECT store_id, customer_id FROM orders WHERE id = ?", arguments: [id.rawValue])!
            try db.execute(sql: "INSERT INTO reviews (order_id, store_id, customer_id, rating, text, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id.rawValue, row["store_id"], row["customer_id"], rating, text, date.timeIntervalSince1970])
            return Review(order: id, store: StoreID(row["store_id"]), customer: AccountID(row["customer_id"]), rating: rating, text: text, at: date)
        }
    }

    public func reviews(store: StoreID, limit: Int) async throws -> (reviews: [Review], count: Int, meanRating: Double?) {
        try await writer.read { db in
            let reviews = try Row.fetchAll(db, sql: "SELECT * FROM reviews WHERE store_id = ? ORDER BY at DESC, order_id DESC LIMIT ?",
                                           arguments: [store.rawValue, limit]).map {
                Review(order: OrderID($0["order_id"]), store: store, customer: AccountID($0["customer_id"]), rating: $0["rating"], text: $0["text"],
                       at: Date(timeIntervalSince1970: $0["at"]))
            }
            let summary = try Row.fetchOne(db, sql: "SELECT count(*) AS n, avg(rating) AS mean FROM reviews WHERE store_id = ?", arguments: [store.rawValue])!
            return (reviews, summary["n"], summary["mean"])
        }
    }
}
