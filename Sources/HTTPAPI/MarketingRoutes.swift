import Accounts
import Commerce
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Marketing
import Stores

/// Membership, coupons, flash sales and the cart's discount choices.
struct MarketingRoutes: Sendable {
    let marketing: MarketingService
    let carts: CartService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/marketing/membership") { _, _ in JSONBody(value: Self.policy(try await marketing.repository.policy())) }
        router.put("/v1/marketing/membership") { request, context in
            let caller = try context.admin("change the membership rules")
            let policy = try Self.policy(try await Input.json(request, context: context))
            return JSONBody(value: Self.policy(try await marketing.setPolicy(policy, by: caller)))
        }
        router.get("/v1/me/membership") { _, context in
            let caller = try context.signedIn()
            let repo = marketing.repository
            let policy = try await repo.policy()
            let status = try await repo.membership(of: caller.account, at: Date())
            let level = policy.level(named: status.level) ?? policy.levels[0]
            let next = policy.levels.first { $0.minimumSpendMinor > level.minimumSpendMinor }
            return JSONBody(value: .object([
                "level": Self.level(level), "spend_minor": .number(Double(status.spendMinor)), "window_days": .number(Double(policy.windowDays)),
                "next_level": next.map { .object(["name": .string($0.name), "needs_minor": .number(Double($0.minimumSpendMinor - status.spendMinor))]) } ?? .null,
                "points": .number(Double(status.points)),
                "point_value_minor": .number(Double(policy.pointValueMinor)),
                "next_lapse": status.nextLapse.map { .object(["at": .string(Render.iso8601($0.at)), "points": .number(Double($0.points))]) } ?? .null,
                "ledger": .array(try await repo.ledger(of: caller.account, limit: 50).map { e in
                    .object(["id": .number(Double(e.id)), "kind": .string(e.kind.rawValue), "points": .number(Double(e.points)),
                             "order_id": e.order.map { .number(Double($0)) } ?? .null, "at": .string(Render.iso8601(e.at)), "note": .string(e.note)])
                }),
                "level_changes": .array(try await repo.levelChanges(of: caller.account, limit: 20).map { c in
                    .object(["from": c.from.map(JSONValue.string) ?? .null, "to": .string(c.to), "spend_minor": .number(Double(c.spendMinor)),
                             "reason": .string(c.reason), "at": .string(Render.iso8601(c.at))])
                }),
            ]))
        }
        router.post("/v1/marketing/campaigns") { request, context in
            let caller = try context.admin("create coupon campaigns")
            let campaign = try Self.campaign(try await Input.json(request, context: context))
            return JSONBody(value: Self.campaign(try await marketing.createCampaign(campaign, by: caller)), status: .created)
        }
        router.get("/v1/marketing/campaigns") { _, context in
            _ = try context.admin("list coupon campaigns")
            return JSONBody(value: .object(["campaigns": .array(try await marketing.repository.campaigns().map(Self.campaign))]))
        }
        router.post("/v1/marketing/campaigns/:id/issue") { request, context in
            let caller = try context.admin("issue coupons")
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw Problem.invalid("id", "id must be an integer") }
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["accounts"])
            guard case .array(let list)? = o["accounts"], (1...1_000).contains(list.count) else {
                throw Problem.invalid("accounts", "accounts must be an array of 1 to 1000 account ids")
            }
            let accounts = try list.enumerated().map { i, v in
                guard let n = v.numberValue, n == n.rounded(), n >= 1, n < 9e15 else { throw Problem.invalid("accounts[\(i)]", "an account id") }
                return AccountID(Int64(n))
            }
            let (issued, refused) = try await marketing.issue(campaign: id, to: accounts, by: caller)
            return JSONBody(value: .object([
                "issued": .array(issued.map(Self.coupon)),
                "refused": .array(refused.map { .object(["account_id": .number(Double($0.0.rawValue)), "reason": .string($0.1)]) }),
            ]))
        }
        router.get("/v1/me/coupons") { _, context in
            let caller = try context.signedIn()
            return JSONBody(value: .object(["coupons": .array(try await marketing.repository.wallet(of: caller.account).map(Self.coupon))]))
        }
        router.post("/v1/me/coupons") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["code"])
            let code = try Input.string(o, "code", required: true)!
            guard (1...64).contains(code.count) else { throw Problem.invalid("code", "a code of 1 to 64 characters") }
            return JSONBody(value: Self.coupon(try await marketing.claim(code: code, by: caller)), status: .created)
        }
        router.post("/v1/marketing/flash-sales") { request, context in
            let o = try Input.object(try await Input.json(request, context: context),
                                     allowed: ["store_id", "sku", "price_minor", "quantity", "per_customer", "starts_at", "ends_at"])
            let store = StoreID(Int64(try Input.integer(o, "store_id", required: true)!))
            let caller = try context.runs(store)
            let now = Date()
            let sale = FlashSale(id: 0, store: store, sku: SKUCode(try Input.string(o, "sku", required: true)!),
                                 priceMinor: try Input.integer(o, "price_minor", required: true)!, quantity: try Input.integer(o, "quantity", required: true)!,
                                 perCustomer: try Input.integer(o, "per_customer") ?? 1,
                                 startsAt: try Input.string(o, "starts_at").map { try Input.instant($0, field: "starts_at", now: now) } ?? now,
                                 endsAt: try Input.instant(try Input.string(o, "ends_at", required: true)!, field: "ends_at", now: now))
            return JSONBody(value: Self.flashSale(try await marketing.createFlashSale(sale, by: caller)), status: .created)
        }
        router.post("/v1/marketing/price-cuts") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["name", "store_id", "sku", "price_minor", "starts_at", "ends_at"])
            let now = Date()
            let cut = PriceCut(id: 0, name: try Input.string(o, "name", required: true)!, store: try Input.integer(o, "store_id").map { StoreID(Int64($0)) },
                               sku: SKUCode(try Input.string(o, "sku", required: true)!), priceMinor: try Input.integer(o, "price_minor", required: true)!,
                               startsAt: try Input.string(o, "starts_at").map { try Input.instant($0, field: "starts_at", now: now) } ?? now,
                               endsAt: try Input.instant(try Input.string(o, "ends_at", required: true)!, field: "ends_at", now: now))
            return JSONBody(value: Self.priceCut(try await marketing.createPriceCut(cut, by: caller)), status: .created)
        }
        router.get("/v1/marketing/price-cuts") { request, _ in
            let store = try Input.queryInt(request, "store_id").map { StoreID(Int64($0)) }
            let active = try Input.queryBool(request, "active") ?? true
            return JSONBody(value: .object(["price_cuts": .array(try await marketing.repository.priceCuts(store: store, on: active ? Date() : nil).map(Self.priceCut))]))
        }
        router.post("/v1/marketing/group-buys") { request, context in
            let o = try Input.object(try await Input.json(request, context: context),
                                     allowed: ["store_id", "sku", "price_minor", "group_size", "window_minutes", "starts_at", "ends_at"])
            let store = StoreID(Int64(try Input.integer(o, "store_id", required: true)!))
            let caller = try context.runs(store)
            let now = Date()
            let buy = GroupBuy(id: 0, store: store, sku: SKUCode(try Input.string(o, "sku", required: true)!),
                               priceMinor: try Input.integer(o, "price_minor", required: true)!, groupSize: try Input.integer(o, "group_size", required: true)!,
                               windowMinutes: try Input.integer(o, "window_minutes", required: true)!,
                               startsAt: try Input.string(o, "starts_at").map { try Input.instant($0, field: "starts_at", now: now) } ?? now,
                               endsAt: try Input.instant(try Input.string(o, "ends_at", required: true)!, field: "ends_at", now: now))
            return JSONBody(value: Self.groupBuy(try await marketing.createGroupBuy(buy, by: caller), groups: []), status: .created)
        }
        router.get("/v1/marketing/group-buys") { request, _ in
            let store = try Input.queryInt(request, "store_id").map { StoreID(Int64($0)) }
            let active = try Input.queryBool(request, "active") ?? true
            var list: [JSONValue] = []
            for buy in try await marketing.repository.groupBuys(store: store, on: active ? Date() : nil) {
                list.append(Self.groupBuy(buy, groups: try await marketing.repository.groups(of: buy.id)))
            }
            return JSONBody(value: .object(["group_buys": .array(list)]))
        }
        router.get("/v1/marketing/flash-sales") { request, _ in
            let store = try Input.queryInt(request, "store_id").map { StoreID(Int64($0)) }
            let active = try Input.queryBool(request, "active") ?? true
            let sales = try await marketing.repository.flashSales(store: store, on: active ? Date() : nil)
            return JSONBody(value: .object(["flash_sales": .array(sales.map(Self.flashSale))]))
        }
    }

    // MARK: - Reading and writing the JSON

    static func level(_ l: MembershipLevel) -> JSONValue {
        .object(["name": .string(l.name), "minimum_spend_minor": .number(Double(l.minimumSpendMinor)), "discount_bp": .number(Double(l.discountBasisPoints)),
                 "free_delivery_from_minor": l.freeDeliveryFromMinor.map { .number(Double($0)) } ?? .null,
                 "points_multiplier_percent": .number(Double(l.pointsMultiplierPercent))])
    }

    static func policy(_ p: MembershipPolicy) -> JSONValue {
        .object(["levels": .array(p.levels.map(level)), "window_days": .number(Double(p.windowDays)), "points_per_unit": .number(Double(p.pointsPerUnit)),
                 "point_value_minor": .number(Double(p.pointValueMinor)), "points_lifetime_days": .number(Double(p.pointsLifetimeDays)),
                 "maximum_points_share_percent": .number(Double(p.maximumPointsSharePercent))])
    }

    static func policy(_ json: JSONValue) throws -> MembershipPolicy {
        let o = try Input.object(json, allowed: ["levels", "window_days", "points_per_unit", "point_value_minor", "points_lifetime_days",
                                                 "maximum_points_share_percent"])
        guard case .array(let list)? = o["levels"], !list.isEmpty else { throw Problem.invalid("levels", "levels must be a non-empty array") }
        let levels = try list.enumerated().map { i, item in
            let path = "levels[\(i)]."
            let l = try Input.object(item, field: "levels[\(i)]", allowed: ["name", "minimum_spend_minor", "discount_bp", "free_delivery_from_minor",
                                                                           "points_multiplier_percent"])
            return MembershipLevel(name: try Input.string(l, "name", required: true, path: path)!,
                                   minimumSpendMinor: try Input.integer(l, "minimum_spend_minor", required: true, path: path)!,
                                   discountBasisPoints: try Input.integer(l, "discount_bp", path: path) ?? 0,
                                   freeDeliveryFromMinor: try Input.integer(l, "free_delivery_from_minor", path: path),
                                   pointsMultiplierPercent: try Input.integer(l, "points_multiplier_percent", path: path) ?? 100)
        }
        return MembershipPolicy(levels: levels, windowDays: try Input.integer(o, "window_days", required: true)!,
                                pointsPerUnit: try Input.integer(o, "points_per_unit", required: true)!,
                                pointValueMinor: try Input.integer(o, "point_value_minor", required: true)!,
                                pointsLifetimeDays: try Input.integer(o, "points_lifetime_days", required: true)!,
                                maximumPointsSharePercent: try Input.integer(o, "maximum_points_share_percent", required: true)!)
    }

    static func campaign(_ json: JSONValue) throws -> CouponCampaign {
        let o = try Input.object(json, allowed: ["name", "kind", "amount_minor", "percent_bp", "cap_minor", "minimum_minor", "off_minor", "scope",
                                                 "scope_value", "valid_from", "valid_until", "total_limit", "per_customer_limit", "issuance", "code", "on_level"])
        func int(_ key: String) throws -> Int { try Input.integer(o, key, required: true)! }
        let kind: CouponKind
        switch try Input.string(o, "kind", required: true)! {
        case "fixed": kind = .fixed(amountMinor: try int("amount_minor"))
        case "percent": kind = .percent(basisPoints: try int("percent_bp"), capMinor: try int("cap_minor"))
        case "threshold": kind = .threshold(minimumMinor: try int("minimum_minor"), offMinor: try int("off_minor"))
        case "free_delivery": kind = .freeDelivery
        default: throw Problem.invalid("kind", "kind must be fixed, percent, threshold or free_delivery")
        }
        let value = try Input.string(o, "scope_value")
        func need() throws -> String {
            guard let value, !value.isEmpty else { throw Problem.invalid("scope_value", "this scope needs a scope_value") }
            return value
        }
        let scope: CouponScope
        switch try Input.string(o, "scope") ?? "all" {
        case "all": scope = .all
        case "category": scope = .category(try need())
        case "sku": scope = .sku(SKUCode(try need()))
        case "store":
            guard let id = Int64(try need()) else { throw Problem.invalid("scope_value", "a store id") }
            scope = .store(StoreID(id))
        default: throw Problem.invalid("scope", "scope must be all, category, sku or store")
        }
        let issuance: CouponCampaign.Issuance
        switch try Input.string(o, "issuance") ?? "campaign" {
        case "campaign": issuance = .campaign
        case "code": issuance = .code(try Input.string(o, "code", required: true)!)
        case "on_level": issuance = .onLevel(try Input.string(o, "on_level", required: true)!)
        default: throw Problem.invalid("issuance", "issuance must be campaign, code or on_level")
        }
        let now = Date()
        return CouponCampaign(id: 0, name: try Input.string(o, "name", required: true)!, kind: kind, scope: scope,
                              validFrom: try Input.string(o, "valid_from").map { try Input.instant($0, field: "valid_from", now: now) } ?? now,
                              validUntil: try Input.instant(try Input.string(o, "valid_until", required: true)!, field: "valid_until", now: now),
                              totalLimit: try Input.integer(o, "total_limit"), perCustomerLimit: try Input.integer(o, "per_customer_limit") ?? 1,
                              issuance: issuance)
    }

    static func campaign(_ c: CouponCampaign) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .number(Double(c.id)), "name": .string(c.name), "kind": .string(c.kind.name),
            "valid_from": .string(Render.iso8601(c.validFrom)), "valid_until": .string(Render.iso8601(c.validUntil)),
            "total_limit": c.totalLimit.map { .number(Double($0)) } ?? .null, "per_customer_limit": .number(Double(c.perCustomerLimit)),
            "issuance": .string(c.issuance.name), "issued": .number(Double(c.issued)), "used": .number(Double(c.used)),
            "scope": .string(c.scope.name), "scope_value": c.scope.value.map(JSONValue.string) ?? .null,
        ]
        switch c.kind {
        case .fixed(let a): o["amount_minor"] = .number(Double(a))
        case .percent(let bp, let cap): o["percent_bp"] = .number(Double(bp)); o["cap_minor"] = .number(Double(cap))
        case .threshold(let m, let off): o["minimum_minor"] = .number(Double(m)); o["off_minor"] = .number(Double(off))
        case .freeDelivery: break
        }
        switch c.issuance {
        case .code(let code): o["code"] = .string(code)
        case .onLevel(let level): o["on_level"] = .string(level)
        case .campaign: break
        }
        return .object(o)
    }

    static func coupon(_ c: CustomerCoupon) -> JSONValue {
        .object(["id": .number(Double(c.id)), "status": .string(c.status.rawValue), "issued_at": .string(Render.iso8601(c.issuedAt)),
                 "order_id": c.order.map { .number(Double($0)) } ?? .null, "campaign": campaign(c.campaign)])
    }

    static func groupBuy(_ b: GroupBuy, groups: [BuyingGroup]) -> JSONValue {
        .object(["id": .number(Double(b.id)), "store_id": .number(Double(b.store.rawValue)), "sku": .string(b.sku.rawValue),
                 "price_minor": .number(Double(b.priceMinor)), "group_size": .number(Double(b.groupSize)), "window_minutes": .number(Double(b.windowMinutes)),
                 "starts_at": .string(Render.iso8601(b.startsAt)), "ends_at": .string(Render.iso8601(b.endsAt)),
                 "groups": .array(groups.map { g in
                     .object(["id": .number(Double(g.id)), "status": .string(g.status.rawValue), "members": .number(Double(g.members)),
                              "paid": .number(Double(g.paid)), "opened_at": .string(Render.iso8601(g.openedAt)), "deadline": .string(Render.iso8601(g.deadline))])
                 })])
    }

    static func priceCut(_ c: PriceCut) -> JSONValue {
        .object(["id": .number(Double(c.id)), "name": .string(c.name), "store_id": c.store.map { .number(Double($0.rawValue)) } ?? .null,
                 "sku": .string(c.sku.rawValue), "price_minor": .number(Double(c.priceMinor)),
                 "starts_at": .string(Render.iso8601(c.startsAt)), "ends_at": .string(Render.iso8601(c.endsAt))])
    }

    static func flashSale(_ s: FlashSale) -> JSONValue {
        .object(["id": .number(Double(s.id)), "store_id": .number(Double(s.store.rawValue)), "sku": .string(s.sku.rawValue),
                 "price_minor": .number(Double(s.priceMinor)), "quantity": .number(Double(s.quantity)), "sold": .number(Double(s.sold)),
                 "remaining": .number(Double(s.remaining)), "per_customer": .number(Double(s.perCustomer)),
                 "starts_at": .string(Render.iso8601(s.startsAt)), "ends_at": .string(Render.iso8601(s.endsAt))])
    }
}
