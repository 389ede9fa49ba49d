import Accounts
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Persistence
import Stores
import Testing

@Suite("Accounts over HTTP")
struct AccountsHTTPTests {
    static func app() async throws -> (some ApplicationProtocol, AccountService, StoreService) {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        // A clock that stands still: Retry-After is then exact however slowly the test runs.
        let clock = TestClock()
        let accounts = DemoFixture.accounts(db, stores: service, now: { clock.now })
        return (Application(router: try await testRouter(db, service, accounts: accounts),
                            configuration: .init(address: .hostname("127.0.0.1", port: 0))), accounts, service)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test("sign up, sign in, profile, addresses in GCJ-02, favourites, history, sign out")
    func customerFlow() async throws {
        let (app, _, stores) = try await Self.app()
        let store = try #require(stores.finder.stores(after: nil, limit: 1).first)
        try await app.test(.router) { client in
            let created = try await client.execute(uri: "/v1/accounts", method: .post, body: body(
                #"{"email":"Ana@Example.com","password":"correct horse","name":"Ana","phone":"+351 912 345 678"}"#))
            #expect(created.status == .created)
            #expect(created.json["email"] == .string("ana@example.com") && created.json["role"] == .string("customer"))
            let session = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"ana@example.com","password":"correct horse"}"#))
            #expect(session.status == .created && session.json["token_type"] == .string("Bearer"))
            let token = try #require(session.json["token"]?.stringValue)
            let auth = Self.bearer(token)

            let me = try await client.execute(uri: "/v1/me", method: .get, headers: auth)
            #expect(me.status == .ok && me.json["id"] == created.json["id"])
            let renamed = try await client.execute(uri: "/v1/me", method: .patch, headers: auth, body: body(#"{"name":"Ana M.","phone":null}"#))
            #expect(renamed.json["name"] == .string("Ana M.") && (renamed.json["phone"] ?? .null) == .null, "null clears the phone")
            let kept = try await client.execute(uri: "/v1/me", method: .patch, headers: auth, body: body(#"{"phone":"+351 912 000 000"}"#))
            let named = try await client.execute(uri: "/v1/me", method: .patch, headers: auth, body: body(#"{"name":"Ana"}"#))
            #expect(kept.json["phone"] == .string("+351 912 000 000") && named.json["phone"] == .string("+351 912 000 000"),
                    "a member left out is kept")

            // A Shanghai address as a Chinese map SDK gives it (GCJ-02): stored in WGS84, the given numbers kept.
            let wgs = Coordinate(latitude: 31.2304, longitude: 121.4737)
            let gcj = CoordinateSystem.gcj02.fromWGS84(wgs)
            let added = try await client.execute(uri: "/v1/me/addresses", method: .post, headers: auth, body: body(
                #"{"label":"home","recipient":"Ana","phone":"+86 138 0000 0000","line":"人民广场 1号","lat":\#(gcj.latitude),"lon":\#(gcj.longitude),"crs":"gcj02"}"#))
            #expect(added.status == .created)
            let lat = try #require(added.json["lat"]?.numberValue), lon = try #require(added.json["lon"]?.numberValue)
            #expect(Coordinate(latitude: lat, longitude: lon).distance(to: wgs) < 0.01)
            #expect(added.json["given"]?["crs"] == .string("gcj02") && added.json["default"] == .bool(true))
            let listed = try await client.execute(uri: "/v1/me/addresses", method: .get, headers: auth)
            #expect(listed.json["addresses"]?.arrayValue?.count == 1)

            #expect(try await client.execute(uri: "/v1/me/favourites/\(store.id)", method: .put, headers: auth).status == .noContent)
            let favourites = try await client.execute(uri: "/v1/me/favourites", method: .get, headers: auth)
            #expect(favourites.json["stores"]?.arrayValue?.first?["id"] == .number(Double(store.id.rawValue)))
            #expect(try await client.execute(uri: "/v1/me/history", method: .post, headers: auth, body: body(#"{"sku":"DAIRY-001"}"#)).status == .noContent)
            #expect(try await client.execute(uri: "/v1/me/history", method: .post, headers: auth, body: body(#"{"store_id":\#(store.id)}"#)).status == .noContent)
            let history = try await client.execute(uri: "/v1/me/history?limit=5", method: .get, headers: auth)
            #expect(history.json["views"]?.arrayValue?.count == 2)

            #expect(try await client.execute(uri: "/v1/sessions/current", method: .delete, headers: auth).status == .noContent)
            let after = try await client.execute(uri: "/v1/me", method: .get, headers: auth)
            #expect(after.status == .unauthorized && after.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(after.contentType == "application/problem+json")
        }
    }

    @Test("roles: anonymous 401, a customer 403 on admin routes, an admin creates staff for a store")
    func roles() async throws {
        let (app, accounts, stores) = try await Self.app()
        let store = try #require(stores.finder.stores(after: nil, limit: 1).first)
        _ = try await accounts.bootstrapAdmin(AccountDraft(email: "root@example.com", name: "Root"), password: "admin password")
        _ = try await accounts.register(AccountDraft(email: "c@example.com", name: "C"), password: "customer pw")
        try await app.test(.router) { client in
            func token(_ email: String, _ password: String) async throws -> String {
                let r = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"\#(email)","password":"\#(password)"}"#))
                return try #require(r.json["token"]?.stringValue)
            }
            let admin = Self.bearer(try await token("root@example.com", "admin password"))
            let customer = Self.bearer(try await token("c@example.com", "customer pw"))
            let staff = #"{"email":"s@example.com","password":"staff password","name":"S","role":"staff","stores":[\#(store.id)]}"#
            #expect(try await client.execute(uri: "/v1/admin/accounts", method: .post, body: body(staff)).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/admin/accounts", method: .post, headers: customer, body: body(staff)).status == .forbidden)
            let created = try await client.execute(uri: "/v1/admin/accounts", method: .post, headers: admin, body: body(staff))
            #expect(created.status == .created && created.json["stores"] == .array([.number(Double(store.id.rawValue))]))
            let page = try await client.execute(uri: "/v1/admin/accounts?limit=2", method: .get, headers: admin)
            #expect(page.json["accounts"]?.arrayValue?.count == 2 && page.json["next_cursor"] != .null)
            #expect(try await client.execute(uri: "/v1/me", method: .get).status == .unauthorized)
            // A header that is not a bearer token, or a forged token, is refused on any route.
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: [.authorization: "Basic YTpi"]).status == .unauthorized)
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: Self.bearer(SessionToken.generate())).status == .unauthorized)
        }
    }

    @Test("bad input and guessing: problems naming the field; the sixth wrong password gets 429 with Retry-After")
    func badInput() async throws {
        let (app, accounts, _) = try await Self.app()
        _ = try await accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "correct horse")
        let auth = Self.bearer(try await accounts.login(email: "ana@example.com", password: "correct horse").1.token)
        try await app.test(.router) { client in
            let address = #"{"recipient":"Ana","phone":"+351 912 345 678","line":"Rua 1","lat":41.15,"lon":-8.61"#
            for (text, field) in [(address + #","crs":"mars"}"#, "crs"), (address.replacingOccurrences(of: "41.15", with: "91") + "}", "lat"),
                                  (address + #","colour":"red"}"#, "colour"), (address + #","default":"yes"}"#, "default")] {
                let r = try await client.execute(uri: "/v1/me/addresses", method: .post, headers: auth, body: body(text))
                #expect(r.status == .badRequest && r.json["field"] == .string(field), "\(text): \(r.json)")
            }
            #expect(try await client.execute(uri: "/v1/me/addresses/9999", method: .delete, headers: auth).status == .notFound)
            #expect(try await client.execute(uri: "/v1/me/favourites/9999999", method: .put, headers: auth).status == .unprocessableContent)
            #expect(try await client.execute(uri: "/v1/me/history?limit=0", method: .get, headers: auth).status == .badRequest)
            let cases: [(String, String, Int, String)] = [
                ("/v1/accounts", #"{"email":"ana","password":"correct horse","name":"A"}"#, 400, "email"),
                ("/v1/accounts", #"{"email":"x@example.com","password":"short","name":"A"}"#, 400, "password"),
                ("/v1/accounts", #"{"email":"x@example.com","password":"correct horse"}"#, 400, "name"),
                ("/v1/accounts", #"{"email":"x@example.com","password":"correct horse","name":"A","role":"admin"}"#, 400, "role"),
                ("/v1/accounts", #"{"email":"ANA@example.com","password":"correct horse","name":"A"}"#, 409, "email"),
                ("/v1/sessions", #"{"email":"ana@example.com"}"#, 400, "password"),
                ("/v1/sessions", "not json", 400, "body"),
            ]
            for (uri, text, status, field) in cases {
                let r = try await client.execute(uri: uri, method: .post, body: body(text))
                #expect(Int(r.status.code) == status, "\(text)")
                #expect(r.json["field"] == .string(field), "\(text): \(r.json)")
                #expect(r.contentType == "application/problem+json")
            }
            for _ in 0..<5 {
                let r = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"ana@example.com","password":"wrong guess"}"#))
                #expect(r.status == .unauthorized)
            }
            let locked = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"ana@example.com","password":"correct horse"}"#))
            #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] == "900")
        }
    }
}

@Suite("The cart over HTTP")
struct CartHTTPTests {
    @Test("a signed-in customer fills a cart, chooses delivery to an address, and gets a quote that says what stops a checkout")
    func cartFlow() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let accounts = DemoFixture.accounts(db, stores: service)
        let app = Application(router: try await testRouter(db, service, accounts: accounts),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        _ = try await accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "correct horse")
        let auth: HTTPFields = [.authorization: "Bearer \(try await accounts.login(email: "ana@example.com", password: "correct horse").1.token)"]
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/v1/cart", method: .get).status == .unauthorized)
            let added = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: auth, body: body(#"{"sku":"DAIRY-001","qty":2}"#))
            #expect(added.status == .ok && added.json["lines"]?.arrayValue?.first?["qty"] == .number(2))
            #expect(added.json["problems"]?.arrayValue?.first?["field"] == .string("fulfilment") && added.json["can_check_out"] == .bool(false))
            let address = try await client.execute(uri: "/v1/me/addresses", method: .post, headers: auth, body: body(
                #"{"recipient":"Ana","phone":"+351 912 345 678","line":"Rua de Santa Catarina 100","lat":41.1486,"lon":-8.6063}"#))
            let addressID = try #require(address.json["id"]?.numberValue)
            let quoted = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: auth,
                                                  body: body(#"{"kind":"delivery","address_id":\#(Int(addressID))}"#))
            #expect(quoted.status == .ok && quoted.json["store"] != .null && quoted.json["currency"] == .string("EUR"))
            let subtotal = quoted.json["subtotal_minor"]?.numberValue ?? -1, fee = quoted.json["delivery_fee_minor"]?.numberValue ?? -1
            #expect(quoted.json["total_minor"]?.numberValue == subtotal + fee)
            let changed = try await client.execute(uri: "/v1/cart/lines/DAIRY-001", method: .put, headers: auth, body: body(#"{"qty":5}"#))
            #expect(changed.json["lines"]?.arrayValue?.first?["qty"] == .number(5))
            for (method, uri, text, field) in [(HTTPRequest.Method.post, "/v1/cart/lines", #"{"sku":"NOPE","qty":1}"#, "sku"),
                                               (.put, "/v1/cart/lines/DAIRY-001", #"{"qty":-1}"#, "qty"),
                                               (.put, "/v1/cart/fulfilment", #"{"kind":"drone"}"#, "kind"),
                                               (.put, "/v1/cart/fulfilment", #"{"kind":"pickup","store_id":999999}"#, "store_id")] {
                let r = try await client.execute(uri: uri, method: method, headers: auth, body: body(text))
                #expect(r.status.code >= 400 && r.status.code < 500 && r.json["field"] == .string(field), "\(text): \(r.json)")
            }
            #expect(try await client.execute(uri: "/v1/cart", method: .delete, headers: auth).status == .noContent)
            #expect(try await client.execute(uri: "/v1/cart", method: .get, headers: auth).json["lines"] == .array([]))
        }
    }
}
