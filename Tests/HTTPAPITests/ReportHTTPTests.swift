import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import Kernel
import O2OTestSupport
import Stores
import Testing

@Suite("Reports over HTTP")
struct ReportHTTPTests {
    @Test("JSON, CSV and SVG for admins; staff only their stores' trade; customers none; bad ranges, kinds and formats named")
    func access() async throws {
        let (app, _, service) = try await demoAppWithDatabase()
        _ = try await service.writeStock(of: StoreID(1), [("DAIRY-001", 500)], mode: .set)
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let ana = try await roleAuth(client, admin: admin, email: "ana@example.com", role: "customer", stores: [])
            let staff = try await roleAuth(client, admin: admin, email: "s1@example.com", role: "staff", stores: [1])
            // An order at store 1, for the funnel.
            _ = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: ana, body: body(#"{"sku":"DAIRY-001","qty":2}"#))
            _ = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: ana, body: body(#"{"kind":"pickup","store_id":1}"#))
            #expect(try await client.execute(uri: "/v1/orders", method: .post, headers: ana).status == .created)
            let range = "from=2020-01-01&to=2020-12-31"
            let json = try await client.execute(uri: "/v1/reports/funnel?from=2026-01-01&to=2026-12-31", method: .get, headers: admin)
            #expect(json.status == .ok && json.json["columns"] == .array([.string("stage"), .string("orders"), .string("of_previous_percent")]))
            #expect(json.json["rows"]?.arrayValue?.count == 4)
            let csv = try await client.execute(uri: "/v1/reports/sales-by-day?\(range)&format=csv", method: .get, headers: admin)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv" && String(buffer: csv.body).hasPrefix("day,orders,items,"))
            let svg = try await client.execute(uri: "/v1/reports/sales-by-store?\(range)&format=svg&store_id=1", method: .get, headers: staff)
            #expect(svg.status == .ok && svg.headers[.contentType] == "image/svg+xml" && String(buffer: svg.body).hasPrefix("<svg"))
            let refusals: [(String, HTTPFields, HTTPResponse.Status, String?)] = [
                ("/v1/reports/sales-by-store?store_id=2", staff, .forbidden, nil),
                ("/v1/reports/sales-by-store", staff, .forbidden, nil),
                ("/v1/reports/membership?store_id=1", staff, .forbidden, nil),
                ("/v1/reports/sales-by-day", ana, .forbidden, nil),
                ("/v1/reports/sales-by-day", [:], .unauthorized, nil),
                ("/v1/reports/sales-by-day?from=2026-02-01&to=2026-01-01", admin, .badRequest, "to"),
                ("/v1/reports/sales-by-day?from=2024-01-01&to=2026-01-01", admin, .badRequest, "to"),
                ("/v1/reports/sales-by-day?from=2026-13-01", admin, .badRequest, "from"),
                ("/v1/reports/sales-by-week", admin, .badRequest, "kind"),
                ("/v1/reports/sales-by-day?format=pdf", admin, .badRequest, "format"),
            ]
            for (uri, headers, status, field) in refusals {
                let r = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(r.status == status, "\(uri): \(r.status) \(r.json)")
                #expect(r.contentType == "application/problem+json")
                if let field { #expect(r.json["field"]?.stringValue == field, "\(uri): \(r.json)") }
            }
        }
    }
}
