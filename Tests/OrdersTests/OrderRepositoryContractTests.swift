import Accounts
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Orders
import Persistence
import Stores
import Testing

/// What every `OrderRepository` must do, whatever stores it: each test runs on every backend in `backends`
/// (SpatiaLite in memory and on disk today).
@Suite("OrderRepository contract")
struct OrderRepositoryContractTests {
    /// A fresh backend beside what orders point at: two customers and two stores.
    struct World: Sendable {
        var orders: any OrderRepository
        var ana: AccountID, rui: AccountID, shop: StoreID, other: StoreID
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> World {
        let stores = DemoFixture.service(db)
        var ids: [StoreID] = []
        for n in 1...2 {
            let (store, _) = try await stores.create(StoreDraft(externalRef: "test:\(n)", name: "Store \(n)", kind: "convenience",
                                                                timeZone: "Europe/Lisbon", location: Coordinate(latitude: 41.15, longitude: -8.61)))
            ids.append(store.id)
        }
        let accounts = SpatiaLiteAccountRepository(database: db)
        let ana = try await accounts.create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h", at: OrderRepositoryContractTests.t0)
        let rui = try await accounts.create(AccountDraft(email: "rui@example.com", name: "Rui"), passwordHash: "h", at: OrderRepositoryContractTests.t0)
        return World(orders: SpatiaLiteOrderRepository(database: db), ana: ana.id, rui: rui.id, shop: ids[0], other: ids[1])
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)

    static func draft(_ customer: AccountID, _ store: StoreID, key: String? = nil, hash: String = "h1", pickup: Bool = false,
                      payBy: Date = t0.addingTimeInterval(900)) -> OrderDraft {
        let lines = [Order.Line(sku: "WINE-004", name: "Port", quantity: 2, unitPriceMinor: 1_899, totalMinor: 3_798),
                     Order.Line(sku: "DAIRY-001", name: "Milk", quantity: 1, unitPriceMinor: 129, totalMinor: 129)]
        let fulfilment: Order.Fulfilment = pickup ? .pickup(code: "K7Q2")
            : .delivery(recipient: "Ana", phone: "+351 900 000 001", line: "Rua das Flores 1", location: Coordinate(latitude: 41.1452, longitude: -8.6123))
        return OrderDraft(customer: customer, store: store, fulfilment: fulfilment, lines: lines, subtotal: Money(minor: 3_927, currency: "EUR"),
                          deliveryFee: Money(minor: pickup ? 0 : 250, currency: "EUR"), discount: Money(minor: 100, currency: "EUR"),
                          total: Money(minor: pickup ? 3_827 : 4_077, currency: "EUR"), reservation: .random(), idempotencyKey: key,
                          requestHash: hash, payBy: payBy)
    }

    @Test("an order reads back whole: lines in order, fulfilment, money, reservation, pay-by and its first event", arguments: OrderRepositoryContractTests.backends)
    func readBack(_ backend: Backend) async throws {
        let w = try await backend.make()
        let delivery = Self.draft(w.ana, w.shop), pickup = Self.draft(w.ana, w.shop, pickup: true)
        let (made, replayed) = try await w.orders.create(delivery, at: Self.t0)
        #expect(!replayed)
        let read = try #require(try await w.orders.order(made.id))
        #expect(read == made)
        #expect(read.customer == w.ana && read.store == w.shop && read.lines == delivery.lines && read.fulfilment == delivery.fulfilment)
        #expect(read.subtotal == delivery.subtotal && read.deliveryFee == delivery.deliveryFee && read.discount == delivery.discount
                && read.total == delivery.total)
        #expect(read.reservation == delivery.reservation && read.payBy == delivery.payBy && read.createdAt == Self.t0)
        #expect(read.status == .awaitingPayment)
        #expect(read.timeline == [Order.Event(status: .awaitingPayment, at: Self.t0, by: .customer, note: nil)])
        let collected = try await w.orders.create(pickup, at: Self.t0).order
        #expect(collected.id != made.id)
        #expect(try await w.orders.order(collected.id)?.fulfilment == .pickup(code: "K7Q2"))
        #expect(try await w.orders.order(OrderID(collected.id.rawValue + 1_000)) == nil)
    }

    @Test("an idempotency key makes one order per customer: a replay returns it, another request under it is a conflict", arguments: OrderRepositoryContractTests.backends)
    func idempotency(_ backend: Backend) async throws {
        let w = try await backend.make()
        let first = try await w.orders.create(Self.draft(w.ana, w.shop, key: "k-1"), at: Self.t0)
        let again = try await w.orders.create(Self.draft(w.ana, w.shop, key: "k-1"), at: Self.t0.addingTimeInterval(5))
        #expect(again.replayed && again.order == first.order)
        #expect(await Contracts.refusal { _ = try await w.orders.create(Self.draft(w.ana, w.shop, key: "k-1", hash: "h2"), at: Self.t0) } == .conflict)
        let ruis = try await w.orders.create(Self.draft(w.rui, w.shop, key: "k-1"), at: Self.t0)
        #expect(!ruis.replayed && ruis.order.id != first.order.id, "a key is the customer's own")
        #expect(try await w.orders.order(customer: w.ana, idempotencyKey: "k-1") == first.order)
        #expect(try await w.orders.order(customer: w.ana, idempotencyKey: "k-2") == nil)
        #expect(try await w.orders.orders(customer: w.ana, after: nil, limit: 10).count == 1)
    }

    @Test("the same key sent many times at once makes one order", arguments: OrderRepositoryContractTests.backends)
    func concurrentReplays(_ backend: Backend) async throws {
        let w = try await backend.make()
        let orders = w.orders, ana = w.ana, shop = w.shop
        let ids = try await withThrowingTaskGroup(of: OrderID.self) { group in
            for _ in 0..<16 { group.addTask { try await orders.create(Self.draft(ana, shop, key: "same"), at: Self.t0).order.id } }
            return try await group.reduce(into: Set<OrderID>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await orders.orders(customer: ana, after: nil, limit: 100).count == 1)
    }

    @Test("a status moves only from the status named; the move joins the timeline with who and why", arguments: OrderRepositoryContractTests.backends)
    func transitions(_ backend: Backend) async throws {
        let w = try await backend.make()
        let order = try await w.orders.create(Self.draft(w.ana, w.shop), at: Self.t0).order
        let paid = try await w.orders.transition(order.id, from: .awaitingPayment, to: .paid, by: .payment, note: "alipay", at: Self.t0.addingTimeInterval(30))
        #expect(paid.status == .paid)
        #expect(paid.timeline.last == Order.Event(status: .paid, at: Self.t0.addingTimeInterval(30), by: .payment, note: "alipay"))
        #expect(try await w.orders.order(order.id) == paid)
        #expect(await Contracts.refusal {
            _ = try await w.orders.transition(order.id, from: .awaitingPayment, to: .cancelled, by: .customer, note: nil, at: Self.t0)
        } == .conflict)
        #expect(try await w.orders.order(order.id)?.timeline.count == 2, "a refused move leaves no event")
        #expect(await Contracts.refusal {
            _ = try await w.orders.transition(OrderID(order.id.rawValue + 1_000), from: .paid, to: .accepted, by: .staff, note: nil, at: Self.t0)
        } == .notFound)
    }

    @Test("of two moves from the same status at once, exactly one applies", arguments: OrderRepositoryContractTests.backends)
    func racingTransitions(_ backend: Backend) async throws {
        let w = try await backend.make()
        let orders = w.orders
        for _ in 0..<5 {
            let order = try await orders.create(Self.draft(w.ana, w.shop), at: Self.t0).order
            let outcomes = await withTaskGroup(of: OrderStatus?.self) { group in
                for next in [OrderStatus.paid, .cancelled, .expired] {
                    group.addTask { try? await orders.transition(order.id, from: .awaitingPayment, to: next, by: .system, note: nil, at: Self.t0).status }
                }
                return await group.reduce(into: [OrderStatus]()) { if let s = $1 { $0.append(s) } }
            }
            #expect(outcomes.count == 1)
            let final = try #require(try await orders.order(order.id))
            #expect(final.status == outcomes.first && final.timeline.count == 2)
        }
    }

    @Test("a customer's orders newest first, page after page; a store's orders by status, oldest first", arguments: OrderRepositoryContractTests.backends)
    func listings(_ backend: Backend) async throws {
        let w = try await backend.make()
        var made: [Order] = []
        for i in 0..<5 { made.append(try await w.orders.create(Self.draft(w.ana, i == 4 ? w.other : w.shop), at: Self.t0.addingTimeInterval(Double(i))).order) }
        _ = try await w.orders.create(Self.draft(w.rui, w.shop), at: Self.t0)
        let firstPage = try await w.orders.orders(customer: w.ana, after: nil, limit: 2)
        #expect(firstPage.map(\.id) == [made[4].id, made[3].id])
        let secondPage = try await w.orders.orders(customer: w.ana, after: firstPage.last!.id, limit: 2)
        #expect(secondPage.map(\.id) == [made[2].id, made[1].id])
        #expect(try await w.orders.orders(customer: w.ana, after: made[0].id, limit: 2).isEmpty)

        _ = try await w.orders.transition(made[1].id, from: .awaitingPayment, to: .paid, by: .payment, note: nil, at: Self.t0)
        _ = try await w.orders.transition(made[2].id, from: .awaitingPayment, to: .paid, by: .payment, note: nil, at: Self.t0)
        #expect(try await w.orders.orders(store: w.shop, statuses: [.paid], limit: 10).map(\.id) == [made[1].id, made[2].id])
        #expect(try await w.orders.orders(store: w.shop, statuses: [.paid, .awaitingPayment], limit: 10).count == 5, "Rui's too")
        #expect(try await w.orders.orders(store: w.shop, statuses: [.paid], limit: 1).map(\.id) == [made[1].id])
        #expect(try await w.orders.orders(store: w.other, statuses: [.paid], limit: 10).isEmpty)
        #expect(try await w.orders.orders(store: w.shop, statuses: [], limit: 10).isEmpty)
    }

    @Test("unpaid orders past their time, soonest lapsed first; paid ones and those with time left are not listed", arguments: OrderRepositoryContractTests.backends)
    func unpaid(_ backend: Backend) async throws {
        let w = try await backend.make()
        let late = try await w.orders.create(Self.draft(w.ana, w.shop, payBy: Self.t0.addingTimeInterval(60)), at: Self.t0).order
        let later = try await w.orders.create(Self.draft(w.ana, w.shop, payBy: Self.t0.addingTimeInterval(120)), at: Self.t0).order
        let paid = try await w.orders.create(Self.draft(w.ana, w.shop, payBy: Self.t0.addingTimeInterval(30)), at: Self.t0).order
        _ = try await w.orders.create(Self.draft(w.ana, w.shop, payBy: Self.t0.addingTimeInterval(600)), at: Self.t0)
        _ = try await w.orders.transition(paid.id, from: .awaitingPayment, to: .paid, by: .payment, note: nil, at: Self.t0)
        #expect(try await w.orders.unpaid(before: Self.t0.addingTimeInterval(300), limit: 10).map(\.id) == [late.id, later.id])
        #expect(try await w.orders.unpaid(before: Self.t0.addingTimeInterval(300), limit: 1).map(\.id) == [late.id])
        #expect(try await w.orders.unpaid(before: Self.t0.addingTimeInterval(60), limit: 10).map(\.id) == [late.id], "pay-by is inclusive")
        #expect(try await w.orders.unpaid(before: Self.t0, limit: 10).isEmpty)
    }

    @Test("a review only of a completed order, once; a store's reviews newest first with their count and mean", arguments: OrderRepositoryContractTests.backends)
    func reviews(_ backend: Backend) async throws {
        let w = try await backend.make()
        var completed: [Order] = []
        for _ in 0..<3 {
            let order = try await w.orders.create(Self.draft(w.ana, w.shop), at: Self.t0).order
            var status = OrderStatus.awaitingPayment
            for next in [OrderStatus.paid, .accepted, .picking, .ready, .withDispatch, .pickedUp, .delivered, .completed] {
                _ = try await w.orders.transition(order.id, from: status, to: next, by: .system, note: nil, at: Self.t0)
                status = next
            }
            completed.append(order)
        }
        let open = try await w.orders.create(Self.draft(w.ana, w.shop), at: Self.t0).order
        #expect(await Contracts.refusal { _ = try await w.orders.review(open.id, rating: 5, text: nil, at: Self.t0) } == .conflict)
        let first = try await w.orders.review(completed[0].id, rating: 5, text: "quick", at: Self.t0.addingTimeInterval(10))
        #expect(first == Review(order: completed[0].id, store: w.shop, customer: w.ana, rating: 5, text: "quick", at: Self.t0.addingTimeInterval(10)))
        #expect(await Contracts.refusal { _ = try await w.orders.review(completed[0].id, rating: 1, text: nil, at: Self.t0) } == .conflict)
        #expect(try await w.orders.order(completed[0].id)?.status == .reviewed)
        _ = try await w.orders.review(completed[1].id, rating: 2, text: nil, at: Self.t0.addingTimeInterval(20))
        let (reviews, count, mean) = try await w.orders.reviews(store: w.shop, limit: 1)
        #expect(reviews.map(\.order) == [completed[1].id] && count == 2 && mean == 3.5)
        let none = try await w.orders.reviews(store: w.other, limit: 10)
        #expect(none.reviews.isEmpty && none.count == 0 && none.meanRating == nil)
    }
}
