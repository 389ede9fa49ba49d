import Foundation
import GRDB
import Kernel
import Reports
import Stores

/// The reports, read from the orders, their events and lines, the deliveries, the carts and the
/// marketing tables. Definitions:
/// - a **sale** is an order that was paid and is not cancelled, refunded or expired, counted on
///   the UTC day it was paid;
/// - the **funnel** follows the orders created in the range (carts: those started in it);
/// - a **delivery** counts on the day it was delivered; on time when delivered by the promise
///   dispatch made; click to door from the order's creation to its delivery.
public struct SpatiaLiteReportRepository: ReportRepository {
    public let database: SpatiaLiteDatabase
    var reader: any DatabaseWriter { database.writer }
    public init(database: SpatiaLiteDatabase) { self.database = database }

    /// The sold orders paid in the range (and at the store), with the moment they were paid.
    static let sold = """
        WITH sold AS (
            SELECT o.*, p.paid_at FROM orders o
            JOIN (SELECT order_id, min(at) AS paid_at FROM order_events WHERE status = 'paid' GROUP BY order_id) p ON p.order_id = o.id
            WHERE o.status NOT IN ('awaiting_payment', 'cancelled', 'refunded', 'expired')
              AND p.paid_at >= :from AND p.paid_at < :end AND (:store IS NULL OR o.store_id = :store)
        )
        """

    public func report(_ kind: ReportKind, range: ReportRange, store: StoreID?) async throws -> ReportTable {
        let args: StatementArguments = ["from": range.from.timeIntervalSince1970, "end": range.end.timeIntervalSince1970, "store": store?.rawValue]
        return try await reader.read { db in
            func table(_ columns: [String], _ sql: String, totals: [String] = []) throws -> ReportTable {
                let rows = try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                    columns.map { c -> ReportValue in
                        switch row[c] as DatabaseValue? {
                        case nil: return .none
                        case let v?:
                            switch v.storage {
                            case .int64(let i): return .integer(Int(i))
                            case .double(let d): return .number(d)
                            case .string(let s): return .text(s)
                            default: return .none
                            }
                        }
                    }
                }
                var sums: [String: ReportValue] = [:]
                for c in totals {
                    let i = columns.firstIndex(of: c)!
                    sums[c] = .integer(rows.reduce(0) { if case .integer(let n) = $1[i] { $0 + n } else { $0 } })
                }
                return ReportTable(kind: kind, range: range, store: store, columns: columns, rows: rows, totals: sums)
            }
            let money = ["orders", "items", "subtotal_minor", "discount_minor", "delivery_fee_minor", "total_minor"]
            let sums = """
                count(*) AS orders, sum((SELECT sum(qty) FROM order_lines l WHERE l.order_id = sold.id)) AS items,
                sum(subtotal_minor) AS subtotal_minor, sum(discount_minor) AS discount_minor,
                sum(delivery_fee_minor) AS delivery_fee_minor, sum(total_minor) AS total_minor
                """
            switch kind {
            case .salesByStore:
                return try table(["store_id", "store"] + money, Self.sold + """
                    SELECT sold.store_id, s.name AS store, \(sums) FROM sold JOIN stores s ON s.id = sold.store_id
                    GROUP BY sold.store_id ORDER BY total_minor DESC, sold.store_id
                    """, totals: money)
            case .salesByDay:
                return try table(["day"] + money, Self.sold + """
                    SELECT date(paid_at, 'unixepoch') AS day, \(sums) FROM sold GROUP BY day ORDER BY day
                    """, totals: money)
            case .salesBySKU:
                return try table(["sku", "name", "orders", "units", "revenue_minor"], Self.sold + """
                    SELECT l.sku, max(l.name) AS name, count(DISTINCT l.order_id) AS orders, sum(l.qty) AS units, sum(l.total_minor) AS revenue_minor
                    FROM sold JOIN order_lines l ON l.order_id = sold.id GROUP BY l.sku ORDER BY revenue_minor DESC, l.sku
                    """, totals: ["units", "revenue_minor"])
            case .salesByCategory:
                return try table(["category", "name", "orders", "units", "revenue_minor"], Self.sold + """
                    SELECT coalesce(c.slug, 'other') AS category, coalesce(max(c.name), 'Other') AS name, count(DISTINCT l.order_id) AS orders,
                           sum(l.qty) AS units, sum(l.total_minor) AS revenue_minor
                    FROM sold JOIN order_lines l ON l.order_id = sold.id
                    LEFT JOIN skus k ON k.code = l.sku LEFT JOIN products p ON p.id = k.product_id LEFT JOIN categories c ON c.id = p.category_id
                    GROUP BY 1 ORDER BY revenue_minor DESC, 1
                    """, totals: ["units", "revenue_minor"])
            case .funnel:
                return try Self.funnel(db, kind: kind, range: range, store: store, args: args)
            case .deliveriesByStore, .deliveriesByRider:
                return try Self.deliveries(db, kind: kind, range: range, store: store, args: args)
            case .membership:
                return try table(["level", "customers"], """
                    SELECT coalesce(m.level, (SELECT json_extract(json, '$.levels[0].name') FROM marketing_policy WHERE id = 1), 'member') AS level,
                           count(*) AS customers
                    FROM accounts a LEFT JOIN memberships m ON m.account_id = a.id WHERE a.role = 'customer'
                    GROUP BY 1 ORDER BY customers DESC, level
                    """, totals: ["customers"])
            case .points:
                return try table(["kind", "lines", "customers", "points"], """
                    SELECT kind, count(*) AS lines, count(DISTINCT account_id) AS customers, sum(points) AS points
                    FROM points_ledger WHERE at >= :from AND at < :end GROUP BY kind ORDER BY kind
                    """, totals: ["lines", "points"])
            case .coupons:
                return try table(["campaign_id", "campaign", "kind", "issued", "used", "discount_minor"], """
                    SELECT c.id AS campaign_id, c.name AS campaign, c.kind,
                           (SELECT count(*) FROM customer_coupons k WHERE k.campaign_id = c.id AND k.issued_at >= :from AND k.issued_at < :end) AS issued,
                           (SELECT count(*) FROM customer_coupons k JOIN orders o ON o.id = k.order_id
                             WHERE k.campaign_id = c.id AND k.status = 'used' AND o.created_at >= :from AND o.created_at < :end) AS used,
                           coalesce((SELECT sum(d.amount_minor) FROM customer_coupons k JOIN orders o ON o.id = k.order_id
                                     JOIN order_discounts d ON d.order_id = o.id AND d.code = 'coupon:' || k.id
                                     WHERE k.campaign_id = c.id AND k.status = 'used' AND o.created_at >= :from AND o.created_at < :end), 0) AS discount_minor
                    FROM coupon_campaigns c ORDER BY c.id
                    """, totals: ["issued", "used", "discount_minor"])
            }
        }
    }

    static func funnel(_ db: Database, kind: ReportKind, range: ReportRange, store: StoreID?, args: StatementArguments) throws -> ReportTable {
        let created = "FROM orders o WHERE o.created_at >= :from AND o.created_at < :end AND (:store IS NULL OR o.store_id = :store)"
        func reached(_ status: String) -> String {
            "SELECT count(*) \(created) AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.status = '\(status)')"
        }
        let carts = store == nil ? try Int.fetchOne(db, sql: "SELECT count(*) FROM cart_starts WHERE at >= :from AND at < :end", arguments: args) : nil
        let stages: [(String, Int?)] = [
            ("carts", carts),
            ("checkouts", try Int.fetchOne(db, sql: "SELECT count(*) \(created)", arguments: args)),
            ("paid", try Int.fetchOne(db, sql: reached("paid"), arguments: args)),
            ("completed", try Int.fetchOne(db, sql: reached("completed"), arguments: args)),
        ]
        var rows: [[ReportValue]] = [], previous: Int?
        for (stage, count) in stages {
            let share: ReportValue = if let count, let previous, previous > 0 { .number(Double(count) * 100 / Double(previous)) } else { .none }
            rows.append([.text(stage), count.map { .integer($0) } ?? .none, share])
            if count != nil { previous = count }
        }
        return ReportTable(kind: kind, range: range, store: store, columns: ["stage", "orders", "of_previous_percent"], rows: rows)
    }

    static func deliveries(_ db: Database, kind: ReportKind, range: ReportRange, store: StoreID?, args: StatementArguments) throws -> ReportTable {
        let raw = try Row.fetchAll(db, sql: """
            SELECT o.store_id, s.name AS store, d.rider_id, r.name AS rider, o.created_at, e.at AS delivered_at, d.promised_at
            FROM orders o
            JOIN (SELECT order_id, max(at) AS at FROM order_events WHERE status = 'delivered' GROUP BY order_id) e ON e.order_id = o.id
            JOIN deliveries d ON d.external_ref = 'order:' || o.id
            JOIN stores s ON s.id = o.store_id
            LEFT JOIN riders r ON r.id = d.rider_id
            WHERE e.at >= :from AND e.at < :end AND (:store IS NULL OR o.store_id = :store)
            """, arguments: args)
        struct Group { var name: String; var minutes: [Double] = []; var onTime = 0 }
        var groups: [Int64: Group] = [:]
        for r in raw {
            let key: Int64 = kind == .deliveriesByStore ? r["store_id"] : (r["rider_id"] ?? 0)
            let name: String = kind == .deliveriesByStore ? r["store"] : (r["rider"] ?? "(no rider)")
            let delivered: Double = r["delivered_at"], created: Double = r["created_at"], promised: Double = r["promised_at"]
            groups[key, default: Group(name: name)].minutes.append((delivered - created) / 60)
            if delivered <= promised { groups[key, default: Group(name: name)].onTime += 1 }
        }
        func percentile(_ sorted: [Double], _ p: Double) -> Double {
            sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        let rows: [[ReportValue]] = groups.sorted { $0.key < $1.key }.map { key, g in
            let sorted = g.minutes.sorted()
            return [.integer(Int(key)), .text(g.name), .integer(sorted.count), .integer(g.onTime),
                    .number(Double(g.onTime) * 100 / Double(sorted.count)), .number(sorted.reduce(0, +) / Double(sorted.count)),
                    .number(percentile(sorted, 0.5)), .number(percentile(sorted, 0.9))]
        }
        let id = kind == .deliveriesByStore ? "store_id" : "rider_id", name = kind == .deliveriesByStore ? "store" : "rider"
        let total = raw.count, onTime = groups.values.reduce(0) { $0 + $1.onTime }
        return ReportTable(kind: kind, range: range, store: store,
                           columns: [id, name, "deliveries", "on_time", "on_time_percent", "mean_minutes", "p50_minutes", "p90_minutes"], rows: rows,
                           totals: ["deliveries": .integer(total), "on_time": .integer(onTime),
                                    "on_time_percent": total > 0 ? .number(Double(onTime) * 100 / Double(total)) : .none])
    }
}
