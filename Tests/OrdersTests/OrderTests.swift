import Accounts
import Catalog
import Commerce
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Orders
import Persistence
import StoreImport
import Stores
import Testing

@Suite("Checkout and the order's life")
struct OrderTests {
    typealias Setup = CommerceFixture

    static func setup() async throws -> Setup { try await CommerceFixture.make() }
    static func staff(_ s: Setup, _ store: StoreID, _ email: String = "staff@example.com") async throws -> Principal {
        try await s.staff(store, email)
    }
    static func fill(_ s: Setup, quantity: Int = 3) async throws { try await s.fill(quantity: quantity) }

    @Test("delivery end to end: checkout holds the stock, payment sells it, the store and dispatch move it on, the customer completes")
    func deliveryFlow() async throws {
        let s = try await Self.setup()
        try await Self.fill(s)
        let quote = try await s.carts.quote(by: s.customer)
        let store = try #require(quote.store).id
        let before = s.stores.finder.available("DAIRY-001", at: store)!
        let (order, replayed) = try await s.orders.checkout(idempotencyKey: "k1", by: s.customer)
        #expect(!replayed && order.status == .awaitingPayment && order.total == quote.total && order.store == store)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == before - 3, "held")
        #expect(try await s.carts.cart(of: s.customer).lines.isEmpty, "the cart is emptied")
        #expect(order.payBy == s.clock.now.addingTimeInterval(900))
        _ = try await s.orders.markPaid(order.id, note: "sandbox")
        #expect(try await s.stores.reservation(order.reservation).status == .confirmed)
        let staff = try await Self.staff(s, store)
        #expect(try await s.orders.queue(store: store, statuses: [], by: staff).map(\.id) == [order.id])
        for next in [OrderStatus.accepted, .picking, .ready, .withDispatch] { _ = try await s.orders.advance(order.id, to: next, by: staff) }
        let dispatcher = Principal(account: AccountID(0), role: .dispatcher)
        _ = try await s.orders.advance(order.id, to: .pickedUp, by: dispatcher)
        _ = try await s.orders.advance(order.id, to: .delivered, by: dispatcher)
        let done = try await s.orders.advance(order.id, to: .completed, by: s.customer)
        #expect(done.timeline.map(\.status) == [.awaitingPayment, .paid, .accepted, .picking, .ready, .withDispatch, .pickedUp, .delivered, .completed])
        #expect(try await s.orders.history(after: nil, limit: 10, by: s.customer).map(\.id) == [order.id])
        // Reviewed once, by its customer, through a review (not by setting the status); the store shows it.
        do { _ = try await s.orders.advance(order.id, to: .reviewed, by: s.customer); Issue.record("reviewed without a review") } catch let e as DomainError {
            #expect(e.kind == .invalid && e.field == "status")
        }
        do { _ = try await s.orders.review(order.id, rating: 5, text: nil, by: staff); Issue.record("staff reviewed") } catch let e as DomainError {
            #expect(e.kind == .forbidden)
        }
        let review = try await s.orders.review(order.id, rating: 4, text: "  Quick  ", by: s.customer)
        #expect(review.text == "Quick" && review.store == store)
        do { _ = try await s.orders.review(order.id, rating: 5, text: nil, by: s.customer); Issue.record("reviewed twice") } catch let e as DomainError {
            #expect(e.kind == .conflict)
        }
        let shown = try await s.orders.reviews(store: store, limit: 10)
        #expect(shown.count == 1 && shown.meanRating == 4 && shown.reviews.map(\.order) == [order.id])
        #expect(try await s.orders.repository.order(order.id)!.status == .reviewed)
    }

    @Test("pickup: collected only with the right code")
    func pickup() async throws {
        let s = try await Self.setup()
        let store = s.stores.finder.stores(after: nil, limit: 300).first { (s.stores.finder.available("DAIRY-001", at: $0.id) ?? 0) >= 2 }!
        _ = try await s.carts.setQuantity(2, of: "DAIRY-001", by: s.customer)
        _ = try await s.carts.choose(.pickup(store.id), by: s.customer)
        let order = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        guard case .pickup(let code) = order.fulfilment else { Issue.record("not a pickup"); return }
        #expect(code.count == 6 && order.deliveryFee.minor == 0)
        _ = try await s.orders.markPaid(order.id, note: nil)
        let staff = try await Self.staff(s, store.id)
        for next in [OrderStatus.accepted, .picking, .ready] { _ = try await s.orders.advance(order.id, to: next, by: staff) }
        let wrong = code == "000000" ? "000001" : "000000"
        do { _ = try await s.orders.advance(order.id, to: .collected, code: wrong, by: staff); Issue.record("wrong code accepted") } catch let e as DomainError {
            #expect(e.kind == .conflict && e.field == "code")
        }
        #expect(try await s.orders.advance(order.id, to: .collected, code: code, by: staff).status == .collected)
        #expect(try await s.orders.advance(order.id, to: .completed, by: s.customer).status == .completed)
    }

    @Test("every step the table does not allow is refused, for every status and actor, and changes nothing")
    func invalidTransitions() async throws {
        let s = try await Self.setup()
        try await Self.fill(s, quantity: 2)
        let order = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        let staff = try await Self.staff(s, order.store)
        let dispatcher = Principal(account: AccountID(0), role: .dispatcher)
        let callers: [(Principal, OrderStatus.Actor)] = [(s.customer, .customer), (staff, .staff), (dispatcher, .dispatch)]
        var refused = 0
        for status in OrderStatus.allCases {
            // Put the order in `status` (storage's compare-and-set, as the service's steps use it).
            let current = try await s.orders.repository.order(order.id)!.status
            if current != status { _ = try await s.orders.repository.transition(order.id, from: current, to: status, by: .system, note: "test", at: s.clock.now) }
            for next in OrderStatus.allCases where ![.cancelled, .refunded, .paid, .expired, .reviewed].contains(next) {
                for (caller, actor) in callers where !status.allows(next, by: actor, delivery: true) {
                    do {
                        _ = try await s.orders.advance(order.id, to: next, by: caller)
                        Issue.record("\(status) → \(next) by \(actor) was allowed")
                    } catch {
                        refused += 1
                        #expect(try await s.orders.repository.order(order.id)!.status == status)
                    }
                }
            }
        }
        #expect(refused > 300)
        // Another customer, and staff of another store, may not even look.
        let bo = try await s.accounts.register(AccountDraft(email: "bo@example.com", name: "Bo"), password: "password two")
        let otherStore = s.stores.finder.stores(after: nil, limit: 300).first { $0.id != order.store }!.id
        let otherStaff = try await Self.staff(s, otherStore, "other@example.com")
        for caller in [bo.principal, otherStaff] {
            do { _ = try await s.orders.order(order.id, by: caller); Issue.record("read by a stranger") } catch let e as DomainError { #expect(e.kind == .forbidden) }
        }
    }

    @Test("twenty concurrent checkouts with one idempotency key make one order and one hold")
    func idempotentCheckout() async throws {
        let s = try await Self.setup()
        try await Self.fill(s, quantity: 2)
        let store = try await s.carts.quote(by: s.customer).store!.id
        let before = s.stores.finder.available("DAIRY-001", at: store)!
        let ids = try await withThrowingTaskGroup(of: (OrderID, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let (order, replayed) = try await s.orders.checkout(idempotencyKey: "same", by: s.customer)
                    return (order.id, replayed)
                }
            }
            var ids: [(OrderID, Bool)] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(ids.count == 20 && Set(ids.map(\.0)).count == 1)
        #expect(ids.filter { !$0.1 }.count == 1, "one made it, nineteen replayed it")
        // A retry much later, the cart long empty, still gets the same order.
        #expect(try await s.orders.checkout(idempotencyKey: "same", by: s.customer).order.id == ids[0].0)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == before - 2)
        #expect(try await s.orders.history(after: nil, limit: 100, by: s.customer).count == 1)
    }

    @Test("cancelling releases an unpaid hold and refunds a paid order; an unpaid order expires with its hold")
    func cancelAndExpire() async throws {
        let s = try await Self.setup()
        try await Self.fill(s, quantity: 2)
        let store = try await s.carts.quote(by: s.customer).store!.id
        let before = s.stores.finder.available("DAIRY-001", at: store)!
        let first = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        #expect(try await s.orders.cancel(first.id, reason: "changed my mind", by: s.customer).status == .cancelled)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == before)

        try await Self.fill(s, quantity: 2)
        let second = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        _ = try await s.orders.markPaid(second.id, note: nil)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == before - 2, "sold")
        #expect(try await s.orders.cancel(second.id, reason: nil, by: s.customer).status == .refunded)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == before, "refunded before picking: back on the shelf")

        try await Self.fill(s, quantity: 2)
        let third = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        _ = try await s.orders.markPaid(third.id, note: nil)
        let staff = try await Self.staff(s, store)
        _ = try await s.orders.advance(third.id, to: .accepted, by: staff)
        _ = try await s.orders.advance(third.id, to: .picking, by: staff)
        do { _ = try await s.orders.cancel(third.id, reason: nil, by: s.customer); Issue.record("cancelled while picking") } catch let e as DomainError {
            #expect(e.kind == .conflict)
        }

        try await Self.fill(s, quantity: 2)
        let fourth = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        let held = s.stores.finder.available("DAIRY-001", at: store)!
        s.clock.advance(901)
        #expect(try await s.orders.expireUnpaid() == 1)
        #expect(try await s.orders.repository.order(fourth.id)!.status == .expired)
        #expect(s.stores.finder.available("DAIRY-001", at: store) == held + 2)
        // Paying after expiry changes nothing.
        do { _ = try await s.orders.markPaid(fourth.id, note: nil); Issue.record("paid after expiry") } catch let e as DomainError { #expect(e.kind == .conflict) }

        // A payment that arrives in time for an order whose hold is gone all the same is refunded, not sold without stock.
        try await Self.fill(s, quantity: 2)
        let fifth = try await s.orders.checkout(idempotencyKey: nil, by: s.customer).order
        _ = try await s.stores.release(fifth.reservation)
        let refunded = try await s.orders.markPaid(fifth.id, note: "late")
        #expect(refunded.status == .refunded && refunded.timeline.map(\.status) == [.awaitingPayment, .paid, .refunded])
    }

    @Test("a cart that cannot be checked out is refused naming why, and nothing is held")
    func refusedCheckout() async throws {
        let s = try await Self.setup()
        do { _ = try await s.orders.checkout(idempotencyKey: nil, by: s.customer); Issue.record("empty cart checked out") } catch let e as DomainError {
            #expect(e.field == "lines")
        }
        _ = try await s.carts.setQuantity(999, of: "DAIRY-001", by: s.customer)
        _ = try await s.carts.choose(.delivery(s.home.id), by: s.customer)
        do { _ = try await s.orders.checkout(idempotencyKey: nil, by: s.customer); Issue.record("999 checked out") } catch let e as DomainError {
            #expect(e.kind == .unprocessable && e.field == "lines")
        }
        do { _ = try await s.orders.checkout(idempotencyKey: "has space", by: s.customer); Issue.record("bad key") } catch let e as DomainError {
            #expect(e.field == "idempotency-key")
        }
        #expect(try await s.orders.history(after: nil, limit: 10, by: s.customer).isEmpty)
    }
}
