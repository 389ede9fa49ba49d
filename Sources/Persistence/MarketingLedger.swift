import Accounts
import Commerce
import Foundation
import GRDB
import Kernel
import Marketing
import Stores

/// The marketing side of an order's writes, run inside the order's own transaction: what a
/// checkout takes up (coupons, points, flash-sale units), what a cancelled, refunded or expired
/// order gives back, and the points and level a completed order earns. A claim that cannot be
/// had refuses the whole checkout; nothing is half-written.
enum MarketingLedger {
    static func policy(_ db: Database) throws -> MembershipPolicy {
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM marketing_policy WHERE id = 1") else { return .standard }
        return try PolicyDocument.decode(json)
    }

    /// Takes up the checkout's claims for order `order`, or throws (a conflict naming the field).
    static func claim(_ db: Database, order: Int64, customer: AccountID, discounts: [CartQuote.Discount], at: Date) throws {
        for (i, d) in discounts.enumerated() {
            try db.execute(sql: "INSERT INTO order_discounts (order_id, position, code, description, amount_minor) VALUES (?, ?, ?, ?, ?)",
                           arguments: [order, i, d.code, d.description, d.amount.minor])
            switch d.claim {
            case nil: continue
            case .coupon(let id):
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM customer_coupons WHERE id = ? AND account_id = ?", arguments: [id, customer.rawValue]),
                      let campaign = try SpatiaLiteMarketingRepository.campaign(db, row["campaign_id"], counts: false) else {
                    throw CustomerCoupon.claimRefused(id)
                }
                try SpatiaLiteMarketingRepository.coupon(row, campaign: campaign).checkClaim(at: at)
                try db.execute(sql: "UPDATE customer_coupons SET status = 'used', order_id = ? WHERE id = ? AND status = 'available'", arguments: [order, id])
                guard db.changesCount == 1 else { throw CustomerCoupon.claimRefused(id) }
            case .points(let points):
                try spend(db, account: customer, points: points, order: order, at: at)
            case .flashSale(let id, let quantity):
                guard let sale = try Row.fetchOne(db, sql: "SELECT * FROM flash_sales WHERE id = ?", arguments: [id]).map(SpatiaLiteMarketingRepository.flashSale) else {
                    throw DomainError(.conflict, field: "flash_sale", "flash sale \(id) is gone; look at the cart again")
                }
                let held = try Int.fetchOne(db, sql: "SELECT coalesce(sum(qty), 0) FROM flash_claims WHERE sale_id = ? AND account_id = ? AND released = 0",
                                            arguments: [id, customer.rawValue]) ?? 0
                try sale.checkClaim(quantity: quantity, held: held, at: at)
                // The last units go to one checkout: the update holds only while they remain.
                try db.execute(sql: "UPDATE flash_sales SET sold = sold + ? WHERE id = ? AND sold + ? <= quantity", arguments: [quantity, id, quantity])
                guard db.changesCount == 1 else {
                    throw DomainError(.conflict, field: "flash_sale", "flash sale \(id) has sold out; look at the cart again")
                }
                try db.execute(sql: "INSERT INTO flash_claims (sale_id, account_id, order_id, qty) VALUES (?, ?, ?, ?)",
                               arguments: [id, customer.rawValue, order, quantity])
            case .groupBuy(let id, let groupID):
                guard let buy = try Row.fetchOne(db, sql: "SELECT * FROM group_buys WHERE id = ?", arguments: [id]).map(SpatiaLiteMarketingRepository.groupBuy) else {
                    throw DomainError(.conflict, field: "group_buy", "group buy \(id) is over; look at the cart again")
                }
                let joined = try groupID.flatMap { try SpatiaLiteMarketingRepository.group(db, $0) }
                let already = try groupID.map { group in
                    try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM group_members m JOIN orders o ON o.id = m.order_id
                        WHERE m.group_id = ? AND m.account_id = ? AND o.status NOT IN ('cancelled', 'refunded', 'expired')
                        """, arguments: [group, customer.rawValue]) ?? 0
                } ?? 0
                try buy.checkJoin(joined, groupID: groupID, alreadyMember: already > 0, at: at)
                let group: Int64
                if let groupID {
                    group = groupID
                } else {
                    try db.execute(sql: "INSERT INTO buying_groups (group_buy_id, opened_at, deadline, status) VALUES (?, ?, ?, 'open')",
                                   arguments: [id, at.timeIntervalSince1970, at.addingTimeInterval(Double(buy.windowMinutes) * 60).timeIntervalSince1970])
                    group = db.lastInsertedRowID
                }
                try db.execute(sql: "INSERT INTO group_members (order_id, group_id, account_id) VALUES (?, ?, ?)", arguments: [order, group, customer.rawValue])
            }
        }
    }

    /// The order's status changed to `status`: give claims back, or earn points and review the level.
    static func orderMoved(_ db: Database, order: Int64, to status: String, at: Date) throws {
        switch OrderMarketingStep(orderStatus: status) {
        case .giveBack:
            // A formed group that falls short again before its deadline is open again: the store waits anew.
            try reviewGroup(db, order: order, at: at)
            try db.execute(sql: "UPDATE customer_coupons SET status = 'available', order_id = NULL WHERE order_id = ? AND status = 'used'", arguments: [order])
            for claim in try Row.fetchAll(db, sql: "SELECT id, sale_id, qty FROM flash_claims WHERE order_id = ? AND released = 0", arguments: [order]) {
                try db.execute(sql: "UPDATE flash_claims SET released = 1 WHERE id = ?", arguments: [claim["id"] as Int64])
                try db.execute(sql: "UPDATE flash_sales SET sold = sold - ? WHERE id = ?", arguments: [claim["qty"] as Int, claim["sale_id"] as Int64])
            }
            // Spent points go back to the lots they came from, once.
            let refunded = try Int.fetchOne(db, sql: "SELECT count(*) FROM points_ledger WHERE order_id = ? AND kind = 'refund'", arguments: [order]) ?? 0
            guard refunded == 0 else { return }
            for line in try Row.fetchAll(db, sql: "SELECT account_id, lot_id, points FROM points_ledger WHERE order_id = ? AND kind = 'spend'", arguments: [order]) {
                let points = -(line["points"] as Int)
                try db.execute(sql: "UPDATE points_lots SET remaining = remaining + ? WHERE id = ?", arguments: [points, line["lot_id"] as Int64])
                try db.execute(sql: "INSERT INTO points_ledger (account_id, kind, points, lot_id, order_id, note, at) VALUES (?, 'refund', ?, ?, ?, ?, ?)",
                               arguments: [line["account_id"] as Int64, points, line["lot_id"] as Int64, order, "order \(order) \(status)", at.timeIntervalSince1970])
            }
        case .reviewGroup:
            // A group forms once enough members have paid before its deadline.
            try reviewGroup(db, order: order, at: at)
        case .requireFormedGroup:
            // The store waits for the group.
            if let groupID = try Int64.fetchOne(db, sql: "SELECT group_id FROM group_members WHERE order_id = ?", arguments: [order]),
               let group = try SpatiaLiteMarketingRepository.group(db, groupID) {
                try group.checkAccept()
            }
        case .earn:
            guard let row = try Row.fetchOne(db, sql: "SELECT customer_id, total_minor FROM orders WHERE id = ?", arguments: [order]) else { return }
            let account = AccountID(row["customer_id"] as Int64)
            let policy = try policy(db)
            // The level at completion sets the multiplier; this order's spend counts from now on.
            let level = try review(db, account: account, policy: policy, at: at, reason: "order \(order) completed")
            let points = policy.pointsEarned(totalMinor: row["total_minor"], level: level)
            let earnedAlready = try Int.fetchOne(db, sql: "SELECT count(*) FROM points_lots WHERE order_id = ?", arguments: [order]) ?? 0
            guard points > 0, earnedAlready == 0 else { return }
            let expires = policy.pointsLapse(earnedAt: at)
            try db.execute(sql: "INSERT INTO points_lots (account_id, order_id, earned, remaining, earned_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [account.rawValue, order, points, points, at.timeIntervalSince1970, expires.timeIntervalSince1970])
            try db.execute(sql: "INSERT INTO points_ledger (account_id, kind, points, lot_id, order_id, note, at) VALUES (?, 'earn', ?, ?, ?, ?, ?)",
                           arguments: [account.rawValue, points, db.lastInsertedRowID, order,
                                       "order \(order) completed at \(level.name) (×\(Double(level.pointsMultiplierPercent) / 100))", at.timeIntervalSince1970])
        case .none:
            return
        }
    }

    /// The order's buying group, if it has one, takes the status `GroupBuy.groupStatus` gives it now.
    static func reviewGroup(_ db: Database, order: Int64, at: Date) throws {
        guard let groupID = try Int64.fetchOne(db, sql: "SELECT group_id FROM group_members WHERE order_id = ?", arguments: [order]),
              let group = try SpatiaLiteMarketingRepository.group(db, groupID),
              let buy = try Row.fetchOne(db, sql: "SELECT * FROM group_buys WHERE id = ?", arguments: [group.buy]).map(SpatiaLiteMarketingRepository.groupBuy)
        else { return }
        let status = buy.groupStatus(group, at: at)
        if status != group.status {
            try db.execute(sql: "UPDATE buying_groups SET status = ? WHERE id = ?", arguments: [status.rawValue, groupID])
        }
    }

    /// Spends points as `PointsRules.spend` allots them (soonest lapsing first), refusing more
    /// than the unlapsed balance.
    static func spend(_ db: Database, account: AccountID, points: Int, order: Int64, at: Date) throws {
        guard points > 0 else { return }
        let lots = try Row.fetchAll(db, sql: "SELECT id, remaining, expires_at FROM points_lots WHERE account_id = ? AND remaining > 0 AND expires_at > ?",
                                    arguments: [account.rawValue, at.timeIntervalSince1970]).map {
            PointsLot(id: $0["id"], remaining: $0["remaining"], expiresAt: Date(timeIntervalSince1970: $0["expires_at"]))
        }
        for (lot, take) in try PointsRules.spend(points, from: lots, at: at) {
            // The update holds only while the lot still has the points (no read-then-write race).
            try db.execute(sql: "UPDATE points_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?", arguments: [take, lot, take])
            guard db.changesCount == 1 else { throw DomainError(.conflict, field: "points", "the points changed meanwhile; look at the cart again") }
            try db.execute(sql: "INSERT INTO points_ledger (account_id, kind, points, lot_id, order_id, note, at) VALUES (?, 'spend', ?, ?, ?, ?, ?)",
                           arguments: [account.rawValue, -take, lot, order, "paid toward order \(order)", at.timeIntervalSince1970])
        }
    }

    /// The customer's spend over the window, the level it gives, recorded (with the change and
    /// its reason, and the level's coupons) when it moved.
    @discardableResult
    static func review(_ db: Database, account: AccountID, policy: MembershipPolicy, at: Date, reason: String) throws -> MembershipLevel {
        let since = at.addingTimeInterval(-Double(policy.windowDays) * 86_400).timeIntervalSince1970
        let spend = try Int.fetchOne(db, sql: """
            SELECT coalesce(sum(o.total_minor), 0) FROM orders o
            WHERE o.customer_id = ? AND o.status IN ('completed', 'reviewed')
              AND (SELECT max(e.at) FROM order_events e WHERE e.order_id = o.id AND e.status = 'completed') > ?
            """, arguments: [account.rawValue, since]) ?? 0
        // Every customer starts at the first level.
        let current = try String.fetchOne(db, sql: "SELECT level FROM memberships WHERE account_id = ?", arguments: [account.rawValue])
            ?? policy.levels[0].name
        let (level, change, up) = policy.review(current: current, spendMinor: spend, at: at, reason: reason)
        try db.execute(sql: """
            INSERT INTO memberships (account_id, level, spend_minor, reviewed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(account_id) DO UPDATE SET level = excluded.level, spend_minor = excluded.spend_minor, reviewed_at = excluded.reviewed_at
            """, arguments: [account.rawValue, level.name, spend, at.timeIntervalSince1970])
        if let change {
            try db.execute(sql: "INSERT INTO level_changes (account_id, from_level, to_level, spend_minor, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [account.rawValue, change.from, change.to, change.spendMinor, change.reason, at.timeIntervalSince1970])
            // Coupons given on reaching a level: each campaign's own limits hold.
            if up {
                let campaigns = try Int64.fetchAll(db, sql: """
                    SELECT id FROM coupon_campaigns WHERE issuance = 'on_level' AND on_level = ? AND valid_from <= ? AND ? < valid_until
                    """, arguments: [level.name, at.timeIntervalSince1970, at.timeIntervalSince1970])
                for campaign in campaigns {
                    _ = try? SpatiaLiteMarketingRepository.issue(db, campaign: campaign, to: account, reason: "reached \(level.name)", at: at)
                }
            }
        }
        return level
    }
}

/// The membership policy as JSON, snake_case, as the API shows it.
struct PolicyDocument: Codable {
    struct Level: Codable {
        var name: String
        var minimum_spend_minor: Int
        var discount_bp: Int
        var free_delivery_from_minor: Int?
        var points_multiplier_percent: Int
    }
    var levels: [Level]
    var window_days: Int
    var points_per_unit: Int
    var point_value_minor: Int
    var points_lifetime_days: Int
    var maximum_points_share_percent: Int

    static func encode(_ p: MembershipPolicy) throws -> String {
        let doc = PolicyDocument(levels: p.levels.map { Level(name: $0.name, minimum_spend_minor: $0.minimumSpendMinor, discount_bp: $0.discountBasisPoints,
                                                              free_delivery_from_minor: $0.freeDeliveryFromMinor, points_multiplier_percent: $0.pointsMultiplierPercent) },
                                 window_days: p.windowDays, points_per_unit: p.pointsPerUnit, point_value_minor: p.pointValueMinor,
                                 points_lifetime_days: p.pointsLifetimeDays, maximum_points_share_percent: p.maximumPointsSharePercent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(doc), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> MembershipPolicy {
        let d = try JSONDecoder().decode(PolicyDocument.self, from: Data(json.utf8))
        return MembershipPolicy(levels: d.levels.map { MembershipLevel(name: $0.name, minimumSpendMinor: $0.minimum_spend_minor, discountBasisPoints: $0.discount_bp,
                                                                      freeDeliveryFromMinor: $0.free_delivery_from_minor, pointsMultiplierPercent: $0.points_multiplier_percent) },
                                windowDays: d.window_days, pointsPerUnit: d.points_per_unit, pointValueMinor: d.point_value_minor,
                                pointsLifetimeDays: d.points_lifetime_days, maximumPointsSharePercent: d.maximum_points_share_percent)
    }
}
