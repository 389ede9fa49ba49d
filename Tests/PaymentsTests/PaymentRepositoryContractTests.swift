import Accounts
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Orders
import Payments
import Persistence
import Stores
import Testing

/// What every `PaymentRepository` must do, whatever stores it: each test runs on every backend
/// in `backends` (SpatiaLite in memory and on disk today).
@Suite("PaymentRepository contract")
struct PaymentRepositoryContractTests {
    /// A fresh backend beside what payments point at: a store with stock, a customer, and
    /// orders made on demand (each holding one unit).
    struct World: Sendable {
        var payments: any PaymentRepository
        var orders: any OrderRepository
        var stores: StoreService
        var ana: AccountID, shop: StoreID

        /// A new order awaiting payment, with a real hold of one unit behind it.
        func order(total: Int = 4_077) async throws -> Order {
            let hold = try await stores.reserve(store: shop, items: [.init(sku: "DAIRY-001", quantity: 1)], ttl: 900)
            let draft = OrderDraft(customer: ana, store: shop, fulfilment: .pickup(code: "K7Q2"),
                                   lines: [Order.Line(sku: "DAIRY-001", name: "Milk", quantity: 1, unitPriceMinor: total, totalMinor: total)],
                                   subtotal: Money(minor: total, currency: "EUR"), deliveryFee: Money(minor: 0, currency: "EUR"),
                                   discount: Money(minor: 0, currency: "EUR"), total: Money(minor: total, currency: "EUR"),
                                   reservation: hold.id, idempotencyKey: nil, requestHash: "h", payBy: PaymentRepositoryContractTests.t0.addingTimeInterval(900))
            return try await orders.create(draft, at: PaymentRepositoryContractTests.t0).order
        }
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> World {
        let stores = DemoFixture.service(db)
        try await stores.upsert(skus: [SKU(code: "DAIRY-001", name: "Milk")])
        let (shop, _) = try await stores.create(StoreDraft(externalRef: "test:1", name: "Store", kind: "convenience", timeZone: "Europe/Lisbon",
                                                           location: Coordinate(latitude: 41.15, longitude: -8.61)))
        _ = try await stores.apply(StockBatch(storeID: shop.id, kind: .snapshot, sequence: 1, lines: [StockBatch.Line(sku: "DAIRY-001", quantity: 100, field: "items[0]")]))
        let ana = try await SpatiaLiteAccountRepository(database: db).create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h",
                                                                             at: PaymentRepositoryContractTests.t0)
        return World(payments: SpatiaLitePaymentRepository(database: db), orders: SpatiaLiteOrderRepository(database: db), stores: stores,
                     ana: ana.id, shop: shop.id)
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)
    static func eur(_ minor: Int) -> Money { Money(minor: minor, currency: "EUR") }

    @Test("one pending payment per order and provider, however often or concurrently asked; read back by id, order and status", arguments: PaymentRepositoryContractTests.backends)
    func pending(_ backend: Backend) async throws {
        let w = try await backend.make()
        let order = try await w.order()
        let (payment, created) = try await w.payments.pending(order: order.id, provider: .alipay, amount: Self.eur(4_077), at: Self.t0)
        #expect(created)
        #expect(payment.order == order.id && payment.provider == .alipay && payment.amount == Self.eur(4_077) && payment.status == .pending
                && payment.providerTradeNumber == nil && payment.createdAt == Self.t0 && payment.paidAt == nil)
        let again = try await w.payments.pending(order: order.id, provider: .alipay, amount: Self.eur(4_077), at: Self.t0.addingTimeInterval(9))
        #expect(!again.created && again.payment == payment)
        let payments = w.payments, id = order.id
        let concurrent = try await withThrowingTaskGroup(of: (PaymentID, Bool).self) { group in
            for _ in 0..<12 { group.addTask { let r = try await payments.pending(order: id, provider: .wechat, amount: Self.eur(4_077), at: Self.t0); return (r.payment.id, r.created) } }
            return try await group.reduce(into: [(PaymentID, Bool)]()) { $0.append($1) }
        }
        #expect(Set(concurrent.map(\.0)).count == 1 && concurrent.count { $0.1 } == 1, "one made, the rest handed the same")
        #expect(try await w.payments.payment(payment.id) == payment)
        #expect(try await w.payments.payment(PaymentID(payment.id.rawValue + 1_000)) == nil)
        #expect(try await w.payments.payments(order: order.id).map(\.provider) == [.alipay, .wechat])
        #expect(try await w.payments.payments(status: .pending, limit: 10).count == 2)
        #expect(try await w.payments.payments(status: .pending, limit: 1).map(\.id) == [payment.id])
        #expect(try await w.payments.payments(status: .paid, limit: 10).isEmpty)
    }

    @Test("paid once: the first report of the money records it, a second changes nothing; status moves are compare-and-set", arguments: PaymentRepositoryContractTests.backends)
    func paidAndStatus(_ backend: Backend) async throws {
        let w = try await backend.make()
        let order = try await w.order()
        let payment = try await w.payments.pending(order: order.id, provider: .unionpay, amount: Self.eur(4_077), at: Self.t0).payment
        #expect(try await w.payments.recordPaid(payment.id, providerTradeNumber: "T-1", status: .paid, at: Self.t0.addingTimeInterval(60)))
        #expect(try await !w.payments.recordPaid(payment.id, providerTradeNumber: "T-2", status: .paid, at: Self.t0.addingTimeInterval(90)))
        let paid = try #require(try await w.payments.payment(payment.id))
        #expect(paid.status == .paid && paid.providerTradeNumber == "T-1" && paid.paidAt == Self.t0.addingTimeInterval(60))
        #expect(try await !w.payments.setStatus(payment.id, from: .pending, to: .refundDue))
        #expect(try await w.payments.setStatus(payment.id, from: .paid, to: .refundDue))
        #expect(try await w.payments.payment(payment.id)?.status == .refundDue)

        let other = try await w.order()
        let late = try await w.payments.pending(order: other.id, provider: .alipay, amount: Self.eur(4_077), at: Self.t0).payment
        #expect(try await w.payments.recordPaid(late.id, providerTradeNumber: "T-3", status: .refundDue, at: Self.t0))
        #expect(try await w.payments.payment(late.id)?.status == .refundDue, "money that cannot pay its order is recorded as due back")
    }

    @Test("a paid payment is unapplied until its order's paid step names it, and unsold while its order still only holds its stock", arguments: PaymentRepositoryContractTests.backends)
    func unappliedAndUnsold(_ backend: Backend) async throws {
        let w = try await backend.make()
        let order = try await w.order()
        let payment = try await w.payments.pending(order: order.id, provider: .alipay, amount: Self.eur(4_077), at: Self.t0).payment
        #expect(try await w.payments.unapplied(limit: 10).isEmpty, "a pending payment is nothing to apply")
        _ = try await w.payments.recordPaid(payment.id, providerTradeNumber: "T-1", status: .paid, at: Self.t0)
        #expect(try await w.payments.unapplied(limit: 10).map(\.id) == [payment.id])
        #expect(try await w.payments.paidButUnsold(limit: 10).isEmpty, "the order is not paid yet")
        let paid = try #require(try await w.payments.payment(payment.id))
        let other = try await w.order()
        _ = try await w.orders.transition(other.id, from: .awaitingPayment, to: .paid, by: .payment, note: paid.orderNote, at: Self.t0)
        #expect(try await w.payments.unapplied(limit: 10).map(\.id) == [payment.id], "the note on another order does not apply it")
        _ = try await w.orders.transition(order.id, from: .awaitingPayment, to: .paid, by: .payment, note: paid.orderNote, at: Self.t0)
        #expect(try await w.payments.unapplied(limit: 10).isEmpty)
        #expect(try await w.payments.paidButUnsold(limit: 10).map(\.id) == [payment.id], "paid, and its hold not confirmed")
        _ = try await w.stores.confirm(order.reservation)
        #expect(try await w.payments.paidButUnsold(limit: 10).isEmpty)
    }

    @Test("paid payments of refunded, cancelled or expired orders become due back, once", arguments: PaymentRepositoryContractTests.backends)
    func refundsDue(_ backend: Backend) async throws {
        let w = try await backend.make()
        var paid: [(Order, Payment)] = []
        for _ in 0..<3 {
            let order = try await w.order()
            let payment = try await w.payments.pending(order: order.id, provider: .alipay, amount: Self.eur(4_077), at: Self.t0).payment
            _ = try await w.payments.recordPaid(payment.id, providerTradeNumber: "T-\(payment.id)", status: .paid, at: Self.t0)
            paid.append((order, payment))
        }
        _ = try await w.orders.transition(paid[0].0.id, from: .awaitingPayment, to: .paid, by: .payment, note: nil, at: Self.t0)
        _ = try await w.orders.transition(paid[0].0.id, from: .paid, to: .refunded, by: .staff, note: nil, at: Self.t0)
        _ = try await w.orders.transition(paid[1].0.id, from: .awaitingPayment, to: .expired, by: .system, note: nil, at: Self.t0)
        #expect(try await w.payments.markRefundsDueForRefundedOrders() == 2)
        #expect(try await w.payments.markRefundsDueForRefundedOrders() == 0)
        #expect(try await w.payments.payments(status: .refundDue, limit: 10).map(\.id) == [paid[0].1.id, paid[1].1.id])
        #expect(try await w.payments.payment(paid[2].1.id)?.status == .paid)
    }

    @Test("one refund per payment; completing it settles the refund and the payment together; the ledger's movements follow", arguments: PaymentRepositoryContractTests.backends)
    func refunds(_ backend: Backend) async throws {
        let w = try await backend.make()
        let order = try await w.order(total: 1_250)
        let pending = try await w.payments.pending(order: order.id, provider: .wechat, amount: Self.eur(1_250), at: Self.t0).payment
        _ = try await w.payments.recordPaid(pending.id, providerTradeNumber: "WX-1", status: .refundDue, at: Self.t0.addingTimeInterval(10))
        let payment = try #require(try await w.payments.payment(pending.id))
        let refund = try await w.payments.refund(for: payment, reason: "order expired", at: Self.t0.addingTimeInterval(20))
        #expect(refund.payment == payment.id && refund.order == order.id && refund.provider == .wechat && refund.amount == Self.eur(1_250)
                && refund.reason == "order expired" && refund.status == .pending && refund.doneAt == nil)
        #expect(try await w.payments.refund(for: payment, reason: "again", at: Self.t0.addingTimeInterval(30)) == refund, "asked twice, made once")
        let done = try await w.payments.completeRefund(refund.id, providerRefundNumber: "WXR-1", at: Self.t0.addingTimeInterval(40))
        #expect(done.status == .succeeded && done.providerRefundNumber == "WXR-1" && done.doneAt == Self.t0.addingTimeInterval(40))
        #expect(try await w.payments.payment(payment.id)?.status == .refunded)
        #expect(try await w.payments.refunds(order: order.id) == [done])
        #expect(await Contracts.refusal { _ = try await w.payments.completeRefund(RefundID(refund.id.rawValue + 1_000), providerRefundNumber: "x", at: Self.t0) } == .notFound)

        let movements = try await w.payments.movements(provider: .wechat, from: Self.t0, to: Self.t0.addingTimeInterval(3_600))
        #expect(movements == [MoneyMovement(kind: .payment, merchantNumber: payment.id.tradeNumber, providerNumber: "WX-1", amount: Self.eur(1_250),
                                            at: Self.t0.addingTimeInterval(10)),
                              MoneyMovement(kind: .refund, merchantNumber: refund.id.refundNumber, providerNumber: "WXR-1", amount: Self.eur(1_250),
                                            at: Self.t0.addingTimeInterval(40))])
        #expect(try await w.payments.movements(provider: .wechat, from: Self.t0.addingTimeInterval(11), to: Self.t0.addingTimeInterval(40)).isEmpty,
                "from is inclusive, to is not")
        #expect(try await w.payments.movements(provider: .alipay, from: Self.t0, to: Self.t0.addingTimeInterval(3_600)).isEmpty)
    }

    @Test("notifications are kept as received, newest first, by provider or all", arguments: PaymentRepositoryContractTests.backends)
    func notifications(_ backend: Backend) async throws {
        let w = try await backend.make()
        let records = [NotificationRecord(provider: .alipay, outcome: .accepted, reason: nil, tradeNumber: "O2O000000000001", bodyDigest: "d1", at: Self.t0),
                       NotificationRecord(provider: .wechat, outcome: .rejected, reason: "bad signature", tradeNumber: nil, bodyDigest: "d2",
                                          at: Self.t0.addingTimeInterval(1)),
                       NotificationRecord(provider: .alipay, outcome: .duplicate, reason: nil, tradeNumber: "O2O000000000001", bodyDigest: "d1",
                                          at: Self.t0.addingTimeInterval(2))]
        for record in records { try await w.payments.record(record) }
        #expect(try await w.payments.notifications(provider: nil, limit: 10) == records.reversed())
        #expect(try await w.payments.notifications(provider: .alipay, limit: 10) == [records[2], records[0]])
        #expect(try await w.payments.notifications(provider: .alipay, limit: 1) == [records[2]])
        #expect(try await w.payments.notifications(provider: .unionpay, limit: 10).isEmpty)
    }
}
