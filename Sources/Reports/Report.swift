import Foundation
import Kernel

/// The reports o2o gives: sales four ways, the order funnel, delivery KPIs two ways, and the
/// uptake of membership, points and coupons.
public enum ReportKind: String, CaseIterable, Sendable {
    case salesByStore = "sales-by-store"
    case salesByDay = "sales-by-day"
    case salesBySKU = "sales-by-sku"
    case salesByCategory = "sales-by-category"
    case funnel
    case deliveriesByStore = "deliveries-by-store"
    case deliveriesByRider = "deliveries-by-rider"
    case membership
    case points
    case coupons

    /// Reports about customers rather than a store's trade: for admins only.
    public var isCustomerWide: Bool { self == .membership || self == .points || self == .coupons }

    public var title: String {
        switch self {
        case .salesByStore: "Sales by store"
        case .salesByDay: "Sales by day"
        case .salesBySKU: "Sales by SKU"
        case .salesByCategory: "Sales by category"
        case .funnel: "Order funnel"
        case .deliveriesByStore: "Delivery KPIs by store"
        case .deliveriesByRider: "Delivery KPIs by rider"
        case .membership: "Customers by membership level"
        case .points: "Points earned, spent, refunded and lapsed"
        case .coupons: "Coupon uptake by campaign"
        }
    }

    /// The column a chart draws, against the first column.
    public var chartColumn: String {
        switch self {
        case .salesByStore, .salesByDay, .salesByCategory: "total_minor"
        case .salesBySKU: "revenue_minor"
        case .funnel: "orders"
        case .deliveriesByStore, .deliveriesByRider: "on_time_percent"
        case .membership: "customers"
        case .points: "points"
        case .coupons: "used"
        }
    }
}

/// Whole UTC days, `from` through `to`.
public struct ReportRange: Hashable, Sendable {
    public let from: Date
    /// The end, exclusive: midnight after the last day.
    public let end: Date
    public static let maximumDays = 366

    public init(from: Date, end: Date) { self.from = from; self.end = end }

    /// Days as `YYYY-MM-DD`; `to` defaults to today and `from` to 29 days before `to`.
    public static func days(from: String?, to: String?, today: Date = Date()) throws(ReportError) -> ReportRange {
        let end: Date
        if let to {
            guard let day = day(to) else { throw ReportError(field: "to", "to must be a day, YYYY-MM-DD") }
            end = day.addingTimeInterval(86_400)
        } else {
            end = day(format(today))!.addingTimeInterval(86_400)
        }
        let start: Date
        if let from {
            guard let day = day(from) else { throw ReportError(field: "from", "from must be a day, YYYY-MM-DD") }
            start = day
        } else {
            start = end.addingTimeInterval(-30 * 86_400)
        }
        guard start < end else { throw ReportError(field: "to", "the range is reversed: to (\(format(end.addingTimeInterval(-86_400)))) comes before from (\(format(start)))") }
        let days = Int((end.timeIntervalSince(start) / 86_400).rounded())
        guard days <= maximumDays else { throw ReportError(field: "to", "the range covers \(days) days; at most \(maximumDays)") }
        return ReportRange(from: start, end: end)
    }

    public var lastDay: Date { end.addingTimeInterval(-86_400) }

    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1970...2999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d else { return nil }
        return date
    }

    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

/// A bad report request, naming the parameter at fault.
public struct ReportError: Error, Hashable, Sendable {
    public var field: String
    public var message: String
    public init(field: String, _ message: String) { self.field = field; self.message = message }
}

/// One value in a report.
public enum ReportValue: Hashable, Sendable {
    case text(String)
    case integer(Int)
    case number(Double)
    case none

    public var double: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    public var csv: String {
        switch self {
        case .text(let s): s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        case .integer(let i): String(i)
        case .number(let d): String(format: "%.2f", d)
        case .none: ""
        }
    }
}

/// A report: named columns, rows, and the totals of the columns that add up.
public struct ReportTable: Hashable, Sendable {
    public var kind: ReportKind
    public var range: ReportRange
    public var store: StoreID?
    public var columns: [String]
    public var rows: [[ReportValue]]
    public var totals: [String: ReportValue]

    public init(kind: ReportKind, range: ReportRange, store: StoreID?, columns: [String], rows: [[ReportValue]], totals: [String: ReportValue] = [:]) {
        self.kind = kind; self.range = range; self.store = store; self.columns = columns; self.rows = rows; self.totals = totals
    }

    public func column(_ name: String) -> [ReportValue] {
        guard let i = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    public var csv: String {
        ([columns.joined(separator: ",")] + rows.map { $0.map(\.csv).joined(separator: ",") }).joined(separator: "\n") + "\n"
    }
}

/// Reads the reports from storage.
public protocol ReportRepository: Sendable {
    func report(_ kind: ReportKind, range: ReportRange, store: StoreID?) async throws -> ReportTable
}
