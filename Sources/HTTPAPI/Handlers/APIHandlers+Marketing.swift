import Accounts
import Foundation
import Kernel
import Marketing
import O2OAPI

/// `/v1/marketing/…` and `/v1/me/coupons`, `/v1/me/membership`: membership rules and standing,
/// coupon campaigns and wallets, flash sales, price cuts and group buys.
extension APIHandlers {
    func getMembershipPolicy(_ input: Operations.GetMembershipPolicy.Input) async throws -> Operations.GetMembershipPolicy.Output {
        .ok(.init(body: .json(Self.policy(try await marketing.policy()))))
    }

    func setMembershipPolicy(_ input: Operations.SetMembershipPolicy.Input) async throws -> Operations.SetMembershipPolicy.Output {
        let caller = try context.admin("change the membership rules")
        guard case .json(let body) = input.body else { throw Self.noBody }
        guard !body.levels.isEmpty else { throw DomainError(.invalid, field: "levels", "levels must be a non-empty array") }
        return .ok(.init(body: .json(Self.policy(try await marketing.setPolicy(Self.policy(body), by: caller)))))
    }

    func getMyMembership(_ input: Operations.GetMyMembership.Input) async throws -> Operations.GetMyMembership.Output {
        let s = try await marketing.statement(by: try context.signedIn())
        return .ok(.init(body: .json(.init(
            ledger: s.ledger.map { .init(at: Render.iso8601($0.at), id: Int($0.id), kind: $0.kind.rawValue, note: $0.note, orderId: $0.order.map(Int.init), points: $0.points) },
            level: Self.level(s.level),
            levelChanges: s.levelChanges.map { .init(at: Render.iso8601($0.at), from: $0.from, reason: $0.reason, spendMinor: $0.spendMinor, to: $0.to) },
            nextLapse: s.status.nextLapse.map { .init(at: Render.iso8601($0.at), points: $0.points) },
            nextLevel: s.next.map { .init(name: $0.level.name, needsMinor: $0.needsMinor) },
            pointValueMinor: s.policy.pointValueMinor, points: s.status.points, spendMinor: s.status.spendMinor, windowDays: s.policy.windowDays))))
    }

    func listCampaigns(_ input: Operations.ListCampaigns.Input) async throws -> Operations.ListCampaigns.Output {
        let caller = try context.admin("list coupon campaigns")
        return .ok(.init(body: .json(.init(campaigns: try await marketing.campaigns(by: caller).map(Self.campaign)))))
    }

    func createCampaign(_ input: Operations.CreateCampaign.Input) async throws -> Operations.CreateCampaign.Output {
        let caller = try context.admin("create coupon campaigns")
        guard case .json(let body) = input.body else { throw Self.noBody }
        return .created(.init(body: .json(Self.campaign(try await marketing.createCampaign(try campaign(body), by: caller)))))
    }

    func issueCoupons(_ input: Operations.IssueCoupons.Input) async throws -> Operations.IssueCoupons.Output {
        let caller = try context.admin("issue coupons")
        guard case .json(let body) = input.body else { throw Self.noBody }
        guard (1...1_000).contains(body.accounts.count) else {
            throw DomainError(.invalid, field: "accounts", "accounts must be an array of 1 to 1000 account ids")
        }
        let accounts = try body.accounts.enumerated().map { i, id throws(DomainError) in AccountID(try Self.positive(id, "accounts[\(i)]")) }
        let (issued, refused) = try await marketing.issue(campaign: Int64(input.path.id), to: accounts, by: caller)
        return .ok(.init(body: .json(.init(issued: issued.map(Self.coupon),
                                           refused: refused.map { .init(accountId: Int($0.0.rawValue), reason: $0.1) }))))
    }

    func listMyCoupons(_ input: Operations.ListMyCoupons.Input) async throws -> Operations.ListMyCoupons.Output {
        .ok(.init(body: .json(.init(coupons: try await marketing.wallet(by: try context.signedIn()).map(Self.coupon)))))
    }

    func claimCoupon(_ input: Operations.ClaimCoupon.Input) async throws -> Operations.ClaimCoupon.Output {
        let caller = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        guard (1...64).contains(body.code.count) else { throw DomainError(.invalid, field: "code", "a code of 1 to 64 characters") }
        return .created(.init(body: .json(Self.coupon(try await marketing.claim(code: body.code, by: caller)))))
    }

    func listFlashSales(_ input: Operations.ListFlashSales.Input) async throws -> Operations.ListFlashSales.Output {
        let sales = try await marketing.flashSales(store: try Self.store(input.query.storeId), all: input.query.active == false)
        return .ok(.init(body: .json(.init(flashSales: sales.map(Self.flashSale)))))
    }

    func createFlashSale(_ input: Operations.CreateFlashSale.Input) async throws -> Operations.CreateFlashSale.Output {
        guard case .json(let b) = input.body else { throw Self.noBody }
        let (store, caller, start, end) = try storePromotion(b.storeId, b.startsAt, b.endsAt)
        let sale = FlashSale(id: 0, store: store, sku: SKUCode(b.sku), priceMinor: b.priceMinor, quantity: b.quantity,
                             perCustomer: b.perCustomer ?? 1, startsAt: start, endsAt: end)
        return .created(.init(body: .json(Self.flashSale(try await marketing.createFlashSale(sale, by: caller)))))
    }

    func listPriceCuts(_ input: Operations.ListPriceCuts.Input) async throws -> Operations.ListPriceCuts.Output {
        let cuts = try await marketing.priceCuts(store: try Self.store(input.query.storeId), all: input.query.active == false)
        return .ok(.init(body: .json(.init(priceCuts: cuts.map(Self.priceCut)))))
    }

    func createPriceCut(_ input: Operations.CreatePriceCut.Input) async throws -> Operations.CreatePriceCut.Output {
        let caller = try context.signedIn()
        guard case .json(let b) = input.body else { throw Self.noBody }
        let (start, end) = try window(b.startsAt, b.endsAt)
        let cut = PriceCut(id: 0, name: b.name, store: try Self.store(b.storeId, field: "store_id"), sku: SKUCode(b.sku),
                           priceMinor: b.priceMinor, startsAt: start, endsAt: end)
        return .created(.init(body: .json(Self.priceCut(try await marketing.createPriceCut(cut, by: caller)))))
    }

    func listGroupBuys(_ input: Operations.ListGroupBuys.Input) async throws -> Operations.ListGroupBuys.Output {
        let buys = try await marketing.groupBuys(store: try Self.store(input.query.storeId), all: input.query.active == false)
        return .ok(.init(body: .json(.init(groupBuys: buys.map { Self.groupBuy($0.buy, groups: $0.groups) }))))
    }

    func createGroupBuy(_ input: Operations.CreateGroupBuy.Input) async throws -> Operations.CreateGroupBuy.Output {
        guard case .json(let b) = input.body else { throw Self.noBody }
        let (store, caller, start, end) = try storePromotion(b.storeId, b.startsAt, b.endsAt)
        let buy = GroupBuy(id: 0, store: store, sku: SKUCode(b.sku), priceMinor: b.priceMinor, groupSize: b.groupSize,
                           windowMinutes: b.windowMinutes, startsAt: start, endsAt: end)
        return .created(.init(body: .json(Self.groupBuy(try await marketing.createGroupBuy(buy, by: caller), groups: []))))
    }

    // MARK: - Translation

    /// A promotion's window: from `starts_at` (default now) to `ends_at`, each ISO 8601 or `now`.
    /// A store's own promotion: the store, its staff (or an admin) calling, and the window.
    func storePromotion(_ storeID: Int, _ start: String?, _ end: String) throws -> (StoreID, Principal, Date, Date) {
        let store = StoreID(try Self.positive(storeID, "store_id"))
        let caller = try context.runs(store)
        let (from, until) = try window(start, end)
        return (store, caller, from, until)
    }

    func window(_ start: String?, _ end: String, from: String = "starts_at", to: String = "ends_at") throws -> (Date, Date) {
        let now = marketing.now()
        return (try start.map { try Input.instant($0, field: from, now: now) } ?? now, try Input.instant(end, field: to, now: now))
    }

    /// An optional store filter or scope.
    static func store(_ id: Int?, field: String = "store_id") throws(DomainError) -> StoreID? {
        try id.map { id throws(DomainError) in StoreID(try positive(id, field)) }
    }

    func campaign(_ b: Components.Schemas.CampaignInput) throws -> CouponCampaign {
        func need(_ value: Int?, _ field: String) throws(DomainError) -> Int {
            guard let value else { throw DomainError(.invalid, field: field, "a \(b.kind.rawValue) coupon needs \(field)") }
            return value
        }
        let kind: CouponKind = switch b.kind {
        case .fixed: .fixed(amountMinor: try need(b.amountMinor, "amount_minor"))
        case .percent: .percent(basisPoints: try need(b.percentBp, "percent_bp"), capMinor: try need(b.capMinor, "cap_minor"))
        case .threshold: .threshold(minimumMinor: try need(b.minimumMinor, "minimum_minor"), offMinor: try need(b.offMinor, "off_minor"))
        case .freeDelivery: .freeDelivery
        }
        func value() throws(DomainError) -> String {
            guard let value = b.scopeValue, !value.isEmpty else { throw DomainError(.invalid, field: "scope_value", "this scope needs a scope_value") }
            return value
        }
        func store() throws(DomainError) -> StoreID {
            guard let id = Int64(try value()), id > 0 else {
                throw DomainError(.invalid, field: "scope_value", "a store scope's scope_value is the store's id, a positive integer")
            }
            return StoreID(id)
        }
        let scope: CouponScope = switch b.scope ?? .all {
        case .all: .all
        case .category: .category(try value())
        case .sku: .sku(SKUCode(try value()))
        case .store: .store(try store())
        }
        func text(_ value: String?, _ field: String) throws(DomainError) -> String {
            guard let value else { throw DomainError(.invalid, field: field, "issuance \(b.issuance?.rawValue ?? "") needs \(field)") }
            return value
        }
        let issuance: CouponCampaign.Issuance = switch b.issuance ?? .campaign {
        case .campaign: .campaign
        case .code: .code(try text(b.code, "code"))
        case .onLevel: .onLevel(try text(b.onLevel, "on_level"))
        }
        let (from, until) = try window(b.validFrom, b.validUntil, from: "valid_from", to: "valid_until")
        return CouponCampaign(id: 0, name: b.name, kind: kind, scope: scope, validFrom: from, validUntil: until, totalLimit: b.totalLimit,
                              perCustomerLimit: b.perCustomerLimit ?? 1, issuance: issuance)
    }

    static func campaign(_ c: CouponCampaign) -> Components.Schemas.Campaign {
        var amount: Int?, percent: Int?, cap: Int?, minimum: Int?, off: Int?, code: String?, level: String?
        switch c.kind {
        case .fixed(let a): amount = a
        case .percent(let bp, let c): percent = bp; cap = c
        case .threshold(let m, let o): minimum = m; off = o
        case .freeDelivery: break
        }
        switch c.issuance {
        case .code(let c): code = c
        case .onLevel(let l): level = l
        case .campaign: break
        }
        return .init(amountMinor: amount, capMinor: cap, code: code, id: Int(c.id), issuance: c.issuance.name, issued: c.issued, kind: c.kind.name,
                     minimumMinor: minimum, name: c.name, offMinor: off, onLevel: level, perCustomerLimit: c.perCustomerLimit, percentBp: percent,
                     scope: c.scope.name, scopeValue: c.scope.value, totalLimit: c.totalLimit, used: c.used,
                     validFrom: Render.iso8601(c.validFrom), validUntil: Render.iso8601(c.validUntil))
    }

    static func coupon(_ c: CustomerCoupon) -> Components.Schemas.Coupon {
        .init(campaign: campaign(c.campaign), id: Int(c.id), issuedAt: Render.iso8601(c.issuedAt), orderId: c.order.map(Int.init), status: c.status.rawValue)
    }

    static func flashSale(_ s: FlashSale) -> Components.Schemas.FlashSale {
        .init(endsAt: Render.iso8601(s.endsAt), id: Int(s.id), perCustomer: s.perCustomer, priceMinor: s.priceMinor, quantity: s.quantity,
              remaining: s.remaining, sku: s.sku.rawValue, sold: s.sold, startsAt: Render.iso8601(s.startsAt), storeId: Int(s.store.rawValue))
    }

    static func priceCut(_ c: PriceCut) -> Components.Schemas.PriceCut {
        .init(endsAt: Render.iso8601(c.endsAt), id: Int(c.id), name: c.name, priceMinor: c.priceMinor, sku: c.sku.rawValue,
              startsAt: Render.iso8601(c.startsAt), storeId: c.store.map { Int($0.rawValue) })
    }

    static func groupBuy(_ b: GroupBuy, groups: [BuyingGroup]) -> Components.Schemas.GroupBuy {
        .init(endsAt: Render.iso8601(b.endsAt), groupSize: b.groupSize,
              groups: groups.map { g in
                  .init(deadline: Render.iso8601(g.deadline), id: Int(g.id), members: g.members, openedAt: Render.iso8601(g.openedAt),
                        paid: g.paid, status: g.status.rawValue)
              },
              id: Int(b.id), priceMinor: b.priceMinor, sku: b.sku.rawValue, startsAt: Render.iso8601(b.startsAt), storeId: Int(b.store.rawValue),
              windowMinutes: b.windowMinutes)
    }

    static func level(_ l: MembershipLevel) -> Components.Schemas.MembershipLevel {
        .init(discountBp: l.discountBasisPoints, freeDeliveryFromMinor: l.freeDeliveryFromMinor, minimumSpendMinor: l.minimumSpendMinor,
              name: l.name, pointsMultiplierPercent: l.pointsMultiplierPercent)
    }

    static func policy(_ p: MembershipPolicy) -> Components.Schemas.MembershipPolicy {
        .init(levels: p.levels.map(level), maximumPointsSharePercent: p.maximumPointsSharePercent, pointValueMinor: p.pointValueMinor,
              pointsLifetimeDays: p.pointsLifetimeDays, pointsPerUnit: p.pointsPerUnit, windowDays: p.windowDays)
    }

    static func policy(_ b: Components.Schemas.MembershipPolicy) -> MembershipPolicy {
        MembershipPolicy(levels: b.levels.map {
            MembershipLevel(name: $0.name, minimumSpendMinor: $0.minimumSpendMinor, discountBasisPoints: $0.discountBp ?? 0,
                            freeDeliveryFromMinor: $0.freeDeliveryFromMinor, pointsMultiplierPercent: $0.pointsMultiplierPercent ?? 100)
        }, windowDays: b.windowDays, pointsPerUnit: b.pointsPerUnit, pointValueMinor: b.pointValueMinor,
           pointsLifetimeDays: b.pointsLifetimeDays, maximumPointsSharePercent: b.maximumPointsSharePercent)
    }
}
