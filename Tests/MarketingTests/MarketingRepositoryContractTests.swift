import Accounts
import Foundation
import GeoCore
import Kernel
import Marketing
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `MarketingRepository` must do, whatever stores it: campaigns read back as made,
/// coupons given within their limits however many ask at once, promotions listed by store and
/// moment, a cart's choices kept. Each test runs on every backend in `backends` (SpatiaLite in
/// memory and on disk today).
@Suite("MarketingRepository contract")
struct MarketingRepositoryContractTests {
    /// A fresh backend with two stores, four customers and a member of staff.
    struct World: Sendable {
        var marketing: any MarketingRepository
        var customers: [AccountID], staff: AccountID, shop: StoreID, other: StoreID
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> World {
        let stores = DemoFixture.service(db)
        try await stores.upsert(skus: [SKU(code: "MILK", name: "Milk"), SKU(code: "BREAD", name: "Bread")])
        var shops: [StoreID] = []
        for n in 1...2 {
            let (store, _) = try await stores.create(StoreDraft(externalRef: "test:\(n)", name: "Store \(n)", kind: "convenience", timeZone: "Europe/Lisbon",
                                                                location: Coordinate(latitude: 41.15, longitude: -8.61)))
            shops.append(store.id)
        }
        let accounts = SpatiaLiteAccountRepository(database: db)
        var customers: [AccountID] = []
        for n in 0..<4 {
            customers.append(try await accounts.create(AccountDraft(email: "c\(n)@example.com", name: "C\(n)"), passwordHash: "h", at: MarketingRepositoryContractTests.t0).id)
        }
        let staff = try await accounts.create(AccountDraft(email: "staff@example.com", name: "Staff", role: .staff, stores: [shops[0]]),
                                              passwordHash: "h", at: MarketingRepositoryContractTests.t0)
        return World(marketing: SpatiaLiteMarketingRepository(database: db), customers: customers, staff: staff.id, shop: shops[0], other: shops[1])
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)
    static let day: TimeInterval = 86_400

    static func campaign(_ name: String, kind: CouponKind = .fixed(amountMinor: 300), scope: CouponScope = .all, total: Int? = nil,
                         perCustomer: Int = 1, issuance: CouponCampaign.Issuance = .campaign, days: Double = 7) -> CouponCampaign {
        CouponCampaign(id: 0, name: name, kind: kind, scope: scope, validFrom: t0, validUntil: t0.addingTimeInterval(days * day), totalLimit: total,
                       perCustomerLimit: perCustomer, issuance: issuance)
    }

    @Test("campaigns read back as made, each kind, scope and issuance; a code belongs to one campaign", arguments: MarketingRepositoryContractTests.backends)
    func campaigns(_ backend: Backend) async throws {
        let w = try await backend.make()
        let made = [Self.campaign("Fixed", total: 100), Self.campaign("Percent", kind: .percent(basisPoints: 1_500, capMinor: 500), scope: .category("dairy")),
                    Self.campaign("Threshold", kind: .threshold(minimumMinor: 3_000, offMinor: 500), scope: .sku("MILK"), perCustomer: 3),
                    Self.campaign("Delivery", kind: .freeDelivery, scope: .store(w.shop), issuance: .code("SPRING-26")),
                    Self.campaign("Gold", issuance: .onLevel("gold"))]
        var stored: [CouponCampaign] = []
        for c in made { stored.append(try await w.marketing.createCampaign(c, at: Self.t0)) }
        #expect(Set(stored.map(\.id)).count == made.count && stored.allSatisfy { $0.id > 0 })
        for (c, s) in zip(made, stored) {
            var expected = c
            expected.id = s.id
            #expect(s == expected)
            #expect(try await w.marketing.campaign(s.id) == expected)
        }
        #expect(try await w.marketing.campaigns().map(\.id).sorted() == stored.map(\.id).sorted())
        #expect(try await w.marketing.campaign(stored.last!.id + 1_000) == nil)
        #expect(await Contracts.refusal { _ = try await w.marketing.createCampaign(Self.campaign("Again", issuance: .code("SPRING-26")), at: Self.t0) } == .conflict)
    }

    @Test("coupons are given within the campaign's total and per-customer limits, however many ask at once", arguments: MarketingRepositoryContractTests.backends)
    func issueLimits(_ backend: Backend) async throws {
        let w = try await backend.make()
        let scarce = try await w.marketing.createCampaign(Self.campaign("Scarce", total: 5, perCustomer: 2), at: Self.t0)
        let marketing = w.marketing
        let given = await withTaskGroup(of: Bool.self) { group in
            for customer in w.customers {
                for _ in 0..<4 {
                    group.addTask { (try? await marketing.issue(campaign: scarce.id, to: customer, reason: "test", at: Self.t0)) != nil }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(given == 5)
        var held = 0
        for customer in w.customers {
            let wallet = try await w.marketing.wallet(of: customer)
            #expect(wallet.count <= 2, "at most two each")
            #expect(wallet.allSatisfy { $0.campaign.id == scarce.id && $0.status == .available && $0.order == nil })
            held += wallet.count
        }
        #expect(held == 5)
        #expect(try await w.marketing.campaign(scarce.id)?.issued == 5)

        let once = try await w.marketing.createCampaign(Self.campaign("Once"), at: Self.t0)
        let coupon = try await w.marketing.issue(campaign: once.id, to: w.customers[0], reason: "welcome", at: Self.t0.addingTimeInterval(60))
        #expect(coupon.campaign.id == once.id && coupon.issuedAt == Self.t0.addingTimeInterval(60))
        #expect(await Contracts.refusal { _ = try await w.marketing.issue(campaign: once.id, to: w.customers[0], reason: "again", at: Self.t0) } == .conflict)
        #expect(await Contracts.refusal { _ = try await w.marketing.issue(campaign: once.id, to: w.customers[1], reason: "late", at: Self.t0.addingTimeInterval(8 * Self.day)) } == .gone)
        #expect(await Contracts.refusal { _ = try await w.marketing.issue(campaign: once.id + 1_000, to: w.customers[1], reason: "x", at: Self.t0) } == .notFound)
        #expect(await Contracts.refusal { _ = try await w.marketing.issue(campaign: once.id, to: w.staff, reason: "x", at: Self.t0) } == .unprocessable)
    }

    @Test("a code claims its campaign's coupon within the limits; an unknown code is not found", arguments: MarketingRepositoryContractTests.backends)
    func claims(_ backend: Backend) async throws {
        let w = try await backend.make()
        let coded = try await w.marketing.createCampaign(Self.campaign("Coded", total: 2, issuance: .code("WELCOME-1")), at: Self.t0)
        let first = try await w.marketing.claim(code: "WELCOME-1", by: w.customers[0], at: Self.t0)
        #expect(first.campaign.id == coded.id && first.status == .available)
        #expect(await Contracts.refusal { _ = try await w.marketing.claim(code: "WELCOME-1", by: w.customers[0], at: Self.t0) } == .conflict)
        _ = try await w.marketing.claim(code: "WELCOME-1", by: w.customers[1], at: Self.t0)
        #expect(await Contracts.refusal { _ = try await w.marketing.claim(code: "WELCOME-1", by: w.customers[2], at: Self.t0) } == .conflict, "two in all")
        #expect(await Contracts.refusal { _ = try await w.marketing.claim(code: "NOPE-0000", by: w.customers[2], at: Self.t0) } == .notFound)
        #expect(try await w.marketing.wallet(of: w.customers[0]).map(\.id) == [first.id])
        #expect(try await w.marketing.wallet(of: w.customers[3]).isEmpty)
    }

    @Test("flash sales, price cuts and group buys listed by store and by the moment they are on", arguments: MarketingRepositoryContractTests.backends)
    func promotions(_ backend: Backend) async throws {
        let w = try await backend.make()
        let start = Self.t0, end = Self.t0.addingTimeInterval(3_600)
        let sale = try await w.marketing.createFlashSale(FlashSale(id: 0, store: w.shop, sku: "MILK", priceMinor: 99, quantity: 100, perCustomer: 2,
                                                                   startsAt: start, endsAt: end))
        let later = try await w.marketing.createFlashSale(FlashSale(id: 0, store: w.other, sku: "MILK", priceMinor: 89, quantity: 10, perCustomer: 1,
                                                                    startsAt: end, endsAt: end.addingTimeInterval(3_600)))
        #expect(sale.id > 0 && sale.sold == 0 && sale.sku == "MILK" && sale.quantity == 100)
        #expect(try await w.marketing.flashSales(store: nil, on: nil).map(\.id).sorted() == [sale.id, later.id].sorted())
        #expect(try await w.marketing.flashSales(store: w.shop, on: nil).map(\.id) == [sale.id])
        #expect(try await w.marketing.flashSales(store: nil, on: start.addingTimeInterval(60)).map(\.id) == [sale.id])
        #expect(try await w.marketing.flashSales(store: nil, on: end).map(\.id) == [later.id], "a sale ends where the next begins")
        #expect(try await w.marketing.flashHeld(by: w.customers[0]).isEmpty)

        let everywhere = try await w.marketing.createPriceCut(PriceCut(id: 0, name: "Bread week", store: nil, sku: "BREAD", priceMinor: 150, startsAt: start, endsAt: end))
        let here = try await w.marketing.createPriceCut(PriceCut(id: 0, name: "Milk here", store: w.shop, sku: "MILK", priceMinor: 110, startsAt: start, endsAt: end))
        #expect(try await w.marketing.priceCuts(store: w.shop, on: start).map(\.id).sorted() == [everywhere.id, here.id].sorted())
        #expect(try await w.marketing.priceCuts(store: w.other, on: start).map(\.id) == [everywhere.id], "a cut for every store reaches each")
        #expect(try await w.marketing.priceCuts(store: nil, on: end).isEmpty)

        let buy = try await w.marketing.createGroupBuy(GroupBuy(id: 0, store: w.shop, sku: "MILK", priceMinor: 79, groupSize: 3, windowMinutes: 30,
                                                               startsAt: start, endsAt: end))
        #expect(try await w.marketing.groupBuy(buy.id) == buy)
        #expect(try await w.marketing.groupBuys(store: w.shop, on: start).map(\.id) == [buy.id])
        #expect(try await w.marketing.groupBuys(store: w.other, on: nil).isEmpty)
        #expect(try await w.marketing.groups(of: buy.id).isEmpty)
        #expect(try await w.marketing.lapsedGroups(at: end).isEmpty)
    }

    @Test("a customer's cart choices are kept whole and are the customer's own", arguments: MarketingRepositoryContractTests.backends)
    func choices(_ backend: Backend) async throws {
        let w = try await backend.make()
        #expect(try await w.marketing.choices(of: w.customers[0]) == CartChoices())
        let buy = try await w.marketing.createGroupBuy(GroupBuy(id: 0, store: w.shop, sku: "MILK", priceMinor: 79, groupSize: 3, windowMinutes: 30,
                                                               startsAt: Self.t0, endsAt: Self.t0.addingTimeInterval(3_600)))
        let coupon = try await w.marketing.issue(campaign: try await w.marketing.createCampaign(Self.campaign("Mine"), at: Self.t0).id,
                                                 to: w.customers[0], reason: "test", at: Self.t0)
        let chosen = CartChoices(coupon: coupon.id, points: 200, groupBuy: buy.id)
        try await w.marketing.setChoices(chosen, of: w.customers[0])
        #expect(try await w.marketing.choices(of: w.customers[0]) == chosen)
        #expect(try await w.marketing.choices(of: w.customers[1]) == CartChoices())
        try await w.marketing.setChoices(CartChoices(points: 50), of: w.customers[0])
        #expect(try await w.marketing.choices(of: w.customers[0]) == CartChoices(points: 50), "a save replaces every choice")
    }
}
