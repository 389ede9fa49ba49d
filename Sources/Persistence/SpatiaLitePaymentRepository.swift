import Commerce
import Foundation
import GRDB
import Kernel
import Orders
import Payments
import Stores

/// ``PaymentRepository`` on the SpatiaLite file, beside the orders it pays for: each write one
/// transaction, each status change a compare-and-set.
public struct SpatiaLitePaymentRepository: PaymentRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    static func payment(_ row: Row) -> Payment {
        Payment(id: PaymentID(row["id"]), order: OrderID(row["order_id"]), provider: PaymentProviderName(rawValue: row["provider"]) ?? .alipay,
                amount: Money(minor: row["amount_minor"], currency: row["currency"]), status: Payment.Status(rawValue: row["status"]) ?? .pending,
                providerTradeNumber: row["provider_trade_no"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                paidAt: (row["paid_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func refund(_ row: Row) -> Refund {
        Refund(id: RefundID(row["id"]), payment: PaymentID(row["payment_id"]), order: OrderID(row["order_id"]),
               provider: PaymentProviderName(rawValue: row["provider"]) ?? .alipay, amount: Money(minor: row["amount_minor"], currency: row["currency"]),
               reason: row["reason"], status: Refund.Status(rawValue: row["status"]) ?? .pending, providerRefundNumber: row["provider_refund_no"],
               createdAt: Date(timeIntervalSince1970: row["created_at"]), doneAt: (row["done_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static let refundColumns = "r.*, p.order_id, p.provider"

    public func pending(order: OrderID, provider: PaymentProviderName, amount: Money, at: Date) async throws -> (payment: Payment, created: Bool) {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO payments (order_id, provider, amount_minor, currency, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)
                ON CONFLICT (order_id, provider) DO NOTHING
                """, arguments: [order.rawValue, provider.rawValue, amount.minor, amount.currency, at.timeIntervalSince1970])
            let created = db.changesCount > 0
            let row = try Row.fetchOne(db, sql: "SELECT * FROM payments WHERE order_id = ? AND provider = ?", arguments: [order.rawValue, provider.rawValue])!
            return (Self.payment(row), created)
        }
    }

    public func payment(_ id: PaymentID) async throws -> Payment? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM payments WHERE id = ?", arguments: [id.rawValue]).map(Self.payment) }
    }

    public func payments(order: OrderID) async throws -> [Payment] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM payments WHERE order_id = ? ORDER BY id", arguments: [order.rawValue]).map(Self.payment) }
    }

    public func payments(status: Payment.Status, limit: Int) async throws -> [Payment] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM payments WHERE status = ? ORDER BY id LIMIT ?", arguments: [status.rawValue, limit]).map(Self.payment)
        }
    }

    public func recordPaid(_ id: PaymentID, providerTradeNumber: String, status: Payment.Status, at: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE payments SET status = ?, provider_trade_no = ?, paid_at = ? WHERE id = ? AND status = 'pending'",
                           arguments: [status.rawValue, providerTradeNumber, at.timeIntervalSince1970, id.rawValue])
            return db.changesCount > 0
        }
    }

    public func setStatus(_ id: PaymentID, from: Payment.Status, to: Payment.Status) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE payments SET status = ? WHERE id = ? AND status = ?", arguments: [to.rawValue, id.rawValue, from.rawValue])
            return db.changesCount > 0
        }
    }

    public func markRefundsDueForRefundedOrders() async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE payments SET status = 'refund_due'
                WHERE status = 'paid' AND order_id IN (SELECT id FROM orders WHERE status IN ('refunded', 'cancelled', 'expired'))
                """)
            return db.changesCount
        }
    }

    public func unapplied(limit: Int) async throws -> [Payment] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.* FROM payments p
                WHERE p.status = 'paid' AND NOT EXISTS (
                    SELECT 1 FROM order_events e WHERE e.order_id = p.order_id AND e.status = 'paid'
                    AND e.note = 'paid by ' || p.provider || ' ' || printf('O2O%012d', p.id))
                ORDER BY p.id LIMIT ?
                """, arguments: [limit]).map(Self.payment)
        }
    }

    public func paidButUnsold(limit: Int) async throws -> [Payment] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.* FROM payments p
                JOIN orders o ON o.id = p.order_id AND o.status IN ('paid', 'accepted')
                JOIN reservations r ON r.id = o.reservation_id AND r.status = 'held'
                WHERE p.status = 'paid'
                ORDER BY p.id LIMIT ?
                """, arguments: [limit]).map(Self.payment)
        }
    }

    public func refund(for payment: Payment, reason: String, at: Date) async throws -> Refund {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO refunds (payment_id, amount_minor, currency, reason, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)
                ON CONFLICT (payment_id) DO NOTHING
                """, arguments: [payment.id.rawValue, payment.amount.minor, payment.amount.currency, reason, at.timeIntervalSince1970])
            return Self.refund(try Row.fetchOne(db, sql: "SELECT \(Self.refundColumns) FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.payment_id = ?",
                                                arguments: [payment.id.rawValue])!)
        }
    }

    public func completeRefund(_ id: RefundID, providerRefundNumber: String, at: Date) async throws -> Refund {
        try await writer.write { db in
            try db.execute(sql: "UPDATE refunds SET status = 'succeeded', provider_refund_no = ?, done_at = ? WHERE id = ? AND status = 'pending'",
                           arguments: [providerRefundNumber, at.timeIntervalSince1970, id.rawValue])
            try db.execute(sql: "UPDATE payments SET status = 'refunded' WHERE id = (SELECT payment_id FROM refunds WHERE id = ?)", arguments: [id.rawValue])
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.refundColumns) FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = ?",
                                             arguments: [id.rawValue]) else {
                throw DomainError(.notFound, field: "refund", "no refund \(id)")
            }
            return Self.refund(row)
        }
    }

    public func refunds(order: OrderID) async throws -> [Refund] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.refundColumns) FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.order_id = ? ORDER BY r.id",
                             arguments: [order.rawValue]).map(Self.refund)
        }
    }

    public func record(_ n: NotificationRecord) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO payment_notifications (provider, outcome, reason, trade_no, body_sha256, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [n.provider.rawValue, n.outcome.rawValue, n.reason, n.tradeNumber, n.bodyDigest, n.at.timeIntervalSince1970])
        }
    }

    public func notifications(provider: PaymentProviderName?, limit: Int) async throws -> [NotificationRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM payment_notifications WHERE ?1 IS NULL OR provider = ?1 ORDER BY id DESC LIMIT ?2",
                             arguments: [provider?.rawValue, limit]).map {
                NotificationRecord(provider: PaymentProviderName(rawValue: $0["provider"]) ?? .alipay,
                                   outcome: NotificationRecord.Outcome(rawValue: $0["outcome"]) ?? .rejected, reason: $0["reason"],
                                   tradeNumber: $0["trade_no"], bodyDigest: $0["body_sha256"], at: Date(timeIntervalSince1970: $0["at"]))
            }
        }
    }

    public func movements(provider: PaymentProviderName, from: Date, to: Date) async throws -> [MoneyMovement] {
        try await writer.read { db in
            let range: StatementArguments = [provider.rawValue, from.timeIntervalSince1970, to.timeIntervalSince1970]
            let paid = try Row.fetchAll(db, sql: """
                SELECT * FROM payments WHERE provider = ? AND paid_at >= ? AND paid_at < ? AND status IN ('paid', 'refund_due', 'refunded') ORDER BY paid_at
                """, arguments: range).map { row -> MoneyMovement in
                let p = Self.payment(row)
                return MoneyMovement(kind: .payment, merchantNumber: p.id.tradeNumber, providerNumber: p.providerTradeNumber, amount: p.amount, at: p.paidAt ?? p.createdAt)
            }
            let refunded = try Row.fetchAll(db, sql: """
                SELECT \(Self.refundColumns) FROM refunds r JOIN payments p ON p.id = r.payment_id
                WHERE p.provider = ? AND r.status = 'succeeded' AND r.done_at >= ? AND r.done_at < ? ORDER BY r.done_at
                """, arguments: range).map { row -> MoneyMovement in
                let r = Self.refund(row)
                return MoneyMovement(kind: .refund, merchantNumber: r.id.refundNumber, providerNumber: r.providerRefundNumber, amount: r.amount, at: r.doneAt ?? r.createdAt)
            }
            return paid + refunded
        }
    }
}
