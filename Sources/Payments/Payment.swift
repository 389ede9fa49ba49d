import Foundation
import Kernel
import Orders

/// The payment providers o2o speaks to. Each is built in as a sandbox with the provider's real
/// message shapes and signatures; see ``PaymentProvider``.
public enum PaymentProviderName: String, Hashable, Sendable, CaseIterable, Codable {
    case alipay, wechat, unionpay
}

extension PaymentID {
    /// The merchant's trade number the provider knows the payment by (out_trade_no, orderId):
    /// 15 letters and digits, within every provider's limit.
    public var tradeNumber: String { "O2O" + String(format: "%012lld", rawValue) }

    public init?(tradeNumber: String) {
        guard tradeNumber.count == 15, tradeNumber.hasPrefix("O2O"), let n = Int64(tradeNumber.dropFirst(3)), n > 0 else { return nil }
        self.init(n)
    }
}

/// One attempt to pay an order through one provider, as the ledger records it.
public struct Payment: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Created; the customer has not paid (or the provider has not told us).
        case pending
        /// The provider says the money arrived, and it pays for its order.
        case paid
        /// The money arrived but cannot pay for the order (it expired, was cancelled or refunded,
        /// or another payment paid it): it goes back.
        case refundDue = "refund_due"
        /// Returned to the payer; the provider confirmed it.
        case refunded
    }

    public var id: PaymentID
    public var order: OrderID
    public var provider: PaymentProviderName
    public var amount: Money
    public var status: Status
    /// The provider's own number for the money it took (trade_no, transaction_id, queryId).
    public var providerTradeNumber: String?
    public var createdAt: Date
    public var paidAt: Date?

    public init(id: PaymentID, order: OrderID, provider: PaymentProviderName, amount: Money, status: Status,
                providerTradeNumber: String?, createdAt: Date, paidAt: Date?) {
        self.id = id; self.order = order; self.provider = provider; self.amount = amount; self.status = status
        self.providerTradeNumber = providerTradeNumber; self.createdAt = createdAt; self.paidAt = paidAt
    }

    /// The note the order's `paid` step carries, which ties the order to the payment that paid it.
    public var orderNote: String { "paid by \(provider.rawValue) \(id.tradeNumber)" }
}

extension RefundID {
    /// The merchant's refund number (out_request_no, out_refund_no, orderId of the refund).
    public var refundNumber: String { "O2OR" + String(format: "%012lld", rawValue) }
}

/// Money sent back for a payment: the whole of it.
public struct Refund: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        /// Asked of the provider; not confirmed yet (asked again until it is).
        case pending
        case succeeded
    }

    public var id: RefundID
    public var payment: PaymentID
    public var order: OrderID
    public var provider: PaymentProviderName
    public var amount: Money
    public var reason: String
    public var status: Status
    public var providerRefundNumber: String?
    public var createdAt: Date
    public var doneAt: Date?

    public init(id: RefundID, payment: PaymentID, order: OrderID, provider: PaymentProviderName, amount: Money, reason: String,
                status: Status, providerRefundNumber: String?, createdAt: Date, doneAt: Date?) {
        self.id = id; self.payment = payment; self.order = order; self.provider = provider; self.amount = amount; self.reason = reason
        self.status = status; self.providerRefundNumber = providerRefundNumber; self.createdAt = createdAt; self.doneAt = doneAt
    }
}

/// A provider's notification as received, whatever became of it: the audit trail of callbacks.
public struct NotificationRecord: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        /// Verified and acted on.
        case accepted
        /// Verified, and already known: nothing changed.
        case duplicate
        /// Refused (signature, amount, currency, unknown payment): nothing changed.
        case rejected
    }

    public var provider: PaymentProviderName
    public var outcome: Outcome
    public var reason: String?
    public var tradeNumber: String?
    public var bodyDigest: String
    public var at: Date

    public init(provider: PaymentProviderName, outcome: Outcome, reason: String?, tradeNumber: String?, bodyDigest: String, at: Date) {
        self.provider = provider; self.outcome = outcome; self.reason = reason; self.tradeNumber = tradeNumber
        self.bodyDigest = bodyDigest; self.at = at
    }
}

/// A line of money movement, as the ledger or a provider's statement states it.
public struct MoneyMovement: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case payment, refund }
    public var kind: Kind
    /// The merchant's number: the payment's trade number or the refund's number.
    public var merchantNumber: String
    /// The provider's number, when known.
    public var providerNumber: String?
    public var amount: Money
    public var at: Date

    public init(kind: Kind, merchantNumber: String, providerNumber: String?, amount: Money, at: Date) {
        self.kind = kind; self.merchantNumber = merchantNumber; self.providerNumber = providerNumber; self.amount = amount; self.at = at
    }
}

/// Storage of the payment ledger. Each write is one transaction; status changes name the
/// status they expect.
public protocol PaymentRepository: Sendable {
    /// The order's pending payment through this provider, or a new one.
    func pending(order: OrderID, provider: PaymentProviderName, amount: Money, at: Date) async throws -> (payment: Payment, created: Bool)
    func payment(_ id: PaymentID) async throws -> Payment?
    func payments(order: OrderID) async throws -> [Payment]
    func payments(status: Payment.Status, limit: Int) async throws -> [Payment]
    /// Moves a pending payment to `status` (paid or refund due) with the provider's number;
    /// false when it was not pending (told before).
    func recordPaid(_ id: PaymentID, providerTradeNumber: String, status: Payment.Status, at: Date) async throws -> Bool
    /// Moves a payment from one status to another; false when it was not in `from`.
    func setStatus(_ id: PaymentID, from: Payment.Status, to: Payment.Status) async throws -> Bool
    /// Paid payments of orders that were refunded become refund due. Returns how many.
    func markRefundsDueForRefundedOrders() async throws -> Int
    /// Paid payments whose order's timeline does not show them paying it: the order's step is
    /// still to be taken, or the payment cannot pay it.
    func unapplied(limit: Int) async throws -> [Payment]
    /// Paid payments whose order, paid and not yet picked, still only holds its stock (a crash
    /// came between paying the order and confirming its hold).
    func paidButUnsold(limit: Int) async throws -> [Payment]
    /// The payment's refund, made now if it has none.
    func refund(for payment: Payment, reason: String, at: Date) async throws -> Refund
    /// The refund succeeded: it and its payment are settled, in one transaction.
    func completeRefund(_ id: RefundID, providerRefundNumber: String, at: Date) async throws -> Refund
    func refunds(order: OrderID) async throws -> [Refund]
    func record(_ notification: NotificationRecord) async throws
    func notifications(provider: PaymentProviderName?, limit: Int) async throws -> [NotificationRecord]
    /// What the ledger says moved through the provider between the two instants: payments
    /// received (paid, refund due or refunded, by when they were paid) and refunds completed.
    func movements(provider: PaymentProviderName, from: Date, to: Date) async throws -> [MoneyMovement]
}
