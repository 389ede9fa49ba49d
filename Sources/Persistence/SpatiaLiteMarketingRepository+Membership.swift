import Accounts
import Foundation
import GRDB
import Kernel
import Marketing
import Stores

/// Membership levels and the points ledger: a member's status, earning, spending, refunds and lapses.
extension SpatiaLiteMarketingRepository {
    public func membership(of account: AccountID, at date: Date) async throws -> MembershipStatus {
        try await writer.read { db in
            let policy = try MarketingLedger.policy(db)
            let row = try Row.fetchOne(db, sql: "SELECT level, spend_minor FROM memberships WHERE account_id = ?", arguments: [account.rawValue])
            let now = date.timeIntervalSince1970
            let points = try Int.fetchOne(db, sql: "SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE account_id = ? AND expires_at > ?",
                                          arguments: [account.rawValue, now]) ?? 0
            let next = try Row.fetchOne(db, sql: """
                SELECT expires_at, sum(remaining) AS points FROM points_lots WHERE account_id = ? AND expires_at > ? AND remaining > 0
                GROUP BY expires_at ORDER BY expires_at LIMIT 1
                """, arguments: [account.rawValue, now])
            let level = (row?["level"] as String?).flatMap { policy.level(named: $0)?.name } ?? policy.levels[0].name
            return MembershipStatus(level: level, spendMinor: row?["spend_minor"] ?? 0, points: points,
                                    nextLapse: next.map { (Date(timeIntervalSince1970: $0["expires_at"]), $0["points"]) })
        }
    }

    public func ledger(of account: AccountID, limit: Int) async throws -> [PointsEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM points_ledger WHERE account_id = ? ORDER BY id DESC LIMIT ?", arguments: [account.rawValue, limit]).map {
                PointsEntry(id: $0["id"], kind: PointsEntry.Kind(rawValue: $0["kind"]) ?? .earn, points: $0["points"], order: $0["order_id"],
                            at: Date(timeIntervalSince1970: $0["at"]), note: $0["note"])
            }
        }
    }

    public func levelChanges(of account: AccountID, limit: Int) async throws -> [LevelChange] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM level_changes WHERE account_id = ? ORDER BY id DESC LIMIT ?", arguments: [account.rawValue, limit]).map {
                LevelChange(from: $0["from_level"], to: $0["to_level"], spendMinor: $0["spend_minor"], reason: $0["reason"],
                            at: Date(timeIntervalSince1970: $0["at"]))
            }
        }
    }

    public func expirePoints(at date: Date) async throws -> Int {
        try await writer.write { db in
            let lots = try Row.fetchAll(db, sql: "SELECT id, account_id, remaining FROM points_lots WHERE remaining > 0 AND expires_at <= ? LIMIT 10000",
                                        arguments: [date.timeIntervalSince1970])
            var accounts = Set<Int64>()
            for lot in lots {
                let points: Int = lot["remaining"]
                try db.execute(sql: "UPDATE points_lots SET remaining = 0 WHERE id = ?", arguments: [lot["id"] as Int64])
                try db.execute(sql: "INSERT INTO points_ledger (account_id, kind, points, lot_id, order_id, note, at) VALUES (?, 'expire', ?, ?, NULL, ?, ?)",
                               arguments: [lot["account_id"] as Int64, -points, lot["id"] as Int64, "lapsed unused", date.timeIntervalSince1970])
                accounts.insert(lot["account_id"])
            }
            return accounts.count
        }
    }

    public func reviewLevels(at date: Date) async throws -> Int {
        try await writer.write { db in
            let policy = try MarketingLedger.policy(db)
            var moved = 0
            for row in try Row.fetchAll(db, sql: "SELECT account_id, level FROM memberships") {
                let level = try MarketingLedger.review(db, account: AccountID(row["account_id"] as Int64), policy: policy, at: date,
                                                       reason: "the daily review")
                if level.name != row["level"] as String { moved += 1 }
            }
            return moved
        }
    }
}
