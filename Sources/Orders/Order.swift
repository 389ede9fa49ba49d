import Accounts
import Commerce
import Foundation
import GeoCore
import Kernel
import Stores

/// A checked-out cart: what was bought at what price, from which store, how it reaches the
/// customer, and where it is.
public struct Order: Hashable, Sendable {
    public enum Fulfilment: Hashable, Sendable {
        /// To this address, as it was at checkout.
        case delivery(recipient: String, phone: String, line: String, location: Coordinate)
        /// Collected with this code.
        case pickup(code: String)

        public var isDelivery: Bool { if case .delivery = self { true } else { false } }
    }

    public struct Line: Hashable, Sendable {
        public var sku: SKUCode
        public var name: String
        public var quantity: Int
        public var unitPriceMinor: Int
        public var totalMinor: Int
        public init(sku: SKUCode, name: String, quantity: Int, unitPriceMinor: Int, totalMinor: Int) {
            self.sku = sku; self.name = name; self.quantity = quantity; self.unitPriceMinor = unitPriceMinor; self.totalMinor = totalMinor
        }
    }

    public struct Event: Hashable, Sendable {
        public var status: OrderStatus
        public var at: Date
        public var by: OrderStatus.Actor
        public var note: String?
        public init(status: OrderStatus, at: Date, by: OrderStatus.Actor, note: String?) {
            self.status = status; self.at = at; self.by = by; self.note = note
        }
    }

    public var id: OrderID
    public var customer: AccountID
    public var store: StoreID
    public var fulfilment: Fulfilment
    public var lines: [Line]
    public var subtotal: Money
    public var deliveryFee: Money
    public var discount: Money
    public var total: Money
    public var status: OrderStatus
    /// The stock held for the order until it is paid (then confirmed) or ends (then released).
    public var reservation: ReservationID
    public var idempotencyKey: String?
    public var createdAt: Date
    /// When an unpaid order expires, with its reservation.
    public var payBy: Date
    public var timeline: [Event]
    /// The discounts that make up `discount`, as the cart showed them.
    public var discounts: [Discount]

    public struct Discount: Hashable, Sendable {
        public var code: String
        public var description: String
        public var amountMinor: Int
        public init(code: String, description: String, amountMinor: Int) { self.code = code; self.description = description; self.amountMinor = amountMinor }
    }

    public init(id: OrderID, customer: AccountID, store: StoreID, fulfilment: Fulfilment, lines: [Line], subtotal: Money, deliveryFee: Money,
                discount: Money, total: Money, status: OrderStatus, reservation: ReservationID, idempotencyKey: String?, createdAt: Date,
                payBy: Date, timeline: [Event], discounts: [Discount] = []) {
        self.id = id; self.customer = customer; self.store = store; self.fulfilment = fulfilment; self.lines = lines
        self.subtotal = subtotal; self.deliveryFee = deliveryFee; self.discount = discount; self.total = total; self.status = status
        self.reservation = reservation; self.idempotencyKey = idempotencyKey; self.createdAt = createdAt; self.payBy = payBy
        self.timeline = timeline; self.discounts = discounts
    }
}

/// An order about to be written.
public struct OrderDraft: Hashable, Sendable {
    public var customer: AccountID
    public var store: StoreID
    public var fulfilment: Order.Fulfilment
    public var lines: [Order.Line]
    public var subtotal: Money
    public var deliveryFee: Money
    public var discount: Money
    public var total: Money
    public var reservation: ReservationID
    public var idempotencyKey: String?
    /// A digest of what the request asked for, so a key reused for another cart is refused.
    public var requestHash: String
    public var payBy: Date
    /// Each discount, with what checking out takes up for it (in the order's own transaction).
    public var discounts: [CartQuote.Discount] = []

    public init(customer: AccountID, store: StoreID, fulfilment: Order.Fulfilment, lines: [Order.Line], subtotal: Money, deliveryFee: Money,
                discount: Money, total: Money, reservation: ReservationID, idempotencyKey: String?, requestHash: String, payBy: Date,
                discounts: [CartQuote.Discount] = []) {
        self.customer = customer; self.store = store; self.fulfilment = fulfilment; self.lines = lines; self.subtotal = subtotal
        self.deliveryFee = deliveryFee; self.discount = discount; self.total = total; self.reservation = reservation
        self.idempotencyKey = idempotencyKey; self.requestHash = requestHash; self.payBy = payBy; self.discounts = discounts
    }
}

/// Storage of orders and their timelines. Writes are single transactions; a status change
/// names the status it expects, so two concurrent changes cannot both apply.
public protocol OrderRepository: Sendable {
    /// Writes the order, or returns the customer's order with the same idempotency key
    /// (`replayed`); `.conflict` when that key was used for a different request.
    func create(_ draft: OrderDraft, at: Date) async throws -> (order: Order, replayed: Bool)
    func order(_ id: OrderID) async throws -> Order?
    /// The customer's order made under an idempotency key, if any.
    func order(customer: AccountID, idempotencyKey: String) async throws -> Order?
    func orders(customer: AccountID, after: OrderID?, limit: Int) async throws -> [Order]
    func orders(store: StoreID, statuses: Set<OrderStatus>, limit: Int) async throws -> [Order]
    /// Moves the order from `expected` to `next`; `.conflict` when it is no longer in `expected`.
    func transition(_ id: OrderID, from expected: OrderStatus, to next: OrderStatus, by: OrderStatus.Actor, note: String?, at: Date) async throws -> Order
    /// Unpaid orders whose time ran out.
    func unpaid(before: Date, limit: Int) async throws -> [Order]
    /// Records the customer's review and moves the order from completed to reviewed, in one
    /// transaction; `.conflict` when it is not completed (or reviewed already).
    func review(_ id: OrderID, rating: Int, text: String?, at: Date) async throws -> Review
    /// A store's reviews, newest first, with the count and mean rating of them all.
    func reviews(store: StoreID, limit: Int) async throws -> (reviews: [Review], count: Int, meanRating: Double?)
}

/// A customer's rating (1 to 5) and words on a completed order, shown on the store.
public struct Review: Hashable, Sendable {
    public var order: OrderID
    public var store: StoreID
    public var customer: AccountID
    public var rating: Int
    public var text: String?
    public var at: Date

    public init(order: OrderID, store: StoreID, customer: AccountID, rating: Int, text: String?, at: Date) {
        self.order = order; self.store = store; self.customer = customer; self.rating = rating; self.text = text; self.at = at
    }
}
