import Accounts
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Reports
import Stores

/// `GET /v1/reports/{kind}`: sales, the funnel, delivery KPIs and marketing uptake, as JSON,
/// CSV or an SVG chart. Admins see everything; store staff their own stores' trade reports.
struct ReportRoutes: Sendable {
    let reports: any ReportRepository

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/reports/:kind") { request, context in try await report(request, context) }
    }

    func report(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("kind") ?? ""
        guard let kind = ReportKind(rawValue: name) else {
            throw Problem.invalid("kind", "kind must be one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let store = try Input.queryInt(request, "store_id").map { StoreID(Int64($0)) }
        let caller = try context.signedIn()
        if kind.isCustomerWide || store == nil {
            _ = try context.admin(kind.isCustomerWide ? "read customer-wide reports" : "read reports across all stores (staff give store_id)")
        } else if let store {
            _ = try context.runs(store)
        }
        _ = caller
        let query = request.uri.queryParameters
        let range: ReportRange
        do { range = try ReportRange.days(from: query["from"].map(String.init), to: query["to"].map(String.init)) } catch {
            throw Problem.invalid(error.field, error.message)
        }
        let format = query["format"].map(String.init) ?? "json"
        guard ["json", "csv", "svg"].contains(format) else { throw Problem.invalid("format", "format must be json, csv or svg") }
        let table = try await reports.report(kind, range: range, store: store)
        switch format {
        case "csv":
            return Response(status: .ok, headers: [.contentType: "text/csv"], body: .init(byteBuffer: ByteBuffer(string: table.csv)))
        case "svg":
            return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(string: ReportChart.svg(table))))
        default:
            return try JSONBody(value: Self.json(table)).response(from: request, context: context)
        }
    }

    static func value(_ v: ReportValue) -> JSONValue {
        switch v {
        case .text(let s): .string(s)
        case .integer(let i): .number(Double(i))
        case .number(let d): .number((d * 100).rounded() / 100)
        case .none: .null
        }
    }

    static func json(_ t: ReportTable) -> JSONValue {
        .object([
            "report": .string(t.kind.rawValue), "title": .string(t.kind.title),
            "from": .string(ReportRange.format(t.range.from)), "to": .string(ReportRange.format(t.range.lastDay)),
            "store_id": t.store.map { .number(Double($0.rawValue)) } ?? .null,
            "columns": .array(t.columns.map(JSONValue.string)),
            "rows": .array(t.rows.map { row in .object(Dictionary(uniqueKeysWithValues: zip(t.columns, row.map(value)))) }),
            "totals": .object(t.totals.mapValues(value)),
        ])
    }
}
