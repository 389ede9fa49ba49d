import Accounts
import Commerce
import Foundation
import Kernel

/// The cart's discounts from membership, coupons, flash sales and points: the customer's
/// standing and choices read from storage, then `DiscountRules` decides.
public struct MarketingDiscounts: DiscountPolicy {
    let repository: any MarketingRepository
    /// Each SKU's catalog category and those above it (slugs).
    let categories: @Sendable ([SKUCode]) async throws -> [SKUCode: Set<String>]
    let now: @Sendable () -> Date

    public init(repository: any MarketingRepository, categories: @escaping @Sendable ([SKUCode]) async throws -> [SKUCode: Set<String>],
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.categories = categories; self.now = now
    }

    public func discounts(for quote: CartQuote, customer: Principal) async throws -> (applied: [CartQuote.Discount], refused: [String]) {
        guard !quote.lines.isEmpty else { return ([], []) }
        let at = now()
        let policy = try await repository.policy()
        let standing = try await repository.membership(of: customer.account, at: at)
        let choices = try await repository.choices(of: customer.account)
        let slugs = try await categories(quote.lines.map(\.sku))
        let lines = quote.lines.map { l in
            DiscountInput.Line(sku: l.sku, quantity: l.quantity, unitMinor: l.unitPrice.minor, categories: slugs[l.sku] ?? [])
        }
        var sales: [SKUCode: FlashSale] = [:], cuts: [SKUCode: PriceCut] = [:]
        if let store = quote.store?.id {
            for s in try await repository.flashSales(store: store, on: at) where sales[s.sku] == nil { sales[s.sku] = s }
            // The lowest cut on now for each SKU, this store's or every store's.
            for c in try await repository.priceCuts(store: store, on: at) where cuts[c.sku].map({ c.priceMinor < $0.priceMinor }) ?? true { cuts[c.sku] = c }
        }
        let input = DiscountInput(currency: quote.subtotal.currency, store: quote.store?.id, lines: lines, deliveryFeeMinor: quote.deliveryFee.minor,
                                  now: at, policy: policy, level: policy.level(named: standing.level) ?? policy.levels[0],
                                  coupons: try await repository.wallet(of: customer.account), chosenCoupon: choices.coupon,
                                  flashSales: sales, flashHeld: sales.isEmpty ? [:] : try await repository.flashHeld(by: customer.account), priceCuts: cuts,
                                  groupBuy: try await choices.groupBuy.asyncMap { try await repository.groupBuy($0) } ?? nil,
                                  group: try await choices.group.asyncMap { try await repository.group($0) } ?? nil,
                                  pointsBalance: standing.points, pointsWanted: choices.points)
        return DiscountRules.apply(input)
    }
}

/// Membership, coupons and flash sales for the HTTP API and the command line.
public struct MarketingService: Sendable {
    public let repository: any MarketingRepository
    /// The service's clock: what "now" is for validity windows and for lists of what is on.
    public let now: @Sendable () -> Date

    public init(repository: any MarketingRepository, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.now = now
    }

    public func setPolicy(_ policy: MembershipPolicy, by caller: Principal) async throws -> MembershipPolicy {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin may change the membership rules") }
        try policy.validate()
        try await repository.setPolicy(policy, at: now())
        return policy
    }

    public func createCampaign(_ campaign: CouponCampaign, by caller: Principal) async throws -> CouponCampaign {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin may create coupon campaigns") }
        try campaign.validate()
        if case .onLevel(let level) = campaign.issuance, try await repository.policy().level(named: level) == nil {
            throw DomainError(.unprocessable, field: "on_level", "no membership level \"\(level)\"")
        }
        return try await repository.createCampaign(campaign, at: now())
    }

    /// Gives the campaign's coupon to each customer; each refusal (a limit reached, not a
    /// customer) is reported by account, and the others are given.
    public func issue(campaign id: Int64, to accounts: [AccountID], by caller: Principal) async throws
        -> (issued: [CustomerCoupon], refused: [(AccountID, String)]) {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin may issue coupons") }
        guard let campaign = try await repository.campaign(id) else { throw DomainError(.notFound, field: "id", "no campaign \(id)") }
        guard campaign.issuance == .campaign else {
            throw DomainError(.conflict, field: "id", "campaign \(id) is given out \(campaign.issuance.name), not by an admin")
        }
        var issued: [CustomerCoupon] = [], refused: [(AccountID, String)] = []
        for account in accounts {
            do {
                issued.append(try await repository.issue(campaign: id, to: account, reason: "issued by account \(caller.account)", at: now()))
            } catch let e as DomainError {
                refused.append((account, e.message))
            }
        }
        return (issued, refused)
    }

    public func claim(code: String, by caller: Principal) async throws -> CustomerCoupon {
        try await repository.claim(code: code, by: caller.account, at: now())
    }

    public func createFlashSale(_ sale: FlashSale, by caller: Principal) async throws -> FlashSale {
        guard caller.mayRun(store: sale.store) else { throw DomainError(.forbidden, "only the store's staff or an admin may put on its flash sales") }
        try sale.validate()
        return try await repository.createFlashSale(sale)
    }

    /// A price cut at one store (its staff or an admin) or at every store (an admin).
    public func createPriceCut(_ cut: PriceCut, by caller: Principal) async throws -> PriceCut {
        if let store = cut.store {
            guard caller.mayRun(store: store) else { throw DomainError(.forbidden, "only the store's staff or an admin may cut its prices") }
        } else {
            guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin may cut prices at every store") }
        }
        try cut.validate()
        return try await repository.createPriceCut(cut)
    }

    public func createGroupBuy(_ buy: GroupBuy, by caller: Principal) async throws -> GroupBuy {
        guard caller.mayRun(store: buy.store) else { throw DomainError(.forbidden, "only the store's staff or an admin may put on its group buys") }
        try buy.validate()
        return try await repository.createGroupBuy(buy)
    }

    /// Groups past their deadline without enough paid members: each member's order is dropped
    /// (`drop` cancels or refunds it, and gives the money back), then the group is failed.
    public func failLapsedGroups(drop: @Sendable (Int64, String) async throws -> Void) async throws -> Int {
        let lapsed = try await repository.lapsedGroups(at: now())
        for (group, orders) in lapsed {
            for order in orders {
                try await drop(order, "group \(group.id) did not form: \(group.paid) of the members paid by \(ISO8601DateFormatter().string(from: group.deadline))")
            }
            try await repository.markFailed(group: group.id)
        }
        return lapsed.count
    }

    /// The cart's coupon and points; points beyond the balance are refused here.
    public func choose(_ choices: CartChoices, by caller: Principal) async throws -> CartChoices {
        guard choices.points >= 0, choices.points <= 100_000_000 else { throw DomainError(.unprocessable, field: "points", "0 to 100000000 points") }
        let standing = try await repository.membership(of: caller.account, at: now())
        guard choices.points <= standing.points else {
            throw DomainError(.conflict, field: "points", "\(choices.points) points asked; \(standing.points) held")
        }
        if let coupon = choices.coupon {
            guard let c = try await repository.wallet(of: caller.account).first(where: { $0.id == coupon }) else {
                throw DomainError(.notFound, field: "coupon_id", "no coupon \(coupon) in your wallet")
            }
            guard c.status == .available else { throw DomainError(.conflict, field: "coupon_id", "coupon \(coupon) is used") }
            guard c.campaign.validUntil > now() else { throw DomainError(.gone, field: "coupon_id", "coupon \(coupon) has lapsed") }
        }
        if let id = choices.groupBuy {
            guard let buy = try await repository.groupBuy(id) else { throw DomainError(.notFound, field: "group_buy_id", "no group buy \(id)") }
            guard buy.isOn(at: now()) else { throw DomainError(.gone, field: "group_buy_id", "group buy \(id) is not on now") }
            if let g = choices.group {
                guard let group = try await repository.group(g), group.buy == id else {
                    throw DomainError(.notFound, field: "group_id", "group buy \(id) has no group \(g)")
                }
                guard group.status == .open, group.deadline > now() else { throw DomainError(.gone, field: "group_id", "group \(g) is closed") }
                guard group.members < buy.groupSize else { throw DomainError(.conflict, field: "group_id", "group \(g) is full") }
            }
        } else if choices.group != nil {
            throw DomainError(.unprocessable, field: "group_buy_id", "a group_id needs its group_buy_id")
        }
        try await repository.setChoices(choices, of: caller.account)
        return choices
    }
}

extension CouponCampaign.Issuance {
    public var name: String {
        switch self {
        case .campaign: "campaign"
        case .code: "code"
        case .onLevel: "on_level"
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let w): try await transform(w)
        case .none: nil
        }
    }
}
