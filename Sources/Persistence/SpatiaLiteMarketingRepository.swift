import Accounts
import Foundation
import GRDB
import Kernel
import Marketing
import Stores

/// Membership, points, coupons and flash sales in the SpatiaLite database.
public struct SpatiaLiteMarketingRepository: MarketingRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }
    public init(database: SpatiaLiteDatabase) { self.database = database }

    public func policy() async throws -> MembershipPolicy {
        try await writer.read { db in try MarketingLedger.policy(db) }
    }

    public func setPolicy(_ policy: MembershipPolicy, at date: Date) async throws {
        let json = try PolicyDocument.encode(policy)
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO marketing_policy (id, json, updated_at) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                """, arguments: [json, date.timeIntervalSince1970])
        }
    }

    // MARK: - Coupons

    public func createCampaign(_ c: CouponCampaign, at date: Date) async throws -> CouponCampaign {
        try await writer.write { db in
            var amount: Int?, percent: Int?, cap: Int?, minimum: Int?, off: Int?
            switch c.kind {
            case .fixed(let a): amount = a
            case .percent(let bp, let c): percent = bp; cap = c
            case .threshold(let m, let o): minimum = m; off = o
            case .freeDelivery: break
            }
            var code: String?, level: String?
            switch c.issuance {
            case .campaign: break
            case .code(let value):
                code = value
                if try Int.fetchOne(db, sql: "SELECT count(*) FROM coupon_campaigns WHERE code = ?", arguments: [value]) ?? 0 > 0 {
                    throw DomainError(.conflict, field: "code", "another campaign has the code \(value)")
                }
            case .onLevel(let value): level = value
            }
            try db.execute(sql: """
                INSERT INTO coupon_campaigns (name, kind, amount_minor, percent_bp, cap_minor, minimum_minor, off_minor, scope, scope_value,
                    valid_from, valid_until, total_limit, per_customer_limit, issuance, code, on_level, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.name, c.kind.name, amount, percent, cap, minimum, off, c.scope.name, c.scope.value,
                                 c.validFrom.timeIntervalSince1970, c.validUntil.timeIntervalSince1970, c.totalLimit, c.perCustomerLimit,
                                 c.issuance.name, code, level, date.timeIntervalSince1970])
            return try Self.campaign(db, db.lastInsertedRowID)!
        }
    }

    public func campaigns() async throws -> [CouponCampaign] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM coupon_campaigns ORDER BY id").compactMap { try Self.campaign(db, $0) }
        }
    }

    public func campaign(_ id: Int64) async throws -> CouponCampaign? {
        try await writer.read { db in try Self.campaign(db, id) }
    }

    public func issue(campaign: Int64, to account: AccountID, reason: String, at date: Date) async throws -> CustomerCoupon {
        try await writer.write { db in try Self.issue(db, campaign: campaign, to: account, reason: reason, at: date) }
    }

    public func claim(code: String, by account: AccountID, at date: Date) async throws -> CustomerCoupon {
        try await writer.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM coupon_campaigns WHERE code = ? AND issuance = 'code'", arguments: [code]) else {
                throw DomainError(.notFound, field: "code", "no coupon has the code \(code)")
            }
            return try Self.issue(db, campaign: id, to: account, reason: "claimed with the code", at: date)
        }
    }

    public func wallet(of account: AccountID) async throws -> [CustomerCoupon] {
        try await writer.read { db in
            var campaigns: [Int64: CouponCampaign] = [:]
            return try Row.fetchAll(db, sql: "SELECT * FROM customer_coupons WHERE account_id = ? ORDER BY id", arguments: [account.rawValue]).map { row in
                let id: Int64 = row["campaign_id"]
                if campaigns[id] == nil { campaigns[id] = try Self.campaign(db, id) }
                return Self.coupon(row, campaign: campaigns[id]!)
            }
        }
    }

    /// Gives one coupon of the campaign within its window and limits (checked in this transaction).
    static func issue(_ db: Database, campaign id: Int64, to account: AccountID, reason: String, at date: Date) throws -> CustomerCoupon {
        guard let c = try campaign(db, id) else { throw DomainError(.notFound, field: "id", "no campaign \(id)") }
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE id = ? AND role = 'customer'", arguments: [account.rawValue]) == 1 else {
            throw DomainError(.unprocessable, field: "accounts", "account \(account) is not a customer")
        }
        guard date < c.validUntil else { throw DomainError(.gone, field: "id", "campaign \(id) ended on \(ISO8601DateFormatter().string(from: c.validUntil))") }
        if let limit = c.totalLimit, c.issued >= limit {
            throw DomainError(.conflict, field: "id", "all \(limit) coupons of campaign \(id) are given out")
        }
        let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM customer_coupons WHERE campaign_id = ? AND account_id = ?", arguments: [id, account.rawValue]) ?? 0
        guard held < c.perCustomerLimit else {
            throw DomainError(.conflict, field: "id", "campaign \(id) gives at most \(c.perCustomerLimit) per customer; account \(account) has \(held)")
        }
        try db.execute(sql: "INSERT INTO customer_coupons (campaign_id, account_id, status, reason, issued_at) VALUES (?, ?, 'available', ?, ?)",
                       arguments: [id, account.rawValue, reason, date.timeIntervalSince1970])
        let rowID = db.lastInsertedRowID
        return coupon(try Row.fetchOne(db, sql: "SELECT * FROM customer_coupons WHERE id = ?", arguments: [rowID])!, campaign: try campaign(db, id)!)
    }

    /// The campaign; with `counts` false its `issued` and `used` read 0, sparing two counts over
    /// its coupons where only its terms are wanted (a checkout's claim).
    static func campaign(_ db: Database, _ id: Int64, counts: Bool = true) throws -> CouponCampaign? {
        let sql = counts ? """
            SELECT c.*, (SELECT count(*) FROM customer_coupons k WHERE k.campaign_id = c.id) AS issued,
                   (SELECT count(*) FROM customer_coupons k WHERE k.campaign_id = c.id AND k.status = 'used') AS used
            FROM coupon_campaigns c WHERE c.id = ?
            """ : "SELECT c.*, 0 AS issued, 0 AS used FROM coupon_campaigns c WHERE c.id = ?"
        guard let r = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return nil }
        let kind: CouponKind
        switch r["kind"] as String {
        case "fixed": kind = .fixed(amountMinor: r["amount_minor"])
        case "percent": kind = .percent(basisPoints: r["percent_bp"], capMinor: r["cap_minor"])
        case "threshold": kind = .threshold(minimumMinor: r["minimum_minor"], offMinor: r["off_minor"])
        default: kind = .freeDelivery
        }
        let value: String? = r["scope_value"]
        let scope: CouponScope
        switch r["scope"] as String {
        case "category": scope = .category(value ?? "")
        case "sku": scope = .sku(SKUCode(value ?? ""))
        case "store": scope = .store(StoreID(Int64(value ?? "") ?? 0))
        default: scope = .all
        }
        let issuance: CouponCampaign.Issuance
        switch r["issuance"] as String {
        case "code": issuance = .code(r["code"])
        case "on_level": issuance = .onLevel(r["on_level"])
        default: issuance = .campaign
        }
        return CouponCampaign(id: r["id"], name: r["name"], kind: kind, scope: scope, validFrom: Date(timeIntervalSince1970: r["valid_from"]),
                              validUntil: Date(timeIntervalSince1970: r["valid_until"]), totalLimit: r["total_limit"],
                              perCustomerLimit: r["per_customer_limit"], issuance: issuance, issued: r["issued"], used: r["used"])
    }

    static func coupon(_ r: Row, campaign: CouponCampaign) -> CustomerCoupon {
        CustomerCoupon(id: r["id"], campaign: campaign, status: CustomerCoupon.Status(rawValue: r["status"]) ?? .used,
                       issuedAt: Date(timeIntervalSince1970: r["issued_at"]), order: r["order_id"])
    }

    // MARK: - Flash sales

    public func createFlashSale(_ s: FlashSale) async throws -> FlashSale {
        try await writer.write { db in
            try Self.requireStoreAndSKU(db, store: s.store, sku: s.sku)
            let overlapping = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM flash_sales WHERE store_id = ? AND sku = ? AND starts_at < ? AND ? < ends_at
                """, arguments: [s.store.rawValue, s.sku.rawValue, s.endsAt.timeIntervalSince1970, s.startsAt.timeIntervalSince1970]) ?? 0
            guard overlapping == 0 else {
                throw DomainError(.conflict, field: "starts_at", "another flash sale of \(s.sku) at store \(s.store) overlaps this one")
            }
            try db.execute(sql: """
                INSERT INTO flash_sales (store_id, sku, price_minor, quantity, per_customer, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.store.rawValue, s.sku.rawValue, s.priceMinor, s.quantity, s.perCustomer,
                                 s.startsAt.timeIntervalSince1970, s.endsAt.timeIntervalSince1970])
            var made = s
            made.id = db.lastInsertedRowID
            made.sold = 0
            return made
        }
    }

    public func flashSales(store: StoreID?, on date: Date?) async throws -> [FlashSale] {
        try await writer.read { db in
            let (sql, args) = Self.promotions("flash_sales", store: store, on: date)
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.flashSale)
        }
    }

    static func flashSale(_ r: Row) -> FlashSale {
        FlashSale(id: r["id"], store: StoreID(r["store_id"] as Int64), sku: SKUCode(r["sku"] as String), priceMinor: r["price_minor"],
                  quantity: r["quantity"], perCustomer: r["per_customer"], startsAt: Date(timeIntervalSince1970: r["starts_at"]),
                  endsAt: Date(timeIntervalSince1970: r["ends_at"]), sold: r["sold"])
    }

    public func flashHeld(by account: AccountID) async throws -> [Int64: Int] {
        try await writer.read { db in
            var held: [Int64: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT sale_id, sum(qty) AS qty FROM flash_claims WHERE account_id = ? AND released = 0 GROUP BY sale_id",
                                      arguments: [account.rawValue]) {
                held[r["sale_id"]] = r["qty"]
            }
            return held
        }
    }

    /// A promotions table's rows at a store (with those for every store, where a table has
    /// them) and on at a moment, when given; oldest first.
    static func promotions(_ table: String, store: StoreID?, on date: Date?, withEveryStore: Bool = false) -> (String, StatementArguments) {
        var sql = "SELECT * FROM \(table) WHERE 1", args: [any DatabaseValueConvertible] = []
        if let store {
            sql += withEveryStore ? " AND (store_id = ? OR store_id IS NULL)" : " AND store_id = ?"
            args.append(store.rawValue)
        }
        if let date { sql += " AND starts_at <= ? AND ? < ends_at"; args += [date.timeIntervalSince1970, date.timeIntervalSince1970] }
        return (sql + " ORDER BY id", StatementArguments(args))
    }

    /// A promotion names a store (or none: every store) and a SKU that exist.
    static func requireStoreAndSKU(_ db: Database, store: StoreID?, sku: SKUCode) throws {
        if let store, try Int.fetchOne(db, sql: "SELECT count(*) FROM stores WHERE id = ?", arguments: [store.rawValue]) != 1 {
            throw DomainError(.notFound, field: "store_id", "no store \(store)")
        }
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM skus WHERE code = ?", arguments: [sku.rawValue]) == 1 else {
            throw DomainError(.notFound, field: "sku", "no SKU \(sku)")
        }
    }

    // MARK: - Price cuts

    public func createPriceCut(_ c: PriceCut) async throws -> PriceCut {
        try await writer.write { db in
            try Self.requireStoreAndSKU(db, store: c.store, sku: c.sku)
            try db.execute(sql: "INSERT INTO price_cuts (name, store_id, sku, price_minor, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [c.name, c.store?.rawValue, c.sku.rawValue, c.priceMinor, c.startsAt.timeIntervalSince1970, c.endsAt.timeIntervalSince1970])
            var made = c
            made.id = db.lastInsertedRowID
            return made
        }
    }

    public func priceCuts(store: StoreID?, on date: Date?) async throws -> [PriceCut] {
        try await writer.read { db in
            let (sql, args) = Self.promotions("price_cuts", store: store, on: date, withEveryStore: true)
            return try Row.fetchAll(db, sql: sql, arguments: args).map { r in
                PriceCut(id: r["id"], name: r["name"], store: (r["store_id"] as Int64?).map { StoreID($0) }, sku: SKUCode(r["sku"] as String),
                         priceMinor: r["price_minor"], startsAt: Date(timeIntervalSince1970: r["starts_at"]), endsAt: Date(timeIntervalSince1970: r["ends_at"]))
            }
        }
    }

    // MARK: - Group buys

    public func createGroupBuy(_ b: GroupBuy) async throws -> GroupBuy {
        try await writer.write { db in
            try Self.requireStoreAndSKU(db, store: b.store, sku: b.sku)
            try db.execute(sql: """
                INSERT INTO group_buys (store_id, sku, price_minor, group_size, window_minutes, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [b.store.rawValue, b.sku.rawValue, b.priceMinor, b.groupSize, b.windowMinutes,
                                 b.startsAt.timeIntervalSince1970, b.endsAt.timeIntervalSince1970])
            var made = b
            made.id = db.lastInsertedRowID
            return made
        }
    }

    static func groupBuy(_ r: Row) -> GroupBuy {
        GroupBuy(id: r["id"], store: StoreID(r["store_id"] as Int64), sku: SKUCode(r["sku"] as String), priceMinor: r["price_minor"],
                 groupSize: r["group_size"], windowMinutes: r["window_minutes"], startsAt: Date(timeIntervalSince1970: r["starts_at"]),
                 endsAt: Date(timeIntervalSince1970: r["ends_at"]))
    }

    public func groupBuys(store: StoreID?, on date: Date?) async throws -> [GroupBuy] {
        try await writer.read { db in
            let (sql, args) = Self.promotions("group_buys", store: store, on: date)
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.groupBuy)
        }
    }

    public func groupBuy(_ id: Int64) async throws -> GroupBuy? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM group_buys WHERE id = ?", arguments: [id]).map(Self.groupBuy) }
    }

    /// Members count while their order stands; paid ones once the order has a `paid` step.
    static let groupColumns = """
        g.*, (SELECT count(*) FROM group_members m JOIN orders o ON o.id = m.order_id WHERE m.group_id = g.id
                AND o.status NOT IN ('cancelled', 'refunded', 'expired')) AS members,
             (SELECT count(*) FROM group_members m JOIN orders o ON o.id = m.order_id WHERE m.group_id = g.id
                AND o.status NOT IN ('awaiting_payment', 'cancelled', 'refunded', 'expired')) AS paid
        """

    static func group(_ r: Row) -> BuyingGroup {
        BuyingGroup(id: r["id"], buy: r["group_buy_id"], openedAt: Date(timeIntervalSince1970: r["opened_at"]), deadline: Date(timeIntervalSince1970: r["deadline"]),
                    status: BuyingGroup.Status(rawValue: r["status"]) ?? .failed, members: r["members"], paid: r["paid"])
    }

    public func groups(of buy: Int64) async throws -> [BuyingGroup] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.groupColumns) FROM buying_groups g WHERE g.group_buy_id = ? ORDER BY g.status != 'open', g.id",
                             arguments: [buy]).map(Self.group)
        }
    }

    public func group(_ id: Int64) async throws -> BuyingGroup? {
        try await writer.read { db in try Self.group(db, id) }
    }

    static func group(_ db: Database, _ id: Int64) throws -> BuyingGroup? {
        try Row.fetchOne(db, sql: "SELECT \(groupColumns) FROM buying_groups g WHERE g.id = ?", arguments: [id]).map(group)
    }

    public func lapsedGroups(at date: Date) async throws -> [(group: BuyingGroup, orders: [Int64])] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.groupColumns) FROM buying_groups g WHERE g.status = 'open' AND g.deadline <= ? ORDER BY g.id LIMIT 100",
                             arguments: [date.timeIntervalSince1970]).map { r in
                let g = Self.group(r)
                return (g, try Int64.fetchAll(db, sql: """
                    SELECT m.order_id FROM group_members m JOIN orders o ON o.id = m.order_id
                    WHERE m.group_id = ? AND o.status NOT IN ('cancelled', 'refunded', 'expired') ORDER BY m.order_id
                    """, arguments: [g.id]))
            }
        }
    }

    public func markFailed(group: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE buying_groups SET status = 'failed' WHERE id = ? AND status = 'open'", arguments: [group])
        }
    }

    // MARK: - The cart's choices

    public func choices(of account: AccountID) async throws -> CartChoices {
        try await writer.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT coupon_id, points, group_buy_id, group_id FROM cart_choices WHERE account_id = ?",
                                           arguments: [account.rawValue]) else { return CartChoices() }
            return CartChoices(coupon: r["coupon_id"], points: r["points"], groupBuy: r["group_buy_id"], group: r["group_id"])
        }
    }

    public func setChoices(_ choices: CartChoices, of account: AccountID) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO cart_choices (account_id, coupon_id, points, group_buy_id, group_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(account_id) DO UPDATE SET coupon_id = excluded.coupon_id, points = excluded.points,
                    group_buy_id = excluded.group_buy_id, group_id = excluded.group_id
                """, arguments: [account.rawValue, choices.coupon, choices.points, choices.groupBuy, choices.group])
        }
    }
}
