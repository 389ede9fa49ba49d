import Commerce
import Foundation
import Kernel
import Marketing
import Stores
import Testing

/// Each stacking rule of `DiscountRules`, on hand-worked carts: amounts exact in cents.
@Suite("Discount rules")
struct DiscountRulesTests {
    static let now = Date(timeIntervalSince1970: 1_767_603_600)
    static let member = MembershipPolicy.standard.levels[0], gold = MembershipPolicy.standard.levels[2]
    static let milk = DiscountInput.Line(sku: "DAIRY-001", quantity: 4, unitMinor: 129, categories: ["dairy", "fresh"])
    static let bread = DiscountInput.Line(sku: "BAKERY-005", quantity: 2, unitMinor: 250, categories: ["bakery", "fresh"])
    static let wine = DiscountInput.Line(sku: "WINE-004", quantity: 1, unitMinor: 1_899, categories: ["wine"])

    static func coupon(_ id: Int64, _ kind: CouponKind, _ scope: CouponScope = .all, until: TimeInterval = 86_400, from: TimeInterval = -86_400) -> CustomerCoupon {
        CustomerCoupon(id: id, campaign: CouponCampaign(id: id, name: "c\(id)", kind: kind, scope: scope, validFrom: now.addingTimeInterval(from),
                                                        validUntil: now.addingTimeInterval(until), totalLimit: nil, perCustomerLimit: 1, issuance: .campaign),
                       status: .available, issuedAt: now, order: nil)
    }

    static func input(_ lines: [DiscountInput.Line], fee: Int = 199, level: MembershipLevel = member, coupons: [CustomerCoupon] = [],
                      chosen: Int64? = nil, sales: [FlashSale] = [], held: [Int64: Int] = [:], cuts: [PriceCut] = [], balance: Int = 0,
                      wanted: Int = 0) -> DiscountInput {
        DiscountInput(currency: "EUR", store: StoreID(1), lines: lines, deliveryFeeMinor: fee, now: now, policy: .standard, level: level,
                      coupons: coupons, chosenCoupon: chosen, flashSales: Dictionary(uniqueKeysWithValues: sales.map { ($0.sku, $0) }),
                      flashHeld: held, priceCuts: Dictionary(uniqueKeysWithValues: cuts.map { ($0.sku, $0) }), pointsBalance: balance, pointsWanted: wanted)
    }

    func amounts(_ r: (applied: [CartQuote.Discount], refused: [String])) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: r.applied.map { ($0.code, $0.amount.minor) })
    }

    @Test("no level rate, no coupons, no points: nothing applies")
    func nothing() {
        let r = DiscountRules.apply(Self.input([Self.milk, Self.bread]))
        #expect(r.applied.isEmpty && r.refused.isEmpty)
    }

    @Test("the level's rate on each line, rounded down per line; free delivery from the level's threshold")
    func level() {
        // Gold: 5 % off; milk 516 → 25 (25.8), bread 500 → 25, wine 1899 → 94 (94.95); items after 1771 + … ≥ 30.00? no.
        let r = DiscountRules.apply(Self.input([Self.milk, Self.bread, Self.wine], level: Self.gold))
        #expect(amounts(r) == ["member:gold": 25 + 25 + 94])
        // Over 30.00 after the rate: delivery is free.
        let big = DiscountInput.Line(sku: "WINE-004", quantity: 2, unitMinor: 1_899, categories: ["wine"])
        let r2 = DiscountRules.apply(Self.input([big], level: Self.gold))
        #expect(amounts(r2) == ["member:gold": 189, "member-delivery:gold": 199])
    }

    @Test("fixed never exceeds what is in scope; percent stops at its cap; threshold needs its minimum in scope")
    func couponKinds() {
        let fixed = DiscountRules.apply(Self.input([Self.milk], coupons: [Self.coupon(1, .fixed(amountMinor: 1_000))]))
        #expect(amounts(fixed) == ["coupon:1": 516])
        let percent = DiscountRules.apply(Self.input([Self.milk, Self.wine], coupons: [Self.coupon(2, .percent(basisPoints: 2_000, capMinor: 300))]))
        #expect(amounts(percent) == ["coupon:2": 300], "20 % of 24.15 is 4.83, capped at 3.00")
        let tiny = DiscountInput.Line(sku: "DAIRY-002", quantity: 1, unitMinor: 19, categories: ["dairy"])
        let nothing = DiscountRules.apply(Self.input([tiny], coupons: [Self.coupon(4, .percent(basisPoints: 500, capMinor: 300))]))
        #expect(nothing.applied.isEmpty && nothing.refused.first?.contains("worth nothing on this cart") == true, "a coupon worth 0 is not used up")
        let under = DiscountRules.apply(Self.input([Self.milk], coupons: [Self.coupon(3, .threshold(minimumMinor: 2_000, offMinor: 500), .category("dairy"))]))
        #expect(under.applied.isEmpty)
        #expect(under.refused == ["coupon 3 (c3): spend 14.84 EUR more on category dairy to reach 20.00 EUR"])
        let lots = DiscountInput.Line(sku: "DAIRY-001", quantity: 16, unitMinor: 129, categories: ["dairy"])
        let over = DiscountRules.apply(Self.input([lots, Self.wine], coupons: [Self.coupon(3, .threshold(minimumMinor: 2_000, offMinor: 500), .category("dairy"))]))
        #expect(amounts(over) == ["coupon:3": 500])
    }

    @Test("scope: a category, a SKU, another store's coupon counts nothing")
    func scope() {
        let cart = [Self.milk, Self.bread, Self.wine]
        #expect(amounts(DiscountRules.apply(Self.input(cart, coupons: [Self.coupon(1, .percent(basisPoints: 1_000, capMinor: 10_000), .category("fresh"))])))
                == ["coupon:1": 101], "10 % of milk and bread, 10.16")
        #expect(amounts(DiscountRules.apply(Self.input(cart, coupons: [Self.coupon(1, .fixed(amountMinor: 300), .sku("WINE-004"))]))) == ["coupon:1": 300])
        let other = DiscountRules.apply(Self.input(cart, coupons: [Self.coupon(1, .fixed(amountMinor: 300), .store(StoreID(9)))]))
        #expect(other.applied.isEmpty && other.refused.first?.contains("nothing in the cart is in its scope (store 9)") == true)
    }

    @Test("one item coupon: the best unless one is picked, every other refused with why; lapsed and future ones refused")
    func oneCoupon() {
        let coupons = [Self.coupon(1, .fixed(amountMinor: 200)), Self.coupon(2, .fixed(amountMinor: 500)),
                       Self.coupon(3, .fixed(amountMinor: 900), until: -60), Self.coupon(4, .fixed(amountMinor: 900), from: 3_600)]
        let best = DiscountRules.apply(Self.input([Self.wine], coupons: coupons))
        #expect(amounts(best) == ["coupon:2": 500])
        #expect(best.refused.contains("coupon 1 (c1): coupon 2 takes off more; one item coupon per order"))
        #expect(best.refused.contains { $0.hasPrefix("coupon 3 (c3): lapsed on") })
        #expect(best.refused.contains { $0.hasPrefix("coupon 4 (c4): not valid before") })
        let picked = DiscountRules.apply(Self.input([Self.wine], coupons: coupons, chosen: 1))
        #expect(amounts(picked) == ["coupon:1": 200])
        #expect(picked.refused.contains("coupon 2 (c2): you picked coupon 1; one item coupon per order"))
    }

    @Test("free-delivery coupons: one takes the fee, not on pickup, not when the level already makes it free")
    func freeDelivery() {
        let coupons = [Self.coupon(5, .freeDelivery, until: 7_200), Self.coupon(6, .freeDelivery, until: 3_600)]
        let r = DiscountRules.apply(Self.input([Self.milk], coupons: coupons + [Self.coupon(7, .fixed(amountMinor: 100))]))
        #expect(amounts(r) == ["coupon:7": 100, "coupon:6": 199], "an item coupon and a delivery coupon stack; the one lapsing first is used")
        #expect(r.refused == ["coupon 5 (c5): coupon 6 takes the delivery fee off already"])
        let dairyOnly = DiscountRules.apply(Self.input([Self.wine], coupons: [Self.coupon(9, .freeDelivery, .category("dairy"))]))
        #expect(dairyOnly.applied.isEmpty && dairyOnly.refused == ["coupon 9 (c9): nothing in the cart is in its scope (category dairy)"])
        let pickup = DiscountRules.apply(Self.input([Self.milk], fee: 0, coupons: [coupons[0]]))
        #expect(pickup.applied.isEmpty && pickup.refused == ["coupon 5 (c5): there is no delivery fee to take off"])
        let big = DiscountInput.Line(sku: "WINE-004", quantity: 2, unitMinor: 1_899, categories: ["wine"])
        let gold = DiscountRules.apply(Self.input([big], level: Self.gold, coupons: [coupons[0]]))
        #expect(gold.refused == ["coupon 5 (c5): delivery is free already"])
    }

    @Test("flash sales: units up to what is left and the customer's limit at the sale price, the rest at the store's; no other item discount on them")
    func flash() {
        let sale = FlashSale(id: 8, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, quantity: 100, perCustomer: 3,
                             startsAt: Self.now.addingTimeInterval(-60), endsAt: Self.now.addingTimeInterval(3_600), sold: 98)
        let r = DiscountRules.apply(Self.input([Self.milk, Self.bread], level: Self.gold, sales: [sale], held: [:]))
        // Two left: 2 × (129 − 49) = 160; gold's 5 % on the two milk at full price (258 → 12) and the bread (500 → 25).
        #expect(amounts(r) == ["flash:8": 160, "member:gold": 37])
        #expect(r.applied.first { $0.code == "flash:8" }?.claim == .flashSale(id: 8, quantity: 2))
        let limited = DiscountRules.apply(Self.input([Self.milk], sales: [FlashSale(id: 8, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, quantity: 100,
                                                                                   perCustomer: 3, startsAt: sale.startsAt, endsAt: sale.endsAt)], held: [8: 3]))
        #expect(limited.applied.isEmpty && limited.refused == ["flash sale 8 on DAIRY-001: your limit of 3 is reached"])
        var soldOut = sale
        soldOut.sold = 100
        #expect(DiscountRules.apply(Self.input([Self.milk], sales: [soldOut])).refused == ["flash sale 8 on DAIRY-001: sold out"])
        // A coupon counts only the units off promotion.
        let withCoupon = DiscountRules.apply(Self.input([Self.milk], coupons: [Self.coupon(1, .fixed(amountMinor: 1_000))], sales: [sale]))
        #expect(amounts(withCoupon) == ["flash:8": 160, "coupon:1": 258])
    }

    @Test("price cuts: the units a flash sale leaves at the cut price, promoted; another store's cut and a lapsed one do nothing")
    func priceCuts() {
        let window = (Self.now.addingTimeInterval(-60), Self.now.addingTimeInterval(3_600))
        let cut = PriceCut(id: 4, name: "milk week", store: nil, sku: "DAIRY-001", priceMinor: 99, startsAt: window.0, endsAt: window.1)
        let sale = FlashSale(id: 8, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, quantity: 100, perCustomer: 1, startsAt: window.0, endsAt: window.1)
        let r = DiscountRules.apply(Self.input([Self.milk, Self.bread], level: Self.gold, sales: [sale], cuts: [cut]))
        // One milk at 0.49 (80 off), three at 0.99 (3 × 30 off); gold's 5 % on the bread alone (25).
        #expect(amounts(r) == ["flash:8": 80, "cut:4": 90, "member:gold": 25])
        var elsewhere = cut
        elsewhere.store = StoreID(2)
        #expect(DiscountRules.apply(Self.input([Self.milk], cuts: [elsewhere])).applied.isEmpty)
        var lapsed = cut
        lapsed.endsAt = Self.now
        #expect(DiscountRules.apply(Self.input([Self.milk], cuts: [lapsed])).applied.isEmpty)
    }

    @Test("points last: at most the share of what is left, the balance and what was asked; the total never below zero")
    func points() {
        // Milk 516 + fee 199 = 715; half is 357 points at a cent each.
        let r = DiscountRules.apply(Self.input([Self.milk], balance: 1_000, wanted: 600))
        #expect(amounts(r) == ["points": 357])
        #expect(r.applied.last?.claim == .points(357))
        #expect(r.refused == ["points: at most 357 here (50 % of what is left to pay)"])
        let short = DiscountRules.apply(Self.input([Self.milk], balance: 100, wanted: 300))
        #expect(amounts(short) == ["points": 100] && short.refused == ["points: 300 asked, 100 held"])
        let all = DiscountRules.apply(Self.input([Self.milk], coupons: [Self.coupon(1, .fixed(amountMinor: 516)), Self.coupon(2, .freeDelivery)],
                                                 balance: 500, wanted: 500))
        #expect(amounts(all) == ["coupon:1": 516, "coupon:2": 199], "nothing left to pay: no points spent")
    }
}
