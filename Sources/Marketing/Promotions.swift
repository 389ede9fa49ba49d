import Foundation
import Kernel

/// What a coupon takes off.
public enum CouponKind: Hashable, Sendable {
    /// A fixed amount off the items in scope (never more than they cost).
    case fixed(amountMinor: Int)
    /// A share of the items in scope, at most `capMinor`.
    case percent(basisPoints: Int, capMinor: Int)
    /// "Spend X, take Y off" (满减): once the items in scope come to `minimumMinor`.
    case threshold(minimumMinor: Int, offMinor: Int)
    /// The delivery fee.
    case freeDelivery

    public var name: String {
        switch self {
        case .fixed: "fixed"
        case .percent: "percent"
        case .threshold: "threshold"
        case .freeDelivery: "free_delivery"
        }
    }
}

/// Which items a coupon counts.
public enum CouponScope: Hashable, Sendable {
    case all
    /// Items of this catalog category or any below it (by slug).
    case category(String)
    case sku(SKUCode)
    /// Orders from this store only.
    case store(StoreID)

    /// The scope's kind as the API and the database spell it.
    public var name: String {
        switch self {
        case .all: "all"
        case .category: "category"
        case .sku: "sku"
        case .store: "store"
        }
    }

    /// What the scope names: a category slug, a SKU code or a store id; nil for all.
    public var value: String? {
        switch self {
        case .all: nil
        case .category(let slug): slug
        case .sku(let sku): sku.rawValue
        case .store(let id): String(id.rawValue)
        }
    }
}

/// A coupon campaign: its rule, when it holds, how many there are and how they are given out.
public struct CouponCampaign: Hashable, Sendable {
    public enum Issuance: Hashable, Sendable {
        /// Given to chosen customers by an admin.
        case campaign
        /// Claimed by customers who type the code.
        case code(String)
        /// Given automatically when a customer reaches this membership level.
        case onLevel(String)
    }

    public var id: Int64
    public var name: String
    public var kind: CouponKind
    public var scope: CouponScope
    public var validFrom: Date
    public var validUntil: Date
    /// Coupons that may be given out in all; nil: no limit.
    public var totalLimit: Int?
    /// Coupons one customer may hold over the campaign's life (used or not).
    public var perCustomerLimit: Int
    public var issuance: Issuance
    /// Given out so far.
    public var issued: Int
    public var used: Int

    public init(id: Int64, name: String, kind: CouponKind, scope: CouponScope, validFrom: Date, validUntil: Date, totalLimit: Int?,
                perCustomerLimit: Int, issuance: Issuance, issued: Int = 0, used: Int = 0) {
        self.id = id; self.name = name; self.kind = kind; self.scope = scope; self.validFrom = validFrom; self.validUntil = validUntil
        self.totalLimit = totalLimit; self.perCustomerLimit = perCustomerLimit; self.issuance = issuance; self.issued = issued; self.used = used
    }

    public func isValid(at date: Date) -> Bool { validFrom <= date && date < validUntil }

    public func validate() throws(DomainError) {
        guard (1...100).contains(name.count) else { throw DomainError(.unprocessable, field: "name", "a name of 1 to 100 characters") }
        switch kind {
        case .fixed(let a):
            guard (1...1_000_000).contains(a) else { throw DomainError(.unprocessable, field: "amount_minor", "1 to 1000000") }
        case .percent(let bp, let cap):
            guard (1...10_000).contains(bp) else { throw DomainError(.unprocessable, field: "percent_bp", "1 to 10000 basis points") }
            guard (1...1_000_000).contains(cap) else { throw DomainError(.unprocessable, field: "cap_minor", "1 to 1000000") }
        case .threshold(let minimum, let off):
            guard (1...1_000_000).contains(off) else { throw DomainError(.unprocessable, field: "off_minor", "1 to 1000000") }
            guard minimum > off, minimum <= 10_000_000 else { throw DomainError(.unprocessable, field: "minimum_minor", "more than off_minor, at most 10000000") }
        case .freeDelivery: break
        }
        guard validFrom < validUntil else { throw DomainError(.unprocessable, field: "valid_until", "valid_until comes after valid_from") }
        if let totalLimit, !(1...10_000_000).contains(totalLimit) { throw DomainError(.unprocessable, field: "total_limit", "1 to 10000000") }
        guard (1...1_000).contains(perCustomerLimit) else { throw DomainError(.unprocessable, field: "per_customer_limit", "1 to 1000") }
        if case .code(let code) = issuance {
            guard (4...32).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw DomainError(.unprocessable, field: "code", "4 to 32 letters, digits or dashes")
            }
        }
    }
}

/// A coupon in a customer's wallet.
public struct CustomerCoupon: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable { case available, used }
    public var id: Int64
    public var campaign: CouponCampaign
    public var status: Status
    public var issuedAt: Date
    /// The order that used it.
    public var order: Int64?
    public init(id: Int64, campaign: CouponCampaign, status: Status, issuedAt: Date, order: Int64?) {
        self.id = id; self.campaign = campaign; self.status = status; self.issuedAt = issuedAt; self.order = order
    }
}

/// A flash sale (秒杀): a price on a limited quantity of one SKU at one store, for a while,
/// at most `perCustomer` units each. Units are taken when the order is placed and come back
/// when it is cancelled, refunded or expires.
public struct FlashSale: Hashable, Sendable {
    public var id: Int64
    public var store: StoreID
    public var sku: SKUCode
    public var priceMinor: Int
    public var quantity: Int
    public var perCustomer: Int
    public var startsAt: Date
    public var endsAt: Date
    /// Units taken by orders that stand.
    public var sold: Int

    public init(id: Int64, store: StoreID, sku: SKUCode, priceMinor: Int, quantity: Int, perCustomer: Int, startsAt: Date, endsAt: Date, sold: Int = 0) {
        self.id = id; self.store = store; self.sku = sku; self.priceMinor = priceMinor; self.quantity = quantity
        self.perCustomer = perCustomer; self.startsAt = startsAt; self.endsAt = endsAt; self.sold = sold
    }

    public var remaining: Int { max(0, quantity - sold) }
    public func isOn(at date: Date) -> Bool { startsAt <= date && date < endsAt }

    public func validate() throws(DomainError) {
        guard (0...10_000_000).contains(priceMinor) else { throw DomainError(.unprocessable, field: "price_minor", "0 to 10000000") }
        guard (1...1_000_000).contains(quantity) else { throw DomainError(.unprocessable, field: "quantity", "1 to 1000000") }
        guard (1...1_000).contains(perCustomer) else { throw DomainError(.unprocessable, field: "per_customer", "1 to 1000") }
        guard startsAt < endsAt else { throw DomainError(.unprocessable, field: "ends_at", "ends_at comes after starts_at") }
    }
}

/// A time-limited price cut on a SKU, at one store or at all of them. Unlimited in quantity;
/// units at a cut price are promoted, like flash-sale units.
public struct PriceCut: Hashable, Sendable {
    public var id: Int64
    public var name: String
    /// nil: every store.
    public var store: StoreID?
    public var sku: SKUCode
    public var priceMinor: Int
    public var startsAt: Date
    public var endsAt: Date

    public init(id: Int64, name: String, store: StoreID?, sku: SKUCode, priceMinor: Int, startsAt: Date, endsAt: Date) {
        self.id = id; self.name = name; self.store = store; self.sku = sku; self.priceMinor = priceMinor; self.startsAt = startsAt; self.endsAt = endsAt
    }

    public func isOn(at date: Date) -> Bool { startsAt <= date && date < endsAt }

    public func validate() throws(DomainError) {
        guard (1...100).contains(name.count) else { throw DomainError(.unprocessable, field: "name", "a name of 1 to 100 characters") }
        guard (0...10_000_000).contains(priceMinor) else { throw DomainError(.unprocessable, field: "price_minor", "0 to 10000000") }
        guard startsAt < endsAt else { throw DomainError(.unprocessable, field: "ends_at", "ends_at comes after starts_at") }
    }
}

/// A group buy (拼团): a price on a SKU at a store for customers who buy together. A customer
/// opens a group or joins an open one; the group forms when `groupSize` members have paid
/// within `windowMinutes` of its opening, else every member's order is cancelled or refunded.
/// Until it forms, the store may not accept its orders.
public struct GroupBuy: Hashable, Sendable {
    public var id: Int64
    public var store: StoreID
    public var sku: SKUCode
    public var priceMinor: Int
    public var groupSize: Int
    public var windowMinutes: Int
    public var startsAt: Date
    public var endsAt: Date

    public init(id: Int64, store: StoreID, sku: SKUCode, priceMinor: Int, groupSize: Int, windowMinutes: Int, startsAt: Date, endsAt: Date) {
        self.id = id; self.store = store; self.sku = sku; self.priceMinor = priceMinor; self.groupSize = groupSize
        self.windowMinutes = windowMinutes; self.startsAt = startsAt; self.endsAt = endsAt
    }

    public func isOn(at date: Date) -> Bool { startsAt <= date && date < endsAt }

    public func validate() throws(DomainError) {
        guard (0...10_000_000).contains(priceMinor) else { throw DomainError(.unprocessable, field: "price_minor", "0 to 10000000") }
        guard (2...100).contains(groupSize) else { throw DomainError(.unprocessable, field: "group_size", "2 to 100 customers") }
        guard (1...10_080).contains(windowMinutes) else { throw DomainError(.unprocessable, field: "window_minutes", "1 to 10080 minutes") }
        guard startsAt < endsAt else { throw DomainError(.unprocessable, field: "ends_at", "ends_at comes after starts_at") }
    }
}

/// One group of a group buy.
public struct BuyingGroup: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable { case open, formed, failed }
    public var id: Int64
    public var buy: Int64
    public var openedAt: Date
    public var deadline: Date
    public var status: Status
    /// Members with an order that stands, and those of them who have paid.
    public var members: Int
    public var paid: Int
    public init(id: Int64, buy: Int64, openedAt: Date, deadline: Date, status: Status, members: Int, paid: Int) {
        self.id = id; self.buy = buy; self.openedAt = openedAt; self.deadline = deadline; self.status = status; self.members = members; self.paid = paid
    }
}
