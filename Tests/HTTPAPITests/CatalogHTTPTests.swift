import Accounts
import Catalog
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Persistence
import Stores
import Testing

@Suite("The catalog over HTTP")
struct CatalogHTTPTests {
    static func app() async throws -> (some ApplicationProtocol, AccountService, StoreService) {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let accounts = DemoFixture.accounts(db, stores: service)
        return (Application(router: try await testRouter(db, service, accounts: accounts),
                            configuration: .init(address: .hostname("127.0.0.1", port: 0))), accounts, service)
    }

    static func bearer(_ accounts: AccountService, _ email: String, _ password: String) async throws -> HTTPFields {
        [.authorization: "Bearer \(try await accounts.login(email: email, password: password).1.token)"]
    }

    @Test("search with words, category, price, near a point, sorts and cursors; a product with a store's prices")
    func search() async throws {
        let (app, _, _) = try await Self.app()
        try await app.test(.router) { client in
            let wine = try await client.execute(uri: "/v1/catalog/search?q=port&category=beverages&sort=price_asc", method: .get)
            #expect(wine.status == .ok)
            let rows = wine.json["results"]?.arrayValue ?? []
            #expect(rows.count == 2 && rows.allSatisfy { $0["category"] == .string("wine") })
            let prices = rows.compactMap { $0["price_minor"]?.numberValue }
            #expect(prices == prices.sorted() && wine.json["currency"] == .string("EUR"))

            // Pages by cursor cover everything once.
            var seen: [String] = [], uri = "/v1/catalog/search?limit=30&sort=sales"
            while true {
                let page = try await client.execute(uri: uri, method: .get)
                seen += page.json["results"]?.arrayValue?.compactMap { $0["sku"]?.stringValue } ?? []
                guard let next = page.json["next_cursor"]?.stringValue else { break }
                uri = "/v1/catalog/search?limit=30&sort=sales&cursor=\(next)"
            }
            #expect(seen.count == 88 && Set(seen).count == 88)

            let near = try await client.execute(uri: "/v1/catalog/search?q=milk&lat=41.1496&lon=-8.6109&radius_m=1000&sort=distance", method: .get)
            let nearest = near.json["results"]?.arrayValue?.first?["nearest"]
            #expect(nearest?["store_id"]?.numberValue != nil && (nearest?["available"]?.numberValue ?? 0) >= 1)

            let product = try await client.execute(uri: "/v1/catalog/products/1?store_id=1", method: .get)
            #expect(product.status == .ok && product.json["skus"]?.arrayValue?.count == 1)
            #expect(product.json["category"]?["path"]?.arrayValue?.count == 2)
        }
    }

    @Test("roles: admins add categories and products; a store's staff set its prices and no other store's")
    func roles() async throws {
        let (app, accounts, stores) = try await Self.app()
        let two = stores.finder.stores(after: nil, limit: 2).map(\.id)
        let admin = try await accounts.bootstrapAdmin(AccountDraft(email: "root@example.com", name: "Root"), password: "admin password")
        _ = try await accounts.create(AccountDraft(email: "staff@example.com", name: "S", role: .staff, stores: [two[0]]),
                                      password: "staff password", by: admin.principal)
        _ = try await accounts.register(AccountDraft(email: "c@example.com", name: "C"), password: "customer pw")
        let adminAuth = try await Self.bearer(accounts, "root@example.com", "admin password")
        let staffAuth = try await Self.bearer(accounts, "staff@example.com", "staff password")
        let customerAuth = try await Self.bearer(accounts, "c@example.com", "customer pw")
        try await app.test(.router) { client in
            let product = #"{"name":"Queijo da Serra","category":"dairy","skus":[{"sku":"DAIRY-900","price_minor":2490}]}"#
            #expect(try await client.execute(uri: "/v1/catalog/products", method: .post, body: body(product)).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/catalog/products", method: .post, headers: customerAuth, body: body(product)).status == .forbidden)
            let created = try await client.execute(uri: "/v1/catalog/products", method: .post, headers: adminAuth, body: body(product))
            #expect(created.status == .created && created.json["skus"]?.arrayValue?.first?["price_minor"] == .number(2490))
            let category = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: adminAuth,
                                                    body: body(#"{"slug":"cheese","name":"Cheese","parent":"dairy"}"#))
            #expect(category.status == .created && category.json["path"] == .array([.string("Groceries"), .string("Dairy and eggs"), .string("Cheese")]))
            let taken = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: adminAuth,
                                                 body: body(#"{"slug":"cheese","name":"Cheese again"}"#))
            #expect(taken.status == .conflict && taken.json["field"] == .string("slug"))

            let price = body(#"{"price_minor":99}"#)
            #expect(try await client.execute(uri: "/v1/stores/\(two[0])/prices/DAIRY-001", method: .put, headers: staffAuth, body: price).status == .noContent)
            #expect(try await client.execute(uri: "/v1/stores/\(two[1])/prices/DAIRY-001", method: .put, headers: staffAuth, body: price).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/stores/\(two[0])/prices/DAIRY-001", method: .put, headers: customerAuth, body: price).status == .forbidden)
            let local = try await client.execute(uri: "/v1/catalog/search?q=whole%20milk&store_id=\(two[0])", method: .get)
            #expect(local.json["results"]?.arrayValue?.first { $0["sku"] == .string("DAIRY-001") }?["price_minor"] == .number(99))
            #expect(try await client.execute(uri: "/v1/stores/\(two[0])/prices/DAIRY-001", method: .delete, headers: staffAuth).status == .noContent)
        }
    }

    @Test("bad input: problems naming the field")
    func badInput() async throws {
        let (app, accounts, _) = try await Self.app()
        let admin = try await accounts.bootstrapAdmin(AccountDraft(email: "root@example.com", name: "Root"), password: "admin password")
        _ = admin
        let auth = try await Self.bearer(accounts, "root@example.com", "admin password")
        try await app.test(.router) { client in
            for (uri, status, field) in [
                ("/v1/catalog/search?limit=0", 400, "limit"), ("/v1/catalog/search?sort=cheapest", 400, "sort"),
                ("/v1/catalog/search?min_price=9&max_price=1", 400, "min_price"), ("/v1/catalog/search?sort=distance", 400, "sort"),
                ("/v1/catalog/search?category=nope", 422, "category"), ("/v1/catalog/search?lat=41&lon=-8&radius_m=90000", 400, "radius_m"),
                ("/v1/catalog/search?radius_m=100", 400, "lat"), ("/v1/catalog/search?cursor=abc", 400, "cursor"),
                ("/v1/catalog/products/0", 400, "id"), ("/v1/catalog/products/99999", 404, "id"),
            ] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(Int(r.status.code) == status && r.json["field"] == .string(field), "\(uri): \(r.json)")
            }
            for (text, status, field) in [
                (#"{"name":"X","category":"dairy","skus":[{"sku":"X-1"}]}"#, 400, "skus[0].price_minor"),
                (#"{"name":"X","category":"dairy","skus":"X-1"}"#, 400, "skus"),
                (#"{"name":"X","category":"nope","skus":[{"sku":"X-1","price_minor":1}]}"#, 422, "category"),
                (#"{"name":"X","category":"dairy","images":["ftp://a"],"skus":[{"sku":"X-1","price_minor":1}]}"#, 400, "images[0]"),
                (#"{"name":"X","category":"dairy","attributes":{"a":1},"skus":[{"sku":"X-1","price_minor":1}]}"#, 400, "attributes.a"),
            ] {
                let r = try await client.execute(uri: "/v1/catalog/products", method: .post, headers: auth, body: body(text))
                #expect(Int(r.status.code) == status && r.json["field"] == .string(field), "\(text): \(r.json)")
            }
        }
    }
}
