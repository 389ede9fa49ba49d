import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import O2OTestSupport
import Testing

/// The whole commerce flow against the real server on loopback, with `o2o pay-sandbox` playing
/// the payment provider: a delivery order from cart to review, paid through WeChat Pay's
/// callback (forged and replayed callbacks refused or ignored), and a pickup order paid through
/// Alipay, cancelled and refunded; the providers' statements reconcile with the ledger.
@Suite("Commerce end to end over loopback", .serialized)
struct CommerceFlowTests {
    typealias Server = DurabilityTests.Server

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    static func signIn(_ server: Server, _ email: String, _ password: String) async throws -> String {
        let (status, json) = try await server.request("POST", "/v1/sessions", #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(status == 201 || status == 200, "\(json)")
        return try #require(json["token"] as? String)
    }

    @Test("delivery and pickup from cart to review or refund, paid through the sandbox providers' signed callbacks")
    func deliveryAndPickup() async throws {
        let db = CLITests.tempDB()
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        let payments = folder.appendingPathComponent("payments.json").path
        let admin = try CLITests.run(["accounts", "create-admin", "--db", db, "--geodata", DemoFixture.geoData.path, "--email", "root@example.com",
                                      "--bcrypt-cost", "4"], environment: ["O2O_ADMIN_PASSWORD": "a long admin password"])
        #expect(admin.status == 0, "\(admin.err)")
        let server = try Server(db: db, extra: ["--payments", payments, "--bcrypt-cost", "4", "--dispatch-interval", "0"])
        defer { server.killIfRunning() }
        try await server.waitUntilListening()
        // The settings were made with fresh sandbox keys, readable by their owner only.
        let attributes = try FileManager.default.attributesOfItem(atPath: payments)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // The customer signs up, adds a home address and fills a delivery cart.
        #expect(try await server.request("POST", "/v1/accounts", #"{"email":"ana@example.com","password":"correct horse","name":"Ana"}"#).0 == 201)
        let ana = try await Self.signIn(server, "ana@example.com", "correct horse")
        let (addressStatus, address) = try await server.request("POST", "/v1/me/addresses",
            #"{"recipient":"Ana","phone":"+351 912 345 678","line":"Rua de Santa Catarina 100","lat":41.1486,"lon":-8.6063}"#, headers: Self.bearer(ana))
        #expect(addressStatus == 201, "\(address)")
        let addressID = try #require(address["id"] as? Int)
        #expect(try await server.request("POST", "/v1/cart/lines", #"{"sku":"DAIRY-001","qty":3}"#, headers: Self.bearer(ana)).0 == 200)
        #expect(try await server.request("PUT", "/v1/cart/fulfilment", #"{"kind":"delivery","address_id":\#(addressID)}"#, headers: Self.bearer(ana)).0 == 200)
        let (_, quote) = try await server.request("GET", "/v1/cart", headers: Self.bearer(ana))
        let store = try #require((quote["store"] as? [String: Any])?["id"] as? Int)
        let (orderStatus, order) = try await server.request("POST", "/v1/orders", headers: Self.bearer(ana).merging(["Idempotency-Key": "e2e-1"]) { a, _ in a })
        #expect(orderStatus == 201, "\(order)")
        let id = try #require(order["id"] as? Int)

        // The provider, played by the command line: a forged callback is refused and changes nothing.
        let base = ["pay-sandbox", "pay", "--payments", payments, "--order", String(id), "--server", "http://127.0.0.1:\(server.port)", "--token", ana]
        let forged = try CLITests.run(base + ["--provider", "wechat", "--forged"])
        #expect(forged.status == 3 && forged.out.contains("HTTP 400") && forged.out.contains("\"field\":\"sign\""), "\(forged.out)\(forged.err)")
        let short = try CLITests.run(base + ["--provider", "wechat", "--amount-minor", "1"])
        #expect(short.status == 3 && short.out.contains("HTTP 422") && short.out.contains("total_fee"), "\(short.out)\(short.err)")
        #expect(try await server.request("GET", "/v1/orders/\(id)", headers: Self.bearer(ana)).1["status"] as? String == "awaiting_payment")
        // The genuine callback, delivered twice as providers retry: paid once.
        let paid = try CLITests.run(base + ["--provider", "wechat", "--times", "2"])
        #expect(paid.status == 0, "\(paid.out)\(paid.err)")
        #expect(paid.out.components(separatedBy: "HTTP 200 <xml><return_code><![CDATA[SUCCESS]]>").count == 3, "\(paid.out)")
        let (_, afterPay) = try await server.request("GET", "/v1/orders/\(id)", headers: Self.bearer(ana))
        #expect(afterPay["status"] as? String == "paid")
        #expect((afterPay["timeline"] as? [Any])?.count == 2)

        // Store staff and a dispatcher, made by the admin, move it on; the customer completes and reviews.
        let root = try await Self.signIn(server, "root@example.com", "a long admin password")
        for (email, role, stores) in [("staff@example.com", "staff", "[\(store)]"), ("dispatch@example.com", "dispatcher", "[]")] {
            let (s, j) = try await server.request("POST", "/v1/admin/accounts",
                #"{"email":"\#(email)","password":"a long password","name":"\#(role)","role":"\#(role)","stores":\#(stores)}"#, headers: Self.bearer(root))
            #expect(s == 201, "\(j)")
        }
        let staff = try await Self.signIn(server, "staff@example.com", "a long password")
        let dispatcher = try await Self.signIn(server, "dispatch@example.com", "a long password")
        for (step, who) in [("accepted", staff), ("picking", staff), ("ready", staff), ("with_dispatch", staff), ("picked_up", dispatcher),
                            ("delivered", dispatcher), ("completed", ana)] {
            let (s, j) = try await server.request("POST", "/v1/orders/\(id)/status", #"{"status":"\#(step)"}"#, headers: Self.bearer(who))
            #expect(s == 200 && j["status"] as? String == step, "\(step): \(j)")
        }
        #expect(try await server.request("POST", "/v1/orders/\(id)/review", #"{"rating":5,"text":"Still cold"}"#, headers: Self.bearer(ana)).0 == 201)
        let (_, reviews) = try await server.request("GET", "/v1/stores/\(store)/reviews")
        #expect(reviews["count"] as? Int == 1)

        // A pickup order paid through Alipay, then cancelled: refunded through the provider.
        #expect(try await server.request("POST", "/v1/cart/lines", #"{"sku":"DAIRY-001","qty":1}"#, headers: Self.bearer(ana)).0 == 200)
        #expect(try await server.request("PUT", "/v1/cart/fulfilment", #"{"kind":"pickup","store_id":\#(store)}"#, headers: Self.bearer(ana)).0 == 200)
        let second = try #require(try await server.request("POST", "/v1/orders", headers: Self.bearer(ana)).1["id"] as? Int)
        let alipay = try CLITests.run(["pay-sandbox", "pay", "--payments", payments, "--order", String(second), "--server", "http://127.0.0.1:\(server.port)",
                                       "--provider", "alipay"], environment: ["O2O_TOKEN": ana])
        #expect(alipay.status == 0 && alipay.out.contains("HTTP 200 success"), "\(alipay.out)\(alipay.err)")
        let (cancelStatus, cancelled) = try await server.request("POST", "/v1/orders/\(second)/cancel", #"{"reason":"plans changed"}"#, headers: Self.bearer(ana))
        #expect(cancelStatus == 200 && cancelled["status"] as? String == "refunded")
        let (_, ledger) = try await server.request("GET", "/v1/orders/\(second)/payments", headers: Self.bearer(ana))
        #expect((ledger["payments"] as? [[String: Any]])?.map { $0["status"] as? String } == ["refunded"])
        #expect((ledger["refunds"] as? [[String: Any]])?.map { $0["status"] as? String } == ["succeeded"])
        let statement = try CLITests.run(["pay-sandbox", "statement", "--payments", payments, "--provider", "alipay"])
        #expect(statement.status == 0 && statement.out.split(separator: "\n").count == 3, "\(statement.out)\(statement.err)")

        // The providers' statements against the ledger: balanced.
        let day = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400)), next = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
        for provider in ["wechat", "alipay"] {
            let (s, r) = try await server.request("GET", "/v1/payments/reconciliation?provider=\(provider)&from=\(day)&to=\(next)", headers: Self.bearer(root))
            #expect(s == 200 && r["balanced"] as? Bool == true && r["matched"] as? Int == (provider == "wechat" ? 1 : 2), "\(r)")
        }
        // Bad input to the command line: a message and a non-zero exit.
        let unknown = try CLITests.run(["pay-sandbox", "pay", "--payments", payments, "--order", String(id), "--provider", "paypal", "--token", ana])
        #expect(unknown.status != 0 && unknown.err.contains("--provider"))
        let missing = try CLITests.run(["pay-sandbox", "statement", "--payments", folder.appendingPathComponent("none.json").path, "--provider", "alipay"])
        #expect(missing.status != 0 && missing.err.contains("payments: cannot read"), "\(missing.err)")
        await server.stop()
    }
}
