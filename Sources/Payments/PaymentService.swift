import Accounts
import Crypto
import Foundation
import Kernel
import Logging
import Orders

/// Payments for orders: a payment's payload for the client, the provider's signed notification
/// verified (signature, amount, currency, order) before anything changes, refunds of money that
/// cannot pay for its order, and reconciliation of the provider's statement against the ledger.
///
/// Each step can be taken again safely, so a crash between two of them is mended by the
/// provider's retried notification or by ``settle()``: a payment is recorded paid before its
/// order is; the order's `paid` step names the payment that paid it; a payment paid for an
/// order it cannot pay becomes refund due, and a refund is asked under its own number until
/// the provider confirms it.
public struct PaymentService: Sendable {
    public let repository: any PaymentRepository
    let orders: OrderService
    public let providers: [PaymentProviderName: any PaymentProvider]
    let gateway: any PaymentGateway
    let statements: any StatementSource
    /// Where providers reach this server.
    let notifyBaseURL: String
    let logger: Logger
    /// The service's clock.
    public let now: @Sendable () -> Date

    public init(repository: any PaymentRepository, orders: OrderService, providers: [PaymentProviderName: any PaymentProvider],
                gateway: any PaymentGateway, statements: any StatementSource, notifyBaseURL: String,
                logger: Logger = Logger(label: "o2o.payments"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.orders = orders; self.providers = providers; self.gateway = gateway
        self.statements = statements; self.notifyBaseURL = notifyBaseURL.hasSuffix("/") ? String(notifyBaseURL.dropLast()) : notifyBaseURL
        self.logger = logger; self.now = now
    }

    public static func providerName(_ raw: String, field: String = "provider") throws -> PaymentProviderName {
        guard let name = PaymentProviderName(rawValue: raw) else {
            throw DomainError(.invalid, field: field, "provider must be one of \(PaymentProviderName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return name
    }

    func provider(_ name: PaymentProviderName) throws -> any PaymentProvider {
        guard let p = providers[name] else { throw DomainError(.unprocessable, field: "provider", "\(name.rawValue) is not configured on this server") }
        return p
    }

    public func notifyURL(_ name: PaymentProviderName) -> String { "\(notifyBaseURL)/v1/payments/\(name.rawValue)/notify" }

    // MARK: - Paying

    /// The customer pays an order awaiting payment through a provider: its payment (the same
    /// one when asked again) and the payload to render.
    public func pay(_ id: OrderID, provider raw: String, by caller: Principal) async throws -> (payment: Payment, payload: PaymentPayload, created: Bool) {
        let name = try Self.providerName(raw)
        let provider = try provider(name)
        let order = try await orders.order(id, by: caller)
        guard order.customer == caller.account else { throw DomainError(.forbidden, "an order is paid by its customer") }
        guard order.status == .awaitingPayment else {
            throw DomainError(.conflict, field: "status", "the order is \(order.status.rawValue), not awaiting payment")
        }
        guard order.payBy > now() else { throw DomainError(.conflict, field: "status", "the time to pay this order ran out") }
        guard order.total.minor > 0 else { throw DomainError(.unprocessable, field: "total_minor", "the order has nothing to pay") }
        let (payment, created) = try await repository.pending(order: id, provider: name, amount: order.total, at: now())
        guard payment.status == .pending else {
            throw DomainError(.conflict, field: "status", "the order's \(name.rawValue) payment is \(payment.status.rawValue) already")
        }
        let payload = try provider.payload(for: payment, subject: "o2o order \(id)", notifyURL: notifyURL(name), payBy: order.payBy, at: now())
        return (payment, payload, created)
    }

    /// An order's payments and refunds, for whom may read the order.
    public func payments(order id: OrderID, by caller: Principal) async throws -> (payments: [Payment], refunds: [Refund]) {
        _ = try await orders.order(id, by: caller)
        return (try await repository.payments(order: id), try await repository.refunds(order: id))
    }

    // MARK: - Notifications

    /// A provider's notification. Verified for signature, merchant, payment, order, currency
    /// and amount before anything changes; a refused one is logged and recorded and changes
    /// nothing; one told before changes nothing (but finishes what a crash left undone).
    /// Returns the acknowledgement the provider expects.
    public func notify(provider raw: String, body: Data, contentType: String?) async throws -> (contentType: String, body: String) {
        let name = try Self.providerName(raw)
        let provider = try provider(name)
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        var trade: String?
        func refuse(_ error: DomainError) async throws -> Never {
            logger.warning("refused a \(name.rawValue) notification", metadata: ["trade": "\(trade ?? "-")", "field": "\(error.field ?? "-")", "reason": "\(error.message)"])
            try await repository.record(NotificationRecord(provider: name, outcome: .rejected, reason: "\(error.field ?? ""): \(error.message)",
                                                           tradeNumber: trade, bodyDigest: digest, at: now()))
            throw error
        }
        let notice: PaymentNotice
        do { notice = try provider.notice(body: body, contentType: contentType) } catch let e as DomainError { try await refuse(e) }
        trade = notice.tradeNumber
        let f = notice.fields
        guard let id = PaymentID(tradeNumber: notice.tradeNumber), let payment = try await repository.payment(id), payment.provider == name else {
            try await refuse(DomainError(.unprocessable, field: f.trade, "no \(name.rawValue) payment \(notice.tradeNumber)"))
        }
        if let reference = notice.orderReference, reference != String(payment.order.rawValue) {
            try await refuse(DomainError(.unprocessable, field: f.order, "payment \(notice.tradeNumber) is for order \(payment.order), not \(reference)"))
        }
        guard notice.amount.currency == payment.amount.currency else {
            try await refuse(DomainError(.unprocessable, field: f.currency, "the payment is in \(payment.amount.currency), the notification in \(notice.amount.currency)"))
        }
        guard notice.amount.minor == payment.amount.minor else {
            try await refuse(DomainError(.unprocessable, field: f.amount, "the payment is \(payment.amount), the notification says \(notice.amount)"))
        }
        if let known = payment.providerTradeNumber, known != notice.providerTradeNumber {
            try await refuse(DomainError(.conflict, field: f.trade, "payment \(notice.tradeNumber) was paid under another provider number"))
        }
        guard notice.succeeded else {
            // A closed or failed trade: nothing was paid; the payment stays pending.
            try await repository.record(NotificationRecord(provider: name, outcome: .accepted, reason: "not a successful payment",
                                                           tradeNumber: trade, bodyDigest: digest, at: now()))
            return provider.acknowledgement
        }
        let changed = try await repository.recordPaid(id, providerTradeNumber: notice.providerTradeNumber, status: .paid, at: now())
        guard let recorded = try await repository.payment(id) else { throw DomainError(.notFound, field: f.trade, "payment \(id) vanished") }
        try await apply(recorded)
        try await repository.record(NotificationRecord(provider: name, outcome: changed ? .accepted : .duplicate, reason: nil,
                                                       tradeNumber: trade, bodyDigest: digest, at: now()))
        if changed { logger.info("payment received", metadata: ["trade": "\(notice.tradeNumber)", "order": "\(payment.order)"]) }
        return provider.acknowledgement
    }

    /// Makes a paid payment pay its order, or marks it refund due when it cannot. Safe to run
    /// again: an order whose `paid` step names this payment is left alone.
    func apply(_ payment: Payment) async throws {
        guard payment.status == .paid else {
            if payment.status == .refundDue { _ = try? await refundNow(payment) }
            return
        }
        func paidByThis(_ order: Order) -> Bool { order.timeline.contains { $0.status == .paid && $0.note == payment.orderNote } }
        guard var order = try await orders.repository.order(payment.order) else { return }
        if !paidByThis(order), order.status == .awaitingPayment {
            do { order = try await orders.markPaid(payment.order, note: payment.orderNote) } catch let e as DomainError where e.kind == .conflict {
                order = try await orders.repository.order(payment.order) ?? order
            }
        } else if paidByThis(order), order.status == .paid || order.status == .accepted {
            // Paid by this payment: its hold must be a sale (a crash may have come between the two).
            order = try await orders.ensureSold(order)
        }
        if !paidByThis(order) || order.status == .refunded || order.status == .cancelled || order.status == .expired {
            // Money for an order it cannot pay (expired, cancelled, paid another way, or refunded since).
            if try await repository.setStatus(payment.id, from: .paid, to: .refundDue) {
                logger.notice("a payment cannot pay its order and goes back", metadata: ["trade": "\(payment.id.tradeNumber)", "order": "\(payment.order)", "order_status": "\(order.status.rawValue)"])
            }
            if let due = try await repository.payment(payment.id) { _ = try? await refundNow(due) }
        }
    }

    // MARK: - Refunds

    /// Asks the provider to return a payment that is due back, under the refund's own number
    /// (so asking twice refunds once); the refund and the payment are settled when the
    /// provider's signed answer verifies.
    @discardableResult
    func refundNow(_ payment: Payment) async throws -> Refund {
        let provider = try provider(payment.provider)
        let refund = try await repository.refund(for: payment, reason: "order \(payment.order) cannot take this payment", at: now())
        if refund.status == .succeeded { return refund }
        let answer = try await gateway.refund(provider: payment.provider, request: try provider.refundRequest(payment: payment, refund: refund, notifyURL: notifyURL(payment.provider), at: now()))
        let number = try provider.refundConfirmation(answer, refund: refund)
        let done = try await repository.completeRefund(refund.id, providerRefundNumber: number, at: now())
        logger.info("refund confirmed", metadata: ["refund": "\(refund.id.refundNumber)", "order": "\(payment.order)"])
        return done
    }

    /// After an order is refunded: its payment goes back now (the sweep would do it later).
    public func orderRefunded(_ id: OrderID) async {
        do {
            for p in try await repository.payments(order: id) where p.status == .paid || p.status == .refundDue {
                try await apply(p)
            }
        } catch {
            logger.error("refunding order \(id) failed; the sweep will ask again: \(error)")
        }
    }

    /// The sweep: payments of refunded orders become due back, paid payments whose order step
    /// was never taken are applied, and every refund due is asked (again). Returns how many
    /// payments it moved on.
    public func settle() async throws -> Int {
        var moved = try await repository.markRefundsDueForRefundedOrders()
        for p in try await repository.unapplied(limit: 100) + repository.paidButUnsold(limit: 100) {
            do { try await apply(p); moved += 1 } catch { logger.error("applying payment \(p.id.tradeNumber) failed: \(error)") }
        }
        for p in try await repository.payments(status: .refundDue, limit: 100) {
            do { try await refundNow(p); moved += 1 } catch { logger.error("refund of payment \(p.id.tradeNumber) failed; asked again later: \(error)") }
        }
        return moved
    }

    // MARK: - Reconciliation

    /// The provider's statement against the ledger over `[from, to)`: what matches, what only
    /// one side has, and what differs in amount. Entries near the ends are looked up a day
    /// either side, so a notification that arrived a little after the provider took the money
    /// still matches.
    public func reconcile(provider raw: String, from: Date, to: Date, by caller: Principal) async throws -> Reconciliation {
        guard caller.role == .admin else { throw DomainError(.forbidden, "payments are reconciled by an admin") }
        let name = try Self.providerName(raw)
        guard from < to else { throw DomainError(.invalid, field: "from", "from must be before to") }
        guard to.timeIntervalSince(from) <= 92 * 86_400 else { throw DomainError(.invalid, field: "to", "a reconciliation covers at most 92 days") }
        let statementWide = try await statements.statement(provider: name, from: from.addingTimeInterval(-86_400), to: to.addingTimeInterval(86_400))
        let ledgerWide = try await repository.movements(provider: name, from: from.addingTimeInterval(-86_400), to: to.addingTimeInterval(86_400))
        return Reconciliation(provider: name, from: from, to: to, statement: statementWide, ledger: ledgerWide)
    }
}

extension PaymentService {
    /// The latest notifications received, newest first, of one provider or all (an admin's).
    public func notifications(provider raw: String?, limit: Int, by caller: Principal) async throws -> [NotificationRecord] {
        guard caller.role == .admin else { throw DomainError(.forbidden, "payments are reconciled by an admin") }
        guard (1...500).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and 500") }
        return try await repository.notifications(provider: try raw.map { try Self.providerName($0) }, limit: limit)
    }
}

/// The provider's statement set against the ledger.
public struct Reconciliation: Sendable {
    public enum Finding: String, Sendable {
        /// The provider took or returned money the ledger does not show.
        case missingFromLedger = "missing_from_ledger"
        /// The ledger shows money the provider does not.
        case missingAtProvider = "missing_at_provider"
        case amountDiffers = "amount_differs"
    }

    public struct Difference: Sendable {
        public var finding: Finding
        public var provider: MoneyMovement?
        public var ledger: MoneyMovement?
    }

    public var provider: PaymentProviderName
    public var from: Date
    public var to: Date
    public var matched: Int
    public var differences: [Difference]
    /// Net money (payments less refunds) by currency, in minor units.
    public var providerNet: [String: Int]
    public var ledgerNet: [String: Int]

    /// `statementWide` and `wide` reach a day either side of the range; only what falls within
    /// it is reported, but either side's counterpart is looked for in the wider window.
    init(provider: PaymentProviderName, from: Date, to: Date, statement statementWide: [MoneyMovement], ledger wide: [MoneyMovement]) {
        self.provider = provider; self.from = from; self.to = to
        struct Key: Hashable { var kind: MoneyMovement.Kind; var number: String }
        let ledgerByKey = Dictionary(wide.map { (Key(kind: $0.kind, number: $0.merchantNumber), $0) }, uniquingKeysWith: { a, _ in a })
        let statementKeys = Set(statementWide.map { Key(kind: $0.kind, number: $0.merchantNumber) })
        let statement = statementWide.filter { $0.at >= from && $0.at < to }
        var matched = 0, differences: [Difference] = []
        for s in statement {
            guard let l = ledgerByKey[Key(kind: s.kind, number: s.merchantNumber)] else {
                differences.append(Difference(finding: .missingFromLedger, provider: s, ledger: nil)); continue
            }
            if l.amount == s.amount { matched += 1 } else { differences.append(Difference(finding: .amountDiffers, provider: s, ledger: l)) }
        }
        let ledger = wide.filter { $0.at >= from && $0.at < to }
        for l in ledger where !statementKeys.contains(Key(kind: l.kind, number: l.merchantNumber)) {
            differences.append(Difference(finding: .missingAtProvider, provider: nil, ledger: l))
        }
        func net(_ ms: [MoneyMovement]) -> [String: Int] {
            ms.reduce(into: [:]) { $0[$1.amount.currency, default: 0] += $1.kind == .payment ? $1.amount.minor : -$1.amount.minor }
        }
        self.matched = matched; self.differences = differences
        providerNet = net(statement); ledgerNet = net(ledger)
    }

    public var balanced: Bool { differences.isEmpty }
}
