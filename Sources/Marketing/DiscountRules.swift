import Commerce
import Foundation
import Kernel

/// Everything the discount rules look at for one cart.
public struct DiscountInput: Sendable {
    public struct Line: Sendable {
        public var sku: SKUCode
        public var quantity: Int
        public var unitMinor: Int
        /// The SKU's catalog category and those above it (slugs).
        public var categories: Set<String>
        public init(sku: SKUCode, quantity: Int, unitMinor: Int, categories: Set<String>) {
            self.sku = sku; self.quantity = quantity; self.unitMinor = unitMinor; self.categories = categories
        }
    }

    public var currency: String
    public var store: StoreID?
    public var lines: [Line]
    public var deliveryFeeMinor: Int
    public var now: Date
    public var policy: MembershipPolicy
    public var level: MembershipLevel
    /// The customer's coupons not yet used.
    public var coupons: [CustomerCoupon]
    /// The coupon the customer picked; nil lets the rules pick the best.
    public var chosenCoupon: Int64?
    /// Flash sales on now at the store, by SKU.
    public var flashSales: [SKUCode: FlashSale]
    /// Units of each flash sale this customer holds in orders that stand.
    public var flashHeld: [Int64: Int]
    /// Price cuts on now at the store (or at every store), by SKU.
    public var priceCuts: [SKUCode: PriceCut]
    /// The group buy the customer takes part in, and the group they join (nil: a new one).
    public var groupBuy: GroupBuy?
    public var group: BuyingGroup?
    public var pointsBalance: Int
    public var pointsWanted: Int

    public init(currency: String, store: StoreID?, lines: [Line], deliveryFeeMinor: Int, now: Date, policy: MembershipPolicy,
                level: MembershipLevel, coupons: [CustomerCoupon] = [], chosenCoupon: Int64? = nil, flashSales: [SKUCode: FlashSale] = [:],
                flashHeld: [Int64: Int] = [:], priceCuts: [SKUCode: PriceCut] = [:], groupBuy: GroupBuy? = nil, group: BuyingGroup? = nil,
                pointsBalance: Int = 0, pointsWanted: Int = 0) {
        self.currency = currency; self.store = store; self.lines = lines; self.deliveryFeeMinor = deliveryFeeMinor; self.now = now
        self.policy = policy; self.level = level; self.coupons = coupons; self.chosenCoupon = chosenCoupon; self.flashSales = flashSales
        self.flashHeld = flashHeld; self.priceCuts = priceCuts; self.groupBuy = groupBuy; self.group = group
        self.pointsBalance = pointsBalance; self.pointsWanted = pointsWanted
    }
}

/// Which discounts apply to a cart and why the others do not. The stacking rules, all here:
///
/// 1. **Flash sales** first: units of a SKU on flash sale at the store are priced at the sale's
///    price, as many as the sale has left and the customer's limit allows; the other units at the
///    **group buy**'s price when the customer takes part in one for the SKU, else at a **price
///    cut**'s when one is on, else at the store's price. Units at a flash, group or cut price
///    are *promoted* and take no other item discount.
/// 2. **The member's level** takes its rate off every item that is not promoted.
/// 3. **One item coupon** (fixed, percentage with a cap, or threshold): the one the customer
///    picked, else the one worth most (then the one lapsing first, then the oldest). It counts
///    the items in its scope that are not promoted, after the member's rate. A coupon for
///    another store counts nothing.
/// 4. **Delivery**: free when the level's threshold is met by the items after the discounts
///    above; else one free-delivery coupon (picked, or the one lapsing first). Both need a fee.
/// 5. **Points** last, on what is left to pay: at most the policy's share of it, the balance and
///    what the customer asked for; whole points only.
///
/// The total never falls below zero. Every coupon in the wallet that did not apply is listed
/// with its reason, and so is a flash sale the customer cannot have.
public enum DiscountRules {
    public static func apply(_ input: DiscountInput) -> (applied: [CartQuote.Discount], refused: [String]) {
        let currency = input.currency
        func money(_ minor: Int) -> Money { Money(minor: minor, currency: currency) }
        var applied: [CartQuote.Discount] = [], refused: [String] = []

        // 1. Flash sales.
        var promotedUnits = [Int](repeating: 0, count: input.lines.count)
        for (i, line) in input.lines.enumerated() {
            guard let sale = input.flashSales[line.sku], sale.isOn(at: input.now), input.store == sale.store else { continue }
            let allowance = max(0, sale.perCustomer - (input.flashHeld[sale.id] ?? 0))
            let units = min(line.quantity, sale.remaining, allowance)
            guard units > 0 else {
                refused.append(sale.remaining == 0 ? "flash sale \(sale.id) on \(line.sku): sold out"
                               : "flash sale \(sale.id) on \(line.sku): your limit of \(sale.perCustomer) is reached")
                continue
            }
            guard sale.priceMinor < line.unitMinor else { continue }
            promotedUnits[i] = units
            let note = units < line.quantity ? " (\(units) of \(line.quantity); the rest at the store's price)" : ""
            applied.append(.init(code: "flash:\(sale.id)", description: "flash sale on \(line.sku): \(units) at \(money(sale.priceMinor))\(note)",
                                 amount: money((line.unitMinor - sale.priceMinor) * units), claim: .flashSale(id: sale.id, quantity: units)))
        }

        // 1b. The group buy the customer takes part in, on the units the flash sale left.
        if let buy = input.groupBuy {
            let i = input.lines.firstIndex { $0.sku == buy.sku }
            let refusal: String? = if !buy.isOn(at: input.now) { "it is not on now" }
                else if input.store != buy.store { "it is at store \(buy.store); the cart is from \(input.store.map { "store \($0)" } ?? "no store yet")" }
                else if i == nil { "add \(buy.sku) to the cart" }
                else if let g = input.group, g.buy != buy.id { "group \(g.id) is not one of its groups" }
                else if let g = input.group, g.status != .open || g.deadline <= input.now { "group \(g.id) is \(g.status == .open ? "past its deadline" : g.status.rawValue)" }
                else if let g = input.group, g.members >= buy.groupSize { "group \(g.id) is full" }
                else { nil }
            if let refusal {
                refused.append("group buy \(buy.id) on \(buy.sku): \(refusal)")
            } else if let i, buy.priceMinor < input.lines[i].unitMinor, input.lines[i].quantity > promotedUnits[i] {
                let units = input.lines[i].quantity - promotedUnits[i]
                promotedUnits[i] += units
                let how = input.group.map { "joining group \($0.id) (\($0.members) of \(buy.groupSize))" } ?? "opening a group of \(buy.groupSize)"
                applied.append(.init(code: "group:\(buy.id)", description: "group buy on \(buy.sku): \(units) at \(money(buy.priceMinor)), \(how), within \(buy.windowMinutes) minutes or refunded",
                                     amount: money((input.lines[i].unitMinor - buy.priceMinor) * units), claim: .groupBuy(id: buy.id, group: input.group?.id)))
            }
        }

        // 1c. Price cuts on the units left.
        for (i, line) in input.lines.enumerated() {
            guard let cut = input.priceCuts[line.sku], cut.isOn(at: input.now), cut.store == nil || cut.store == input.store,
                  cut.priceMinor < line.unitMinor else { continue }
            let units = line.quantity - promotedUnits[i]
            guard units > 0 else { continue }
            promotedUnits[i] += units
            applied.append(.init(code: "cut:\(cut.id)", description: "\(cut.name): \(line.sku) at \(money(cut.priceMinor)) until \(iso(cut.endsAt))",
                                 amount: money((line.unitMinor - cut.priceMinor) * units)))
        }

        // 2. The member's level, line by line on what is not promoted.
        var net = input.lines.enumerated().map { i, line in line.unitMinor * (line.quantity - promotedUnits[i]) }
        let rate = input.level.discountBasisPoints
        if rate > 0 {
            var off = 0
            for i in net.indices {
                let cut = net[i] * rate / 10_000
                net[i] -= cut; off += cut
            }
            if off > 0 {
                applied.append(.init(code: "member:\(input.level.name)", description: "\(input.level.name) members: \(Double(rate) / 100) % off items not on promotion",
                                     amount: money(off)))
            }
        }

        // 3. One item coupon.
        let valid = input.coupons.filter { $0.status == .available }
        func base(_ scope: CouponScope) -> Int {
            switch scope {
            case .all: net.reduce(0, +)
            case .store(let s): input.store == s ? net.reduce(0, +) : 0
            case .sku(let code): zip(input.lines, net).filter { $0.0.sku == code }.reduce(0) { $0 + $1.1 }
            case .category(let slug): zip(input.lines, net).filter { $0.0.categories.contains(slug) }.reduce(0) { $0 + $1.1 }
            }
        }
        /// Whether any line of the cart is in the scope (promoted or not): what a free-delivery coupon needs.
        func inScope(_ scope: CouponScope) -> Bool {
            switch scope {
            case .all, .store: true
            case .sku(let code): input.lines.contains { $0.sku == code }
            case .category(let slug): input.lines.contains { $0.categories.contains(slug) }
            }
        }
        /// What a coupon is worth here, or why it is worth nothing.
        func worth(_ c: CustomerCoupon) -> Result<Int, Refusal> {
            let campaign = c.campaign
            guard campaign.validFrom <= input.now else { return .failure(.init("not valid before \(iso(campaign.validFrom))")) }
            guard input.now < campaign.validUntil else { return .failure(.init("lapsed on \(iso(campaign.validUntil))")) }
            if case .freeDelivery = campaign.kind { return .success(0) }
            let b = base(campaign.scope)
            guard b > 0 else { return .failure(.init("nothing in the cart is in its scope (\(describe(campaign.scope))) and off promotion")) }
            switch campaign.kind {
            case .fixed(let amount): return .success(min(amount, b))
            case .percent(let bp, let cap):
                let w = min(b * bp / 10_000, cap)
                guard w > 0 else { return .failure(.init("worth nothing on this cart (\(Double(bp) / 100) % of \(money(b)))")) }
                return .success(w)
            case .threshold(let minimum, let off):
                guard b >= minimum else { return .failure(.init("spend \(money(minimum - b)) more on \(describe(campaign.scope)) to reach \(money(minimum))")) }
                return .success(off)
            case .freeDelivery: return .success(0)
            }
        }
        let itemCoupons = valid.filter { if case .freeDelivery = $0.campaign.kind { false } else { true } }
        let deliveryCoupons = valid.filter { if case .freeDelivery = $0.campaign.kind { true } else { false } }
        let chosen = input.chosenCoupon.flatMap { id in valid.first { $0.id == id } }
        var itemCandidates: [(CustomerCoupon, Int)] = []
        for c in itemCoupons {
            switch worth(c) {
            case .success(let w): itemCandidates.append((c, w))
            case .failure(let r): refused.append("coupon \(c.id) (\(c.campaign.name)): \(r.reason)")
            }
        }
        if let chosen, itemCoupons.contains(chosen) {
            if let pick = itemCandidates.first(where: { $0.0.id == chosen.id }) {
                applied.append(couponDiscount(pick.0, amount: money(pick.1)))
            }
            for (c, _) in itemCandidates where c.id != chosen.id { refused.append("coupon \(c.id) (\(c.campaign.name)): you picked coupon \(chosen.id); one item coupon per order") }
        } else if let best = itemCandidates.sorted(by: { a, b in
            (a.1, b.0.campaign.validUntil, b.0.id) > (b.1, a.0.campaign.validUntil, a.0.id)
        }).first {
            applied.append(couponDiscount(best.0, amount: money(best.1)))
            for (c, _) in itemCandidates where c.id != best.0.id { refused.append("coupon \(c.id) (\(c.campaign.name)): coupon \(best.0.id) takes off more; one item coupon per order") }
        }

        // 4. Delivery.
        let itemsTotal = input.lines.reduce(0) { $0 + $1.unitMinor * $1.quantity }
        let itemDiscounts = applied.reduce(0) { $0 + $1.amount.minor }
        let itemsAfter = max(0, itemsTotal - itemDiscounts)
        var deliveryFree = false
        if input.deliveryFeeMinor > 0, let from = input.level.freeDeliveryFromMinor, itemsAfter >= from {
            deliveryFree = true
            applied.append(.init(code: "member-delivery:\(input.level.name)", description: "\(input.level.name) members: free delivery from \(money(from))",
                                 amount: money(input.deliveryFeeMinor)))
        }
        var deliveryValid: [CustomerCoupon] = []
        for c in deliveryCoupons {
            if case .failure(let r) = worth(c) {
                refused.append("coupon \(c.id) (\(c.campaign.name)): \(r.reason)")
            } else if case .store(let s) = c.campaign.scope, input.store != s {
                refused.append("coupon \(c.id) (\(c.campaign.name)): only for orders from store \(s)")
            } else if !inScope(c.campaign.scope) {
                refused.append("coupon \(c.id) (\(c.campaign.name)): nothing in the cart is in its scope (\(describe(c.campaign.scope)))")
            } else {
                deliveryValid.append(c)
            }
        }
        let deliveryPick = chosen.flatMap { c in deliveryValid.contains(c) ? c : nil }
            ?? deliveryValid.sorted { ($0.campaign.validUntil, $0.id) < ($1.campaign.validUntil, $1.id) }.first
        for c in deliveryValid {
            if input.deliveryFeeMinor == 0 {
                refused.append("coupon \(c.id) (\(c.campaign.name)): there is no delivery fee to take off")
            } else if deliveryFree {
                refused.append("coupon \(c.id) (\(c.campaign.name)): delivery is free already")
            } else if c.id == deliveryPick?.id {
                applied.append(couponDiscount(c, amount: money(input.deliveryFeeMinor)))
            } else {
                refused.append("coupon \(c.id) (\(c.campaign.name)): coupon \(deliveryPick?.id ?? 0) takes the delivery fee off already")
            }
        }

        // 5. Points.
        if input.pointsWanted > 0 {
            let left = max(0, itemsTotal + input.deliveryFeeMinor - applied.reduce(0) { $0 + $1.amount.minor })
            let cap = left * input.policy.maximumPointsSharePercent / 100 / input.policy.pointValueMinor
            let points = min(input.pointsWanted, input.pointsBalance, cap)
            if input.pointsWanted > input.pointsBalance {
                refused.append("points: \(input.pointsWanted) asked, \(input.pointsBalance) held")
            }
            if points < min(input.pointsWanted, input.pointsBalance) {
                refused.append("points: at most \(cap) here (\(input.policy.maximumPointsSharePercent) % of what is left to pay)")
            }
            if points > 0 {
                applied.append(.init(code: "points", description: "\(points) points at \(money(input.policy.pointValueMinor)) each",
                                     amount: money(points * input.policy.pointValueMinor), claim: .points(points)))
            }
        }
        return (applied, refused)
    }

    struct Refusal: Error { var reason: String; init(_ reason: String) { self.reason = reason } }

    static func couponDiscount(_ c: CustomerCoupon, amount: Money) -> CartQuote.Discount {
        .init(code: "coupon:\(c.id)", description: "\(c.campaign.name) (\(c.campaign.kind.name), \(describe(c.campaign.scope)))", amount: amount,
              claim: .coupon(id: c.id))
    }

    static func describe(_ scope: CouponScope) -> String {
        switch scope {
        case .all: "everything"
        case .category(let slug): "category \(slug)"
        case .sku(let sku): "SKU \(sku)"
        case .store(let s): "store \(s)"
        }
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
