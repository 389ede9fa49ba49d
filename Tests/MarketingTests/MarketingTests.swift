import Accounts
import Catalog
import Commerce
import Foundation
import GeoCore
import Kernel
import Marketing
import O2OTestSupport
import Orders
import Persistence
import StoreImport
import Stores
import Testing
import TestRandom

/// Membership, points, coupons and flash sales through real checkouts on the demo database.
@Suite("Membership, points, coupons and flash sales at checkout")
struct MarketingTests {
    struct Setup {
        let stores: StoreService
        let accounts: AccountService
        let carts: CartService
        let orders: OrderService
        let marketing: MarketingService
        let clock: TestClock
        let customer: Principal
        let db: SpatiaLiteDatabase
    }

    static let admin = Principal(account: AccountID(0), role: .admin)

    static func setup() async throws -> Setup {
        let (db, stores, accounts, carts, orders, clock) = try await DemoFixture.clockedCommerce()
        let (ana, _) = try await DemoFixture.customer(accounts)
        _ = try await stores.writeStock(of: StoreID(1), [("DAIRY-001", 5_000)], mode: .set)
        return Setup(stores: stores, accounts: accounts, carts: carts, orders: orders, marketing: DemoFixture.marketing(db, now: { clock.now }),
                     clock: clock, customer: ana, db: db)
    }

    /// A pickup cart of milk at store 1.
    static func fill(_ s: Setup, _ who: Principal, quantity: Int) async throws {
        _ = try await s.carts.setQuantity(quantity, of: "DAIRY-001", by: who)
        _ = try await s.carts.choose(.pickup(StoreID(1)), by: who)
    }

    /// Paid, accepted, picked, ready, collected and completed.
    static func complete(_ s: Setup, _ order: Order) async throws {
        var o = order
        let steps: [(OrderStatus, OrderStatus.Actor)] = [(.paid, .payment), (.accepted, .staff), (.picking, .staff), (.ready, .staff),
                                                         (.collected, .staff), (.completed, .customer)]
        for (next, actor) in steps { o = try await s.orders.repository.transition(o.id, from: o.status, to: next, by: actor, note: nil, at: s.clock.now) }
    }

    @Test("a coupon: shown in the quote, taken by the checkout and named on the order, back in the wallet when the order is cancelled")
    func couponThroughCheckout() async throws {
        let s = try await Self.setup()
        let campaign = try await s.marketing.createCampaign(CouponCampaign(
            id: 0, name: "1 off", kind: .fixed(amountMinor: 100), scope: .category("dairy"), validFrom: s.clock.now.addingTimeInterval(-60),
            validUntil: s.clock.now.addingTimeInterval(86_400), totalLimit: 10, perCustomerLimit: 1, issuance: .campaign), by: Self.admin)
        let (issued, refused) = try await s.marketing.issue(campaign: campaign.id, to: [s.customer.account, s.customer.account], by: Self.admin)
        #expect(issued.count == 1 && refused.count == 1 && refused[0].1.contains("at most 1 per customer"))
        try await Self.fill(s, s.customer, quantity: 3)
        let quote = try await s.carts.quote(by: s.customer)
        let coupon = try #require(quote.discounts.first { $0.code == "coupon:\(issued[0].id)" })
        #expect(coupon.amount.minor == 100 && quote.total.minor == quote.subtotal.minor + quote.deliveryFee.minor - 100)
        let (order, _) = try await s.orders.checkout(idempotencyKey: "c1", by: s.customer)
        #expect(order.discounts.map(\.code) == ["coupon:\(issued[0].id)"] && order.discount.minor == 100 && order.total == quote.total)
        #expect(try await s.marketing.repository.wallet(of: s.customer.account).first?.status == .used)
        // The coupon is taken: the next cart does not get it.
        try await Self.fill(s, s.customer, quantity: 1)
        #expect(try await s.carts.quote(by: s.customer).discounts.isEmpty)
        _ = try await s.orders.cancel(order.id, reason: "changed my mind", by: s.customer)
        #expect(try await s.marketing.repository.wallet(of: s.customer.account).first?.status == .available)
        #expect(try await s.carts.quote(by: s.customer).discounts.map(\.code) == ["coupon:\(issued[0].id)"])
        #expect(try await s.marketing.repository.campaign(campaign.id)?.used == 0)
    }

    @Test("discounts that cover the whole total: the order is paid at checkout, its hold a sale")
    func nothingToPay() async throws {
        let s = try await Self.setup()
        let campaign = try await s.marketing.createCampaign(CouponCampaign(
            id: 0, name: "on the house", kind: .fixed(amountMinor: 100_000), scope: .all, validFrom: s.clock.now.addingTimeInterval(-60),
            validUntil: s.clock.now.addingTimeInterval(86_400), totalLimit: nil, perCustomerLimit: 1, issuance: .campaign), by: Self.admin)
        _ = try await s.marketing.issue(campaign: campaign.id, to: [s.customer.account], by: Self.admin)
        try await Self.fill(s, s.customer, quantity: 2)
        let order = try await s.orders.checkout(idempotencyKey: "free", by: s.customer).order
        #expect(order.total.minor == 0 && order.status == .paid)
        #expect(order.timeline.last?.note == "nothing to pay: the discounts cover the total")
        #expect(try await s.stores.reservation(order.reservation).status == .confirmed)
    }

    @Test("the points ledger against a model: random earns, spends, refunds and lapses; it balances after every step and never goes below zero")
    func pointsLedger() async throws {
        let s = try await Self.setup()
        _ = try await s.marketing.setPolicy(MembershipPolicy(levels: [MembershipLevel(name: "member", minimumSpendMinor: 0)], windowDays: 365,
                                                             pointsPerUnit: 10, pointValueMinor: 1, pointsLifetimeDays: 30, maximumPointsSharePercent: 100),
                                            by: Self.admin)
        struct Lot { var remaining: Int; let expires: Date }
        var lots: [Lot] = [], open: [(OrderID, [(Int, Int)])] = []
        var rng = SeededRandom(seed: 20261126)
        func balance(at now: Date) -> Int { lots.filter { $0.expires > now }.reduce(0) { $0 + $1.remaining } }
        var counts = [String: Int]()
        for step in 0..<80 {
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll < 4 {
                // Earn: a completed order.
                try await Self.fill(s, s.customer, quantity: Int.random(in: 1...5, using: &rng))
                let (order, _) = try await s.orders.checkout(idempotencyKey: "earn-\(step)", by: s.customer)
                try await Self.complete(s, order)
                lots.append(Lot(remaining: order.total.minor / 100 * 10, expires: s.clock.now.addingTimeInterval(30 * 86_400)))
                counts["earn", default: 0] += 1
            } else if roll < 7, balance(at: s.clock.now) > 0 {
                // Spend some on a new order, oldest-lapsing first.
                try await Self.fill(s, s.customer, quantity: Int.random(in: 1...5, using: &rng))
                let want = Int.random(in: 1...balance(at: s.clock.now), using: &rng)
                _ = try await s.marketing.choose(CartChoices(points: want), by: s.customer)
                let (order, _) = try await s.orders.checkout(idempotencyKey: "spend-\(step)", by: s.customer)
                let spent = order.discounts.first { $0.code == "points" }?.amountMinor ?? 0
                #expect(spent == min(want, order.subtotal.minor), "step \(step)")
                var left = spent, taken: [(Int, Int)] = []
                for i in lots.indices.sorted(by: { (lots[$0].expires, $0) < (lots[$1].expires, $1) }) where left > 0 && lots[i].expires > s.clock.now {
                    let take = min(left, lots[i].remaining)
                    if take > 0 { lots[i].remaining -= take; left -= take; taken.append((i, take)) }
                }
                open.append((order.id, taken))
                counts["spend", default: 0] += 1
            } else if roll < 9, !open.isEmpty {
                // Cancel an order that spent points: they come back to their lots.
                let (id, taken) = open.remove(at: Int.random(in: 0..<open.count, using: &rng))
                _ = try await s.orders.cancel(id, reason: "changed my mind", by: s.customer)
                for (i, n) in taken { lots[i].remaining += n }
                counts["refund", default: 0] += 1
            } else {
                s.clock.advance(Double(Int.random(in: 1...12, using: &rng)) * 86_400)
                counts["time", default: 0] += 1
            }
            _ = try await s.marketing.repository.expirePoints(at: s.clock.now)
            for i in lots.indices where lots[i].expires <= s.clock.now { lots[i].remaining = 0 }
            let standing = try await s.marketing.repository.membership(of: s.customer.account, at: s.clock.now)
            let ledger = try await s.marketing.repository.ledger(of: s.customer.account, limit: 10_000).reversed()
            #expect(standing.points == balance(at: s.clock.now), "step \(step): the balance is the model's")
            #expect(ledger.reduce(0) { $0 + $1.points } == standing.points, "step \(step): the ledger adds up to the balance")
            var running = 0
            for line in ledger { running += line.points; #expect(running >= 0, "step \(step): the ledger never goes below zero") }
        }
        #expect(counts.values.allSatisfy { $0 >= 5 } && counts.count == 4, "every kind of step ran: \(counts)")
        // Spending more than is held is refused whole.
        let held = try await s.marketing.repository.membership(of: s.customer.account, at: s.clock.now).points
        await #expect(throws: DomainError.self) { try await s.marketing.choose(CartChoices(points: held + 1), by: s.customer) }
    }

    @Test("1,000 concurrent checkouts on a flash sale of 100 units: exactly 100 sell at the sale price; cancelled ones come back")
    func flashSaleConcurrency() async throws {
        let s = try await Self.setup()
        let sale = try await s.marketing.createFlashSale(FlashSale(id: 0, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, quantity: 100, perCustomer: 1,
                                                                   startsAt: s.clock.now.addingTimeInterval(-60), endsAt: s.clock.now.addingTimeInterval(3_600)),
                                                         by: Self.admin)
        var customers: [Principal] = []
        for i in 0..<1_000 {
            let who = try await s.accounts.register(AccountDraft(email: "buyer\(i)@example.com", name: "Buyer \(i)"), password: "buyer password").principal
            try await Self.fill(s, who, quantity: 1)
            customers.append(who)
        }
        let outcomes = await withTaskGroup(of: (Order?, String?).self) { group in
            for who in customers {
                group.addTask {
                    do { return (try await s.orders.checkout(idempotencyKey: "flash", by: who).order, nil) } catch { return (nil, "\(error)") }
                }
            }
            var all: [(Order?, String?)] = []
            for await o in group { all.append(o) }
            return all
        }
        let flashOrders = outcomes.compactMap(\.0).filter { $0.discounts.contains { $0.code == "flash:\(sale.id)" } }
        #expect(flashOrders.count == 100, "exactly the offered quantity sold at the sale price")
        #expect(flashOrders.allSatisfy { $0.total.minor == 49 }, "each at 0.49")
        let refusals = outcomes.compactMap(\.1)
        #expect(refusals.allSatisfy { $0.contains("flash sale \(sale.id) has sold out") }, "\(refusals.prefix(3))")
        #expect(outcomes.compactMap(\.0).count + refusals.count == 1_000)
        #expect(try await s.marketing.repository.flashSales(store: StoreID(1), on: nil).first?.sold == 100)
        // Cancelled orders give their units back.
        for order in flashOrders.prefix(10) { _ = try await s.orders.cancel(order.id, reason: "changed my mind", by: Principal(account: order.customer, role: .customer)) }
        #expect(try await s.marketing.repository.flashSales(store: StoreID(1), on: nil).first?.sold == 90)
        print("flash sale: \(flashOrders.count) sold at the sale price, \(outcomes.compactMap(\.0).count - flashOrders.count) at the store's price once it had sold out, \(refusals.count) checkouts refused (the sale sold out between quote and checkout)")
    }

    @Test("a group buy: forms once enough members have paid within its window, and the store waits for it; a group short at its deadline is cancelled and refunded")
    func groupBuy() async throws {
        let s = try await Self.setup()
        let buy = try await s.marketing.createGroupBuy(GroupBuy(id: 0, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, groupSize: 2, windowMinutes: 30,
                                                                startsAt: s.clock.now.addingTimeInterval(-60), endsAt: s.clock.now.addingTimeInterval(86_400)),
                                                       by: Self.admin)
        func member(_ name: String, group: Int64?) async throws -> Order {
            let who = name == "ana" ? s.customer
                : try await s.accounts.register(AccountDraft(email: "\(name)@example.com", name: name), password: "a long password").principal
            try await Self.fill(s, who, quantity: 1)
            _ = try await s.marketing.choose(CartChoices(groupBuy: buy.id, group: group), by: who)
            let quote = try await s.carts.quote(by: who)
            #expect(quote.discounts.map(\.code) == ["group:\(buy.id)"] && quote.total.minor == 49, "\(quote.discounts) \(quote.refusedDiscounts)")
            return try await s.orders.checkout(idempotencyKey: "group", by: who).order
        }
        func pay(_ o: Order) async throws -> Order { try await s.orders.repository.transition(o.id, from: .awaitingPayment, to: .paid, by: .payment, note: nil, at: s.clock.now) }
        func accept(_ o: Order) async throws -> Order { try await s.orders.repository.transition(o.id, from: .paid, to: .accepted, by: .staff, note: nil, at: s.clock.now) }

        let first = try await pay(try await member("ana", group: nil))
        let group = try #require(try await s.marketing.repository.groups(of: buy.id).first)
        #expect(group.status == .open && group.members == 1 && group.paid == 1)
        await #expect(throws: DomainError.self, "the store waits for the group") { _ = try await accept(first) }
        #expect(try await s.orders.repository.order(first.id)?.status == .paid, "nothing changed")
        let bo = try await pay(try await member("bo", group: group.id))
        #expect(try await s.marketing.repository.group(group.id)?.status == .formed)
        // Bo drops out before the deadline: the group is open again, and the store waits again.
        _ = try await s.orders.cancel(bo.id, reason: "changed my mind", by: Principal(account: bo.customer, role: .customer))
        #expect(try await s.marketing.repository.group(group.id)?.status == .open)
        await #expect(throws: DomainError.self, "the store waits for the group again") { _ = try await accept(first) }
        _ = try await pay(try await member("bea", group: group.id))
        #expect(try await s.marketing.repository.group(group.id)?.status == .formed)
        #expect(try await accept(first).status == .accepted)
        // A full group takes no one else.
        await #expect(throws: DomainError.self) { _ = try await s.marketing.choose(CartChoices(groupBuy: buy.id, group: group.id), by: s.customer) }

        // A second group: one paid, one not, and the window runs out.
        let paid = try await pay(try await member("cy", group: nil))
        let second = try #require(try await s.marketing.repository.groups(of: buy.id).first { $0.status == .open })
        let unpaid = try await member("dee", group: second.id)
        s.clock.advance(31 * 60)
        let failed = try await s.marketing.failLapsedGroups { id, reason in
            _ = try await s.orders.cancel(OrderID(id), reason: reason, by: Self.admin)
        }
        #expect(failed == 1)
        #expect(try await s.orders.repository.order(paid.id)?.status == .refunded)
        #expect(try await s.orders.repository.order(unpaid.id)?.status == .cancelled)
        #expect(try await s.marketing.repository.group(second.id)?.status == .failed)
        #expect(try await s.orders.repository.order(paid.id)?.timeline.last?.note?.contains("did not form") == true)
    }

    @Test("a customer's flash-sale limit holds across orders; a level reached by spending is recorded with its reason and gives its coupons")
    func limitsAndLevels() async throws {
        let s = try await Self.setup()
        _ = try await s.marketing.createFlashSale(FlashSale(id: 0, store: StoreID(1), sku: "DAIRY-001", priceMinor: 49, quantity: 100, perCustomer: 2,
                                                            startsAt: s.clock.now.addingTimeInterval(-60), endsAt: s.clock.now.addingTimeInterval(3_600)),
                                                  by: Self.admin)
        let welcome = try await s.marketing.createCampaign(CouponCampaign(
            id: 0, name: "silver welcome", kind: .freeDelivery, scope: .all, validFrom: s.clock.now.addingTimeInterval(-60),
            validUntil: s.clock.now.addingTimeInterval(86_400 * 30), totalLimit: nil, perCustomerLimit: 1, issuance: .onLevel("silver")), by: Self.admin)
        var orders: [Order] = []
        for i in 0..<3 {
            try await Self.fill(s, s.customer, quantity: 1)
            orders.append(try await s.orders.checkout(idempotencyKey: "limit-\(i)", by: s.customer).order)
        }
        #expect(orders.map { $0.discounts.map(\.code) } == [["flash:1"], ["flash:1"], []], "two at the sale price, then the limit")
        // Spending just over 100.00 reaches silver (the flash units are the customer's limit already).
        try await Self.fill(s, s.customer, quantity: 1)
        let unit = try #require(try await s.carts.quote(by: s.customer).lines.first?.unitPrice.minor)
        try await Self.fill(s, s.customer, quantity: 10_000 / unit + 1)
        let big = try await s.orders.checkout(idempotencyKey: "big", by: s.customer).order
        try await Self.complete(s, big)
        let standing = try await s.marketing.repository.membership(of: s.customer.account, at: s.clock.now)
        #expect((10_000..<30_000).contains(big.total.minor) && standing.level == "silver", "\(big.total) → \(standing.level)")
        let change = try #require(try await s.marketing.repository.levelChanges(of: s.customer.account, limit: 5).first)
        #expect(change.from == "member" && change.to == "silver" && change.reason.contains("order \(big.id) completed"), "\(change.reason)")
        #expect(try await s.marketing.repository.wallet(of: s.customer.account).map(\.campaign.id) == [welcome.id], "the level's coupon is given")
        #expect(standing.points == big.total.minor / 100 * 125 / 100, "points at silver's ×1.25")
        // A year on, the spend rolls out of the window and the review moves the level down.
        s.clock.advance(366 * 86_400)
        #expect(try await s.marketing.repository.reviewLevels(at: s.clock.now) == 1)
        #expect(try await s.marketing.repository.membership(of: s.customer.account, at: s.clock.now).level == "member")
        #expect(try await s.marketing.repository.levelChanges(of: s.customer.account, limit: 1).first?.to == "member")
    }
}
