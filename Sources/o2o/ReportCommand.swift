import App
import ArgumentParser
import Foundation
import Kernel
import Persistence
import Reports
import Stores

/// `o2o report KIND`: a report from the database, as a table, JSON, CSV or an SVG chart.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Sales, the order funnel, delivery KPIs, and membership, points and coupon uptake.",
        discussion: """
            KIND is one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", ")). Days are UTC days, \
            --from through --to (default: the 30 days to today), at most \(ReportRange.maximumDays). A sale is an order \
            paid and not cancelled, refunded or expired, counted on the day it was paid.
            """)

    @Argument(help: "The report.")
    var kind: String

    @Option(help: "The first day, YYYY-MM-DD.")
    var from: String?

    @Option(help: "The last day, YYYY-MM-DD.")
    var to: String?

    @Option(help: "One store's report.")
    var store: Int64?

    @Option(help: "table, json, csv or svg.")
    var format: String = "table"

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard ReportKind(rawValue: kind) != nil else {
            throw ValidationError("KIND must be one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["table", "json", "csv", "svg"].contains(format) else { throw ValidationError("--format must be table, json, csv or svg") }
        do { _ = try ReportRange.days(from: from, to: to) } catch { throw ValidationError("--\(error.field): \(error.message)") }
        if let store, store < 1 { throw ValidationError("--store must be a store id") }
    }

    func run() async throws {
        do {
            let (db, service) = try await AppDatabase.open(try await database.resolve(), importDemoWhenEmpty: false) { _ in }
            if let store, service.finder.store(StoreID(store)) == nil { throw ValidationError("--store: no store \(store)") }
            let table = try await SpatiaLiteReportRepository(database: db).report(ReportKind(rawValue: kind)!, range: try ReportRange.days(from: from, to: to),
                                                                                  store: store.map { StoreID($0) })
            let text: String
            switch format {
            case "json":
                let rows = table.rows.map { row in Dictionary(uniqueKeysWithValues: zip(table.columns, row.map(Self.plain))) }
                let data = try JSONSerialization.data(withJSONObject: ["report": table.kind.rawValue, "from": ReportRange.format(table.range.from),
                                                                       "to": ReportRange.format(table.range.lastDay), "columns": table.columns,
                                                                       "rows": rows, "totals": table.totals.mapValues(Self.plain)] as [String: Any],
                                                      options: [.sortedKeys, .prettyPrinted])
                text = String(decoding: data, as: UTF8.self) + "\n"
            case "csv": text = table.csv
            case "svg": text = ReportChart.svg(table)
            default: text = Self.table(table)
            }
            if let out {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                print("\(table.kind.title): \(table.rows.count) rows written to \(out)")
            } else {
                print(text, terminator: "")
            }
        } catch let error as ExitCode { throw error } catch let error as ValidationError { throw error } catch { throw Runtime.fail(error) }
    }

    static func plain(_ v: ReportValue) -> Any {
        switch v {
        case .text(let s): s
        case .integer(let i): i
        case .number(let d): (d * 100).rounded() / 100
        case .none: NSNull()
        }
    }

    /// Columns padded to their widest cell, the totals under them.
    static func table(_ t: ReportTable) -> String {
        func cell(_ v: ReportValue) -> String { v == .none ? "–" : v.csv.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        var lines = [t.columns] + t.rows.map { $0.map(cell) }
        if !t.totals.isEmpty { lines.append(t.columns.enumerated().map { i, c in i == 0 ? "total" : t.totals[c].map(cell) ?? "" }) }
        let widths = t.columns.indices.map { i in lines.map { $0[i].count }.max() ?? 0 }
        let body = lines.map { line in line.enumerated().map { i, s in s.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
        return "\(t.kind.title), \(ReportRange.format(t.range.from)) to \(ReportRange.format(t.range.lastDay))\(t.store.map { ", store \($0)" } ?? "")\n"
            + body.joined(separator: "\n") + "\n" + (t.rows.isEmpty ? "(nothing in this range)\n" : "")
    }
}
