import Accounts
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Orders
import Payments
import Persistence
import Stores
import Testing

@Suite("Orders over HTTP")
struct OrdersHTTPTests {
    /// A payment's payload as the API renders it.
    static func payload(_ json: JSONValue) throws -> PaymentPayload {
        let p = try #require(json["payload"])
        return PaymentPayload(kind: try #require(PaymentPayload.Kind(rawValue: p["kind"]?.stringValue ?? "")), url: try #require(p["url"]?.stringValue),
                              fields: try #require(p["fields"]?.objectValue).compactMapValues(\.stringValue))
    }

    @Test("pickup end to end: checkout with an Idempotency-Key, payment through a provider's signed callback (forged and replayed ones refused or ignored), the store's queue, each step, a refused step and a stranger's read")
    func flow() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let clock = TestClock()
        let accounts = DemoFixture.accounts(db, stores: service, now: { clock.now })
        let records = DemoFixture.sandboxRecords()
        let provider = SandboxGateway(providers: try DemoFixture.paymentSettings.sandboxProviders(), records: records,
                                      now: { Date(timeIntervalSince1970: 1_767_603_600) })
        let app = Application(router: try await testRouter(db, service, accounts: accounts, paymentRecords: records),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        _ = try await accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "correct horse")
        _ = try await accounts.register(AccountDraft(email: "bo@example.com", name: "Bo"), password: "password two")
        let admin = try await accounts.bootstrapAdmin(AccountDraft(email: "root@example.com", name: "Root"), password: "admin password")
        func auth(_ email: String, _ password: String) async throws -> HTTPFields {
            [.authorization: "Bearer \(try await accounts.login(email: email, password: password).1.token)"]
        }
        let ana = try await auth("ana@example.com", "correct horse"), bo = try await auth("bo@example.com", "password two")
        let store = service.finder.stores(after: nil, limit: 300).first { (service.finder.available("DAIRY-001", at: $0.id) ?? 0) >= 2 }!
        _ = try await accounts.create(AccountDraft(email: "staff@example.com", name: "S", role: .staff, stores: [store.id]),
                                      password: "staff password", by: admin.principal)
        let staff = try await auth("staff@example.com", "staff password")
        let rootAuth = try await auth("root@example.com", "admin password")
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: ana, body: body(#"{"sku":"DAIRY-001","qty":2}"#))
            _ = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: ana, body: body(#"{"kind":"pickup","store_id":\#(store.id)}"#))
            var keyed = ana
            keyed[.init("Idempotency-Key")!] = "checkout-1"
            let created = try await client.execute(uri: "/v1/orders", method: .post, headers: keyed)
            #expect(created.status == .created && created.json["status"] == .string("awaiting_payment"))
            let again = try await client.execute(uri: "/v1/orders", method: .post, headers: keyed)
            #expect(again.status == .ok && again.json["id"] == created.json["id"])
            let id = Int(created.json["id"]?.numberValue ?? 0)
            let code = try #require(created.json["fulfilment"]?["code"]?.stringValue)
            // A store with orders stays for their history: deleting it is refused and changes nothing.
            let deleting = try await client.execute(uri: "/v1/stores/\(store.id)", method: .delete, headers: rootAuth)
            #expect(deleting.status == .conflict && deleting.json["field"] == .string("id"), "\(deleting.json)")
            #expect(try await client.execute(uri: "/v1/stores/\(store.id)", method: .get).status == .ok)
            #expect(service.finder.available("DAIRY-001", at: store.id) != nil)

            #expect(try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: bo).status == .forbidden)
            let early = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: staff, body: body(#"{"status":"accepted"}"#))
            #expect(early.status == .conflict && early.json["field"] == .string("status"))

            // Paying: the customer's alone; the provider must be one o2o knows.
            let payBody = body(#"{"provider":"unionpay"}"#)
            #expect(try await client.execute(uri: "/v1/orders/\(id)/payments", method: .post, headers: bo, body: payBody).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/orders/\(id)/payments", method: .post, headers: ana, body: body(#"{"provider":"paypal"}"#)).json["field"]
                == .string("provider"))
            let payment = try await client.execute(uri: "/v1/orders/\(id)/payments", method: .post, headers: ana, body: payBody)
            #expect(payment.status == .created && payment.json["status"] == .string("pending") && payment.json["amount_minor"] == created.json["total_minor"])
            #expect(try await client.execute(uri: "/v1/orders/\(id)/payments", method: .post, headers: ana, body: payBody).status == .ok)
            let payload = try Self.payload(payment.json)
            #expect(payload.kind == .form && payload.fields["signature"] != nil)
            // The provider's callbacks: a forged one and one for another amount are refused and change nothing.
            func notify(_ n: (contentType: String, body: Data)) async throws -> TestResponse {
                try await client.execute(uri: "/v1/payments/unionpay/notify", method: .post, headers: [.contentType: n.contentType],
                                         body: ByteBuffer(bytes: n.body))
            }
            let forged = try await notify(try provider.pay(payload, provider: .unionpay, forged: true).notification)
            #expect(forged.status == .badRequest && forged.contentType == "application/problem+json" && forged.json["field"] == .string("signature"))
            let short = try await notify(try provider.pay(payload, provider: .unionpay, amount: .init(minor: 1, currency: "EUR")).notification)
            #expect(short.status == .unprocessableContent && short.json["field"] == .string("txnAmt"))
            #expect(try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: ana).json["status"] == .string("awaiting_payment"))
            let genuine = try provider.pay(payload, provider: .unionpay).notification
            let acked = try await notify(genuine)
            #expect(acked.status == .ok && String(buffer: acked.body) == "ok")
            let paid = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: ana)
            #expect(paid.json["status"] == .string("paid"))
            // Replayed: acknowledged the same, nothing changes.
            #expect(String(buffer: try await notify(genuine).body) == "ok")
            #expect(try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: ana).json["timeline"] == paid.json["timeline"])
            let payments = try await client.execute(uri: "/v1/orders/\(id)/payments", method: .get, headers: staff)
            #expect(payments.json["payments"]?.arrayValue?.map { $0["status"] } == [.string("paid")])
            let log = try await client.execute(uri: "/v1/payments/notifications?provider=unionpay", method: .get, headers: rootAuth)
            #expect(log.json["notifications"]?.arrayValue?.map { $0["outcome"] } == [.string("duplicate"), .string("accepted"), .string("rejected"), .string("rejected")])
            #expect(try await client.execute(uri: "/v1/payments/notifications", method: .get, headers: ana).status == .forbidden)
            let rec = try await client.execute(uri: "/v1/payments/reconciliation?provider=unionpay&from=2026-01-05&to=2026-01-06", method: .get, headers: rootAuth)
            #expect(rec.json["balanced"] == .bool(true) && rec.json["matched"] == .number(1))
            let reversed = try await client.execute(uri: "/v1/payments/reconciliation?provider=unionpay&from=2026-01-06&to=2026-01-05", method: .get, headers: rootAuth)
            #expect(reversed.status == .badRequest && reversed.json["field"] == .string("from"))
            let queue = try await client.execute(uri: "/v1/stores/\(store.id)/orders", method: .get, headers: staff)
            #expect(queue.json["orders"]?.arrayValue?.map { $0["id"] } == [.number(Double(id))])
            #expect(try await client.execute(uri: "/v1/stores/\(store.id)/orders", method: .get, headers: ana).status == .forbidden)
            for step in ["accepted", "picking", "ready"] {
                let r = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: staff, body: body(#"{"status":"\#(step)"}"#))
                #expect(r.status == .ok && r.json["status"] == .string(step))
            }
            let wrong = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: staff, body: body(#"{"status":"collected","code":"x"}"#))
            #expect(wrong.status == .conflict && wrong.json["field"] == .string("code"))
            let handed = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: staff, body: body(#"{"status":"collected","code":"\#(code)"}"#))
            #expect(handed.json["status"] == .string("collected"))
            let done = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: ana, body: body(#"{"status":"completed"}"#))
            #expect(done.json["timeline"]?.arrayValue?.count == 7)
            let unreviewable = try await client.execute(uri: "/v1/orders/999999/review", method: .post, headers: ana, body: body(#"{"rating":5}"#))
            #expect(unreviewable.status == .notFound)
            let late = try await client.execute(uri: "/v1/orders/\(id)/cancel", method: .post, headers: ana, body: body("{}"))
            #expect(late.status == .conflict)
            // The review: the customer's alone, once, shown on the store without the customer's name.
            #expect(try await client.execute(uri: "/v1/orders/\(id)/review", method: .post, headers: staff, body: body(#"{"rating":5}"#)).status == .forbidden)
            let badRating = try await client.execute(uri: "/v1/orders/\(id)/review", method: .post, headers: ana, body: body(#"{"rating":6}"#))
            #expect(badRating.status == .badRequest && badRating.json["field"] == .string("rating"))
            let reviewed = try await client.execute(uri: "/v1/orders/\(id)/review", method: .post, headers: ana,
                                                    body: body(#"{"rating":4,"text":"Quick and friendly"}"#))
            #expect(reviewed.status == .created)
            #expect(try await client.execute(uri: "/v1/orders/\(id)/review", method: .post, headers: ana, body: body(#"{"rating":1}"#)).status == .conflict)
            let shown = try await client.execute(uri: "/v1/stores/\(store.id)/reviews", method: .get)
            #expect(shown.json["count"] == .number(1) && shown.json["mean_rating"] == .number(4))
            #expect(shown.json["reviews"]?.arrayValue?.first?["text"] == .string("Quick and friendly"))
            #expect(shown.json["reviews"]?.arrayValue?.first?["customer_id"] == nil)
            let history = try await client.execute(uri: "/v1/orders", method: .get, headers: ana)
            #expect(history.json["orders"]?.arrayValue?.count == 1)
            let bad = try await client.execute(uri: "/v1/orders/\(id)/status", method: .post, headers: ana, body: body(#"{"status":"teleported"}"#))
            #expect(bad.status == .badRequest && bad.json["field"] == .string("status"))
            #expect(try await client.execute(uri: "/v1/orders/0", method: .get, headers: ana).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/orders/999999", method: .get, headers: ana).status == .notFound)
        }
    }
}
