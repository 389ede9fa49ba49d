import Accounts
import Foundation
import Kernel

/// What a customer picked for the cart's discounts.
public struct CartChoices: Hashable, Sendable {
    public var coupon: Int64?
    public var points: Int
    /// A group buy to take part in, and the group to join (nil: open a new one).
    public var groupBuy: Int64?
    public var group: Int64?
    public init(coupon: Int64? = nil, points: Int = 0, groupBuy: Int64? = nil, group: Int64? = nil) {
        self.coupon = coupon; self.points = points; self.groupBuy = groupBuy; self.group = group
    }
}

/// A line of a customer's points ledger. The ledger is append-only: its sum is the points held
/// (less any lapsed but not yet swept), and it never goes below zero.
public struct PointsEntry: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Earned by a completed order.
        case earn
        /// Paid at checkout.
        case spend
        /// Given back with a cancelled, refunded or expired order.
        case refund
        /// Lapsed unused.
        case expire
    }
    public var id: Int64
    public var kind: Kind
    public var points: Int
    public var order: Int64?
    public var at: Date
    public var note: String
    public init(id: Int64, kind: Kind, points: Int, order: Int64?, at: Date, note: String) {
        self.id = id; self.kind = kind; self.points = points; self.order = order; self.at = at; self.note = note
    }
}

/// A membership level change, with why.
public struct LevelChange: Hashable, Sendable {
    public var from: String?
    public var to: String
    public var spendMinor: Int
    public var reason: String
    public var at: Date
    public init(from: String?, to: String, spendMinor: Int, reason: String, at: Date) {
        self.from = from; self.to = to; self.spendMinor = spendMinor; self.reason = reason; self.at = at
    }
}

/// A customer's standing: level, the spend that gives it, and points.
public struct MembershipStatus: Hashable, Sendable {
    public var level: String
    /// Completed orders' totals over the policy's window.
    public var spendMinor: Int
    /// Points that may be spent now.
    public var points: Int
    /// The earliest lapse among the points held, with how many lapse then.
    public var nextLapse: (at: Date, points: Int)?
    public init(level: String, spendMinor: Int, points: Int, nextLapse: (at: Date, points: Int)?) {
        self.level = level; self.spendMinor = spendMinor; self.points = points; self.nextLapse = nextLapse
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.level == b.level && a.spendMinor == b.spendMinor && a.points == b.points && a.nextLapse?.at == b.nextLapse?.at && a.nextLapse?.points == b.nextLapse?.points
    }
    public func hash(into h: inout Hasher) { h.combine(level); h.combine(spendMinor); h.combine(points) }
}

/// Storage of the membership rules, coupons, flash sales, points and levels. Every write is
/// one transaction; limits (a campaign's total and per-customer counts, a flash sale's
/// quantity, a points balance) are checked inside it.
public protocol MarketingRepository: Sendable {
    func policy() async throws -> MembershipPolicy
    func setPolicy(_ policy: MembershipPolicy, at: Date) async throws

    func createCampaign(_ campaign: CouponCampaign, at: Date) async throws -> CouponCampaign
    func campaigns() async throws -> [CouponCampaign]
    func campaign(_ id: Int64) async throws -> CouponCampaign?
    /// Gives one of the campaign's coupons to the customer, within its limits.
    func issue(campaign: Int64, to account: AccountID, reason: String, at: Date) async throws -> CustomerCoupon
    /// The customer claims the coupon of the campaign with this code.
    func claim(code: String, by account: AccountID, at: Date) async throws -> CustomerCoupon
    func wallet(of account: AccountID) async throws -> [CustomerCoupon]

    func createFlashSale(_ sale: FlashSale) async throws -> FlashSale
    /// Flash sales, at one store or all, on at a moment or all.
    func flashSales(store: StoreID?, on: Date?) async throws -> [FlashSale]
    /// Units of each flash sale the customer holds in orders that stand.
    func flashHeld(by account: AccountID) async throws -> [Int64: Int]

    func createPriceCut(_ cut: PriceCut) async throws -> PriceCut
    /// Price cuts at a store (with those for every store) or all, on at a moment or all.
    func priceCuts(store: StoreID?, on: Date?) async throws -> [PriceCut]

    func createGroupBuy(_ buy: GroupBuy) async throws -> GroupBuy
    func groupBuys(store: StoreID?, on: Date?) async throws -> [GroupBuy]
    func groupBuy(_ id: Int64) async throws -> GroupBuy?
    /// A group buy's groups, open ones first.
    func groups(of buy: Int64) async throws -> [BuyingGroup]
    func group(_ id: Int64) async throws -> BuyingGroup?
    /// Open groups past their deadline, with their members' orders.
    func lapsedGroups(at: Date) async throws -> [(group: BuyingGroup, orders: [Int64])]
    func markFailed(group: Int64) async throws

    func choices(of account: AccountID) async throws -> CartChoices
    func setChoices(_ choices: CartChoices, of account: AccountID) async throws

    func membership(of account: AccountID, at: Date) async throws -> MembershipStatus
    func ledger(of account: AccountID, limit: Int) async throws -> [PointsEntry]
    func levelChanges(of account: AccountID, limit: Int) async throws -> [LevelChange]
    /// Lapses the points past their lifetime; the number of customers touched.
    func expirePoints(at: Date) async throws -> Int
    /// Moves customers whose spend has rolled out of (or into) the window to their level now.
    func reviewLevels(at: Date) async throws -> Int
}
