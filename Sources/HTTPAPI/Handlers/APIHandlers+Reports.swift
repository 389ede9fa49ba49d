import Foundation
import Kernel
import O2OAPI
import OpenAPIRuntime
import Reports
import Stores

/// `GET /v1/reports/{kind}`: sales, the funnel, delivery KPIs and marketing uptake, as JSON,
/// CSV or an SVG chart (admins see everything; store staff their own stores' trade reports);
/// and the admin's `GET /v1/ops/stock-check`, the stock index against the database.
extension APIHandlers {
    func getReport(_ input: Operations.GetReport.Input) async throws -> Operations.GetReport.Output {
        guard let kind = ReportKind(rawValue: input.path.kind) else {
            throw DomainError(.invalid, field: "kind", "kind must be one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let store = input.query.storeId.map { StoreID(Int64($0)) }
        _ = try context.signedIn()
        if kind.isCustomerWide || store == nil {
            _ = try context.admin(kind.isCustomerWide ? "read customer-wide reports" : "read reports across all stores (staff give store_id)")
        } else if let store {
            _ = try context.runs(store)
        }
        let range: ReportRange
        do { range = try ReportRange.days(from: input.query.from, to: input.query.to) } catch {
            throw DomainError(.invalid, field: error.field, error.message)
        }
        let format = input.query.format ?? "json"
        guard ["json", "csv", "svg"].contains(format) else { throw DomainError(.invalid, field: "format", "format must be json, csv or svg") }
        let table = try await reports.report(kind, range: range, store: store)
        return switch format {
        case "csv": .ok(.init(body: .csv(HTTPBody(table.csv))))
        case "svg": .ok(.init(body: .imageSvgXml(HTTPBody(ReportChart.svg(table)))))
        default: .ok(.init(body: .json(try Self.report(table))))
        }
    }

    func stockCheck(_ input: Operations.StockCheck.Input) async throws -> Operations.StockCheck.Output {
        _ = try context.admin("compare the stock index with the database")
        let check = try await stores.checkStock()
        return .ok(.init(body: .json(.init(consistent: check.differences.isEmpty, differences: check.differences,
                                           indexRows: check.finderRows, storageRows: check.storageRows))))
    }

    // MARK: - Translation

    static func value(_ v: ReportValue) -> (any Sendable)? {
        switch v {
        case .text(let s): s
        case .integer(let i): i
        case .number(let d): (d * 100).rounded() / 100
        case .none: nil
        }
    }

    static func report(_ t: ReportTable) throws -> Components.Schemas.Report {
        .init(columns: t.columns, from: ReportRange.format(t.range.from), report: t.kind.rawValue,
              rows: try t.rows.map { row in
                  try OpenAPIObjectContainer(unvalidatedValue: Dictionary(uniqueKeysWithValues: zip(t.columns, row.map(value))))
              },
              storeId: t.store.map { Int($0.rawValue) }, title: t.kind.title, to: ReportRange.format(t.range.lastDay),
              totals: try OpenAPIObjectContainer(unvalidatedValue: t.totals.mapValues(value)))
    }
}
