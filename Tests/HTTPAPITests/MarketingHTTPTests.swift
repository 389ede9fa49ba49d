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

@Suite("Membership and marketing over HTTP")
struct MarketingHTTPTests {
    @Test("an admin's campaign claimed by code, the cart picking it, the order naming it; a flash sale by the store's staff; one's membership")
    func flow() async throws {
        let (app, _, service) = try await demoAppWithDatabase()
        _ = try await service.writeStock(of: StoreID(1), [("DAIRY-001", 500)], mode: .set)
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let ana = try await roleAuth(client, admin: admin, email: "ana@example.com", role: "customer", stores: [])
            let staff = try await roleAuth(client, admin: admin, email: "staff1@example.com", role: "staff", stores: [1])
            let made = try await client.execute(uri: "/v1/marketing/campaigns", method: .post, headers: admin, body: body(
                #"{"name":"welcome","kind":"percent","percent_bp":1000,"cap_minor":300,"scope":"category","scope_value":"dairy","valid_from":"2020-01-01T00:00:00Z","valid_until":"2099-01-01T00:00:00Z","issuance":"code","code":"WELCOME-10","total_limit":2}"#))
            #expect(made.status == .created, "\(made.json)")
            #expect(try await client.execute(uri: "/v1/me/coupons", method: .post, headers: ana, body: body(#"{"code":"welcome-10"}"#)).status == .created)
            let again = try await client.execute(uri: "/v1/me/coupons", method: .post, headers: ana, body: body(#"{"code":"WELCOME-10"}"#))
            #expect(again.status == .conflict && again.json["field"] == .string("id"), "one per customer: \(again.json)")
            // Two in all: a second customer gets the last; a third finds them gone; staff are not customers.
            let bo = try await roleAuth(client, admin: admin, email: "bo@example.com", role: "customer", stores: [])
            let cy = try await roleAuth(client, admin: admin, email: "cy@example.com", role: "customer", stores: [])
            #expect(try await client.execute(uri: "/v1/me/coupons", method: .post, headers: staff, body: body(#"{"code":"WELCOME-10"}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: "/v1/me/coupons", method: .post, headers: bo, body: body(#"{"code":"WELCOME-10"}"#)).status == .created)
            let gone = try await client.execute(uri: "/v1/me/coupons", method: .post, headers: cy, body: body(#"{"code":"WELCOME-10"}"#))
            #expect(gone.status == .conflict && gone.json["detail"]?.stringValue?.contains("all 2 coupons") == true, "\(gone.json)")
            let wallet = try await client.execute(uri: "/v1/me/coupons", method: .get, headers: ana).json["coupons"]?.arrayValue ?? []
            let couponID = try #require(wallet.first?["id"]?.numberValue)

            // A flash sale on another SKU by store 1's staff; another store's staff may not.
            let sale = #"{"store_id":1,"sku":"BAKERY-005","price_minor":10,"quantity":5,"per_customer":1,"ends_at":"2099-01-01T00:00:00Z"}"#
            #expect(try await client.execute(uri: "/v1/marketing/flash-sales", method: .post, headers: staff, body: body(sale)).status == .created)
            #expect(try await client.execute(uri: "/v1/marketing/flash-sales?store_id=1", method: .get).json["flash_sales"]?.arrayValue?.count == 1)

            _ = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: ana, body: body(#"{"sku":"DAIRY-001","qty":3}"#))
            _ = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: ana, body: body(#"{"kind":"pickup","store_id":1}"#))
            let quote = try await client.execute(uri: "/v1/cart/discounts", method: .put, headers: ana, body: body(#"{"coupon_id":\#(Int(couponID)),"points":0}"#))
            #expect(quote.status == .ok)
            let discounts = quote.json["discounts"]?.arrayValue ?? []
            #expect(discounts.map { $0["code"]?.stringValue } == ["coupon:\(Int(couponID))"], "\(quote.json)")
            let order = try await client.execute(uri: "/v1/orders", method: .post, headers: ana)
            #expect(order.status == .created, "\(order.json)")
            #expect(order.json["discounts"]?.arrayValue?.first?["code"] == .string("coupon:\(Int(couponID))"))
            #expect(order.json["discount_minor"] == discounts.first?["amount_minor"])
            let used = try await client.execute(uri: "/v1/me/coupons", method: .get, headers: ana).json["coupons"]?.arrayValue?.first
            #expect(used?["status"] == .string("used") && used?["order_id"] == order.json["id"])

            let me = try await client.execute(uri: "/v1/me/membership", method: .get, headers: ana)
            #expect(me.status == .ok && me.json["level"]?["name"] == .string("member") && me.json["points"] == .number(0))
            #expect(me.json["next_level"]?["name"] == .string("silver"))
            let listed = try await client.execute(uri: "/v1/marketing/campaigns", method: .get, headers: admin).json["campaigns"]?.arrayValue?.first
            #expect(listed?["issued"] == .number(2) && listed?["used"] == .number(1))
        }
    }

    @Test("a price cut by the store's staff shows in the quote; another store's staff may not; a cut at every store is an admin's")
    func priceCut() async throws {
        let (app, _, service) = try await demoAppWithDatabase()
        _ = try await service.writeStock(of: StoreID(1), [("DAIRY-001", 500)], mode: .set)
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let ana = try await roleAuth(client, admin: admin, email: "ana@example.com", role: "customer", stores: [])
            let staff = try await roleAuth(client, admin: admin, email: "s1@example.com", role: "staff", stores: [1])
            let other = try await roleAuth(client, admin: admin, email: "s2@example.com", role: "staff", stores: [2])
            let cut = #"{"name":"milk week","store_id":1,"sku":"DAIRY-001","price_minor":9,"starts_at":"2020-01-01T00:00:00Z","ends_at":"2099-01-01T00:00:00Z"}"#
            #expect(try await client.execute(uri: "/v1/marketing/price-cuts", method: .post, headers: other, body: body(cut)).status == .forbidden)
            let everywhere = #"{"name":"all","sku":"DAIRY-001","price_minor":9,"ends_at":"2099-01-01T00:00:00Z"}"#
            #expect(try await client.execute(uri: "/v1/marketing/price-cuts", method: .post, headers: staff, body: body(everywhere)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/marketing/price-cuts", method: .post, headers: staff, body: body(cut)).status == .created)
            #expect(try await client.execute(uri: "/v1/marketing/price-cuts?store_id=1", method: .get).json["price_cuts"]?.arrayValue?.count == 1)
            _ = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: ana, body: body(#"{"sku":"DAIRY-001","qty":2}"#))
            let quote = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: ana, body: body(#"{"kind":"pickup","store_id":1}"#))
            let line = try #require(quote.json["lines"]?.arrayValue?.first?["unit_price_minor"]?.numberValue)
            let discount = try #require(quote.json["discounts"]?.arrayValue?.first)
            #expect(discount["code"] == .string("cut:1") && discount["amount_minor"] == .number((line - 9) * 2), "\(quote.json)")
        }
    }

    @Test("bad input: each refusal names its field and changes nothing")
    func badInput() async throws {
        let (app, _, _) = try await demoAppWithDatabase()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let ana = try await roleAuth(client, admin: admin, email: "ana@example.com", role: "customer", stores: [])
            let other = try await roleAuth(client, admin: admin, email: "staff2@example.com", role: "staff", stores: [2])
            let cases: [(HTTPRequest.Method, String, HTTPFields, String, HTTPResponse.Status, String)] = [
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"bogus","valid_until":"2099-01-01T00:00:00Z"}"#, .badRequest, "kind"),
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"fixed","amount_minor":0,"valid_until":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "amount_minor"),
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"threshold","minimum_minor":100,"off_minor":500,"valid_until":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "minimum_minor"),
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"fixed","amount_minor":100,"valid_from":"2099-01-02T00:00:00Z","valid_until":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "valid_until"),
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"fixed","amount_minor":100,"scope":"sku","valid_until":"2099-01-01T00:00:00Z"}"#, .badRequest, "scope_value"),
                (.post, "/v1/marketing/campaigns", admin, #"{"name":"x","kind":"fixed","amount_minor":100,"issuance":"on_level","on_level":"diamond","valid_until":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "on_level"),
                (.post, "/v1/marketing/campaigns", ana, #"{"name":"x","kind":"fixed","amount_minor":100,"valid_until":"2099-01-01T00:00:00Z"}"#, .forbidden, ""),
                (.post, "/v1/me/coupons", ana, #"{"code":"NOPE-NOPE"}"#, .unprocessableContent, "code"),
                (.put, "/v1/cart/discounts", ana, #"{"points":5}"#, .conflict, "points"),
                (.put, "/v1/cart/discounts", ana, #"{"points":-1}"#, .unprocessableContent, "points"),
                (.put, "/v1/cart/discounts", ana, #"{"coupon_id":999}"#, .unprocessableContent, "coupon_id"),
                (.put, "/v1/marketing/membership", admin, #"{"levels":[{"name":"a","minimum_spend_minor":5}],"window_days":365,"points_per_unit":1,"point_value_minor":1,"points_lifetime_days":365,"maximum_points_share_percent":50}"#, .unprocessableContent, "levels[0].minimum_spend_minor"),
                (.put, "/v1/marketing/membership", admin, #"{"levels":[{"name":"a","minimum_spend_minor":0,"discount_bp":9000}],"window_days":365,"points_per_unit":1,"point_value_minor":1,"points_lifetime_days":365,"maximum_points_share_percent":50}"#, .unprocessableContent, "levels[0].discount_bp"),
                (.post, "/v1/marketing/flash-sales", other, #"{"store_id":1,"sku":"DAIRY-001","price_minor":10,"quantity":5,"ends_at":"2099-01-01T00:00:00Z"}"#, .forbidden, ""),
                (.post, "/v1/marketing/flash-sales", admin, #"{"store_id":1,"sku":"NOPE-1","price_minor":10,"quantity":5,"ends_at":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "sku"),
                (.post, "/v1/marketing/flash-sales", admin, #"{"store_id":1,"sku":"DAIRY-001","price_minor":10,"quantity":0,"ends_at":"2099-01-01T00:00:00Z"}"#, .unprocessableContent, "quantity"),
                (.post, "/v1/marketing/campaigns/99/issue", admin, #"{"accounts":[1]}"#, .notFound, "id"),
            ]
            for (method, uri, headers, text, status, field) in cases {
                let r = try await client.execute(uri: uri, method: method, headers: headers, body: body(text))
                #expect(r.status == status, "\(uri) \(text): \(r.status) \(r.json)")
                #expect(r.contentType == "application/problem+json")
                if !field.isEmpty { #expect(r.json["field"]?.stringValue == field, "\(uri) \(text): \(r.json)") }
            }
            #expect(try await client.execute(uri: "/v1/marketing/campaigns", method: .get, headers: admin).json["campaigns"]?.arrayValue?.isEmpty == true)
            #expect(try await client.execute(uri: "/v1/marketing/flash-sales?active=false", method: .get).json["flash_sales"]?.arrayValue?.isEmpty == true)
            #expect(try await client.execute(uri: "/v1/marketing/membership", method: .get).json["levels"]?.arrayValue?.count == 4, "the rules unchanged")
        }
    }
}
