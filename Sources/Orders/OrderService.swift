import Accounts
import Commerce
import Crypto
import Foundation
import Kernel
import Stores

/// Checkout and the order's life: the cart's quote becomes an order awaiting payment with its
/// stock held; payment confirms the hold, cancellation or expiry releases it; each step is
/// taken only by whom the step allows, from the status it expects.
public struct OrderService: Sendable {
    public let repository: any OrderRepository
    let carts: CartService
    let stores: StoreService
    let now: @Sendable () -> Date
    /// Seconds a customer has to pay before the order and its hold lapse.
    public let payWindow: Int
    /// The couriers ready delivery orders are handed to.
    let couriers: (any CourierDispatch)?

    public init(repository: any OrderRepository, carts: CartService, stores: StoreService, couriers: (any CourierDispatch)? = nil,
                payWindow: Int = 900, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.carts = carts; self.stores = stores; self.couriers = couriers
        self.payWindow = payWindow; self.now = now
    }

    // MARK: - Checkout

    /// The cart as an order awaiting payment, its stock held for `payWindow`. A retry with the
    /// same idempotency key returns the same order (`replayed`), however many arrive at once.
    public func checkout(idempotencyKey: String?, by caller: Principal) async throws -> (order: Order, replayed: Bool) {
        if let key = idempotencyKey {
            guard (1...100).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw DomainError(.invalid, field: "idempotency-key", "an idempotency key is 1 to 100 visible ASCII characters")
            }
        }
        // A retry of a checkout that went through (the cart is empty by now) gets its order back.
        if let key = idempotencyKey, let done = try await repository.order(customer: caller.account, idempotencyKey: key) {
            return (done, true)
        }
        let quote = try await carts.quote(by: caller)
        guard !quote.lines.isEmpty else { throw DomainError(.unprocessable, field: "lines", "the cart is empty") }
        guard quote.canCheckOut, let store = quote.store, let fulfilment = quote.fulfilment else {
            let first = quote.problems.first
            throw DomainError(.unprocessable, field: first?.field ?? "cart", first?.message ?? "the cart cannot be checked out", details: quote.problems)
        }
        let orderFulfilment: Order.Fulfilment
        switch fulfilment {
        case .delivery(let addressID):
            guard let address = try await carts.accounts.addresses(by: caller).first(where: { $0.id == addressID }) else {
                throw DomainError(.notFound, field: "address_id", "address \(addressID) no longer exists")
            }
            orderFulfilment = .delivery(recipient: address.recipient, phone: address.phone, line: address.line, location: address.location)
        case .pickup:
            orderFulfilment = .pickup(code: Self.pickupCode())
        }
        let items = quote.lines.map { Reservation.Item(sku: $0.sku, quantity: $0.quantity) }
        let request = "\(store.id)|\(quote.total.minor)|" + quote.lines.map { "\($0.sku.rawValue)=\($0.quantity)@\($0.unitPrice.minor)" }.joined(separator: ",")
        let requestHash = SHA256.hash(data: Data(request.utf8)).map { String(format: "%02x", $0) }.joined()
        // The hold is idempotent under the same key, so concurrent retries share one.
        let (reservation, heldBefore) = try await stores.reserve(
            store: store.id, items: items, ttl: payWindow, idempotencyKey: idempotencyKey.map { "order:\(caller.account):\($0)" })
        let draft = OrderDraft(
            customer: caller.account, store: store.id, fulfilment: orderFulfilment,
            lines: quote.lines.map { Order.Line(sku: $0.sku, name: $0.name, quantity: $0.quantity, unitPriceMinor: $0.unitPrice.minor, totalMinor: $0.total.minor) },
            subtotal: quote.subtotal, deliveryFee: quote.deliveryFee,
            discount: Money(minor: quote.discounts.reduce(0) { $0 + $1.amount.minor }, currency: quote.total.currency), total: quote.total,
            reservation: reservation.id, idempotencyKey: idempotencyKey, requestHash: requestHash, payBy: reservation.expiresAt,
            discounts: quote.discounts)
        let result: (order: Order, replayed: Bool)
        do {
            result = try await repository.create(draft, at: now())
        } catch {
            // Nothing half-written: a hold this request made is let go.
            if !heldBefore { _ = try? await stores.release(reservation.id) }
            throw error
        }
        if !result.replayed { try await carts.clear(by: caller) }
        // Discounts that cover the whole total leave nothing to pay: the order is paid now (and
        // a retried checkout finishes this if a crash came between).
        if result.order.total.minor == 0, result.order.status == .awaitingPayment {
            return (try await markPaid(result.order.id, note: "nothing to pay: the discounts cover the total"), result.replayed)
        }
        return result
    }

    static func pickupCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }

    // MARK: - Reading

    public func order(_ id: OrderID, by caller: Principal) async throws -> Order {
        guard let order = try await repository.order(id) else { throw DomainError(.notFound, field: "id", "no order \(id)") }
        guard order.customer == caller.account || caller.mayRun(store: order.store) || caller.role == .dispatcher else {
            throw DomainError(.forbidden, "this order is its customer's and its store's")
        }
        return order
    }

    public func history(after: OrderID?, limit: Int, by caller: Principal) async throws -> [Order] {
        guard (1...100).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and 100") }
        return try await repository.orders(customer: caller.account, after: after, limit: limit)
    }

    /// A store's orders in the given statuses (its staff's queue), oldest first.
    public func queue(store: StoreID, statuses: Set<OrderStatus>, by caller: Principal) async throws -> [Order] {
        guard stores.finder.store(store) != nil else { throw DomainError(.notFound, field: "id", "no store \(store)") }
        guard caller.mayRun(store: store) else { throw DomainError(.forbidden, "a store's orders are for its staff") }
        return try await repository.orders(store: store, statuses: statuses.isEmpty ? Self.open : statuses, limit: 500)
    }

    /// What a store still has to do something about.
    static let open: Set<OrderStatus> = [.paid, .accepted, .picking, .ready]

    // MARK: - Steps

    /// The role the caller acts in on this order.
    func actor(_ caller: Principal, on order: Order) -> OrderStatus.Actor? {
        if caller.mayRun(store: order.store) { return .staff }
        if caller.account == order.customer { return .customer }
        if caller.role == .dispatcher { return .dispatch }
        return nil
    }

    /// Moves an order on as the caller: staff accept, pick, ready and hand over (a pickup only
    /// with its code); the customer completes; cancelling goes through ``cancel(_:by:)``.
    public func advance(_ id: OrderID, to next: OrderStatus, code: String? = nil, by caller: Principal) async throws -> Order {
        let order = try await order(id, by: caller)
        guard let actor = actor(caller, on: order) else { throw DomainError(.forbidden, "not this order's customer or store") }
        guard ![.cancelled, .refunded, .paid, .expired, .reviewed].contains(next) else {
            throw DomainError(.invalid, field: "status", "\(next.rawValue) is reached by cancelling, paying, reviewing or waiting, not set")
        }
        guard order.status.allows(next, by: actor, delivery: order.fulfilment.isDelivery) else {
            throw DomainError(.conflict, field: "status", "an order \(order.status.rawValue) cannot become \(next.rawValue) by its \(actor.rawValue)")
        }
        if next == .collected, case .pickup(let expected) = order.fulfilment, code != expected {
            throw DomainError(.conflict, field: "code", "the pickup code does not match")
        }
        // Handing over to dispatch creates the courier's delivery first: if that fails, the order stays ready.
        if next == .withDispatch, let couriers { try await couriers.send(order) }
        return try await repository.transition(id, from: order.status, to: next, by: actor, note: nil, at: now())
    }

    /// The couriers report a delivery order picked up or delivered.
    public func courierReported(_ id: OrderID, _ status: OrderStatus) async throws -> Order? {
        let from: OrderStatus
        switch status {
        case .pickedUp: from = .withDispatch
        case .delivered: from = .pickedUp
        default: return nil
        }
        do {
            return try await repository.transition(id, from: from, to: status, by: .dispatch, note: nil, at: now())
        } catch let e as DomainError where e.kind == .conflict {
            return nil  // told twice, or moved on by hand
        }
    }

    /// The payment has cleared: the hold becomes a sale. A payment after the time to pay is
    /// refused (the order expires with its hold); should the hold have lapsed all the same, the
    /// order is refunded rather than sold without stock.
    public func markPaid(_ id: OrderID, note: String?) async throws -> Order {
        guard let order = try await repository.order(id) else { throw DomainError(.notFound, field: "id", "no order \(id)") }
        guard order.status != .awaitingPayment || order.payBy > now() else {
            throw DomainError(.conflict, field: "status", "the time to pay this order ran out at \(order.payBy)")
        }
        let paid = try await repository.transition(id, from: .awaitingPayment, to: .paid, by: .payment, note: note, at: now())
        return try await ensureSold(paid)
    }

    /// Makes a paid order's hold a sale (again: confirming is harmless twice, so a crash
    /// between paying and confirming is mended); a hold that lapsed or was let go all the same
    /// turns an order not yet picked into a refund rather than a sale without stock.
    public func ensureSold(_ order: Order) async throws -> Order {
        do {
            _ = try await stores.confirm(order.reservation)
            return order
        } catch let e as DomainError where e.kind == .gone || e.kind == .conflict {
            guard order.status.allows(.refunded, by: .system, delivery: order.fulfilment.isDelivery) else { return order }
            return try await repository.transition(order.id, from: order.status, to: .refunded, by: .system,
                                                   note: "paid after its stock hold lapsed; the payment is to be returned", at: now())
        }
    }

    /// Cancels: an unpaid order releases its hold; a paid one not yet picked is refunded and
    /// its goods, never taken off the shelf, go back on hand (once, under the order's key).
    public func cancel(_ id: OrderID, reason: String?, by caller: Principal) async throws -> Order {
        let order = try await order(id, by: caller)
        guard let actor = actor(caller, on: order), actor != .dispatch else {
            throw DomainError(.forbidden, "an order is cancelled by its customer or its store")
        }
        let next: OrderStatus = order.status == .awaitingPayment ? .cancelled : .refunded
        guard order.status.allows(next, by: actor, delivery: order.fulfilment.isDelivery) else {
            throw DomainError(.conflict, field: "status", "an order \(order.status.rawValue) can no longer be cancelled by its \(actor.rawValue)")
        }
        let cancelled = try await repository.transition(id, from: order.status, to: next, by: actor, note: reason, at: now())
        if next == .cancelled { _ = try? await stores.release(order.reservation) }
        if next == .refunded, (try? await stores.reservation(order.reservation))?.status == .held {
            // Paid, but the hold never became a sale (a crash came between): let it go instead.
            _ = try? await stores.release(order.reservation)
        } else if next == .refunded {
            _ = try? await stores.apply(StockBatch(
                storeID: order.store, kind: .delta, idempotencyKey: "restock:order:\(order.id)", partial: true,
                lines: order.lines.enumerated().map { StockBatch.Line(sku: $1.sku, quantity: $1.quantity, field: "lines[\($0)]") }))
        }
        return cancelled
    }

    /// The customer reviews a completed order: a rating of 1 to 5 and, if they like, words.
    public func review(_ id: OrderID, rating: Int, text: String?, by caller: Principal) async throws -> Review {
        let order = try await order(id, by: caller)
        guard order.customer == caller.account else { throw DomainError(.forbidden, "an order is reviewed by its customer") }
        guard (1...5).contains(rating) else { throw DomainError(.invalid, field: "rating", "rating must be 1 to 5") }
        let text = text?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text, text.count > 2_000 { throw DomainError(.invalid, field: "text", "text must be at most 2000 characters") }
        guard order.status == .completed else {
            throw DomainError(.conflict, field: "status", "an order is reviewed once, after it is completed; this one is \(order.status.rawValue)")
        }
        return try await repository.review(id, rating: rating, text: text.flatMap { $0.isEmpty ? nil : $0 }, at: now())
    }

    public func reviews(store: StoreID, limit: Int) async throws -> (reviews: [Review], count: Int, meanRating: Double?) {
        guard stores.finder.store(store) != nil else { throw DomainError(.notFound, field: "id", "no store \(store)") }
        guard (1...100).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and 100") }
        return try await repository.reviews(store: store, limit: limit)
    }

    /// Unpaid orders past their time expire; their holds go with them. Returns how many.
    public func expireUnpaid() async throws -> Int {
        var expired = 0
        for order in try await repository.unpaid(before: now(), limit: 500) {
            do {
                _ = try await repository.transition(order.id, from: .awaitingPayment, to: .expired, by: .system, note: "not paid in time", at: now())
                _ = try? await stores.release(order.reservation)
                expired += 1
            } catch let e as DomainError where e.kind == .conflict {
                continue  // paid or cancelled meanwhile
            }
        }
        return expired
    }
}
