import Accounts
import Commerce
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Orders
import Payments
import Persistence
import Stores
import Testing

@Suite("Payments: sandbox providers, signed notifications, refunds, reconciliation")
struct PaymentTests {
    static let admin = Principal(account: AccountID(0), role: .admin)

    struct Setup {
        let base: CommerceFixture
        let payments: PaymentService
        let gateway: SandboxGateway
        var orders: OrderService { base.orders }
        var customer: Principal { base.customer }
    }

    static func setup() async throws -> Setup {
        let base = try await CommerceFixture.make()
        let clock = base.clock
        let (payments, gateway) = try DemoFixture.payments(base.db, orders: base.orders, now: { clock.now })
        return Setup(base: base, payments: payments, gateway: gateway)
    }

    /// An order awaiting payment.
    static func order(_ s: Setup, key: String = "k1") async throws -> Order {
        try await s.base.fill()
        return try await s.orders.checkout(idempotencyKey: key, by: s.customer).order
    }

    /// Pays through the sandbox: the provider's notification, as it would be posted.
    static func paid(_ s: Setup, _ order: Order, _ provider: PaymentProviderName, amount: Money? = nil, forged: Bool = false)
        async throws -> (payment: Payment, notification: (contentType: String, body: Data)) {
        let (payment, payload, _) = try await s.payments.pay(order.id, provider: provider.rawValue, by: s.customer)
        let played = try s.gateway.pay(payload, provider: provider, amount: amount, forged: forged)
        #expect(played.checkout.tradeNumber == payment.id.tradeNumber && played.checkout.amount == order.total)
        #expect(played.checkout.notifyURL == "http://127.0.0.1:8080/v1/payments/\(provider.rawValue)/notify")
        return (payment, played.notification)
    }

    static func expectRefused(_ s: Setup, _ provider: PaymentProviderName, _ note: (contentType: String, body: Data), field: String,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        do {
            _ = try await s.payments.notify(provider: provider.rawValue, body: note.body, contentType: note.contentType)
            Issue.record("accepted", sourceLocation: sourceLocation)
        } catch let e as DomainError {
            #expect(e.field == field, "\(e.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("each provider: the payload carries the merchant's signature, the notification the provider's; paying sells the held stock",
          arguments: PaymentProviderName.allCases)
    func payThroughEachProvider(_ provider: PaymentProviderName) async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let (payment, note) = try await Self.paid(s, order, provider)
        #expect(payment.status == .pending && payment.amount == order.total)
        let ack = try await s.payments.notify(provider: provider.rawValue, body: note.body, contentType: note.contentType)
        #expect(ack.body == ["alipay": "success", "unionpay": "ok"][provider.rawValue]
            ?? "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>")
        let after = try await s.orders.order(order.id, by: s.customer)
        #expect(after.status == .paid && after.timeline.last?.note == payment.orderNote)
        #expect(try await s.base.stores.reservation(order.reservation).status == .confirmed)
        let (payments, refunds) = try await s.payments.payments(order: order.id, by: s.customer)
        #expect(payments.map(\.status) == [.paid] && refunds.isEmpty && payments[0].providerTradeNumber != nil)
        // The same notification again changes nothing and is acknowledged the same.
        let again = try await s.payments.notify(provider: provider.rawValue, body: note.body, contentType: note.contentType)
        #expect(again.body == ack.body)
        #expect(try await s.orders.order(order.id, by: s.customer).timeline == after.timeline)
        #expect(try await s.payments.repository.notifications(provider: provider, limit: 10).map(\.outcome) == [.duplicate, .accepted])
        // Asking to pay a paid order is refused.
        await #expect(throws: DomainError.self) { _ = try await s.payments.pay(order.id, provider: provider.rawValue, by: s.customer) }
    }

    @Test("forged, tampered, mismatched and foreign notifications are refused with the field at fault, recorded, and change nothing",
          arguments: PaymentProviderName.allCases)
    func refusals(_ provider: PaymentProviderName) async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let fields = ["alipay": ("sign", "total_amount", "trans_currency", "out_trade_no"), "wechat": ("sign", "total_fee", "fee_type", "out_trade_no"),
                      "unionpay": ("signature", "txnAmt", "currencyCode", "orderId")][provider.rawValue]!
        // Signed with a key that is not the provider's.
        try await Self.expectRefused(s, provider, try await Self.paid(s, order, provider, forged: true).notification, field: fields.0)
        // Signed by the provider but for less than the order.
        let less = Money(minor: order.total.minor - 1, currency: order.total.currency)
        try await Self.expectRefused(s, provider, try await Self.paid(s, order, provider, amount: less).notification, field: fields.1)
        // Another currency.
        if provider != .unionpay || ProviderEncoding.numericCurrency["USD"] != nil {
            let usd = Money(minor: order.total.minor, currency: "USD")
            try await Self.expectRefused(s, provider, try await Self.paid(s, order, provider, amount: usd).notification, field: fields.2)
        }
        // A genuine notification with one byte of its amount changed in transit.
        let genuine = try await Self.paid(s, order, provider).notification
        let text = String(decoding: genuine.body, as: UTF8.self)
        let amountText = provider == .alipay ? ProviderEncoding.decimal(order.total) : String(order.total.minor)
        let bumped = provider == .alipay ? ProviderEncoding.decimal(Money(minor: order.total.minor + 100, currency: "EUR")) : String(order.total.minor + 100)
        let tampered = text.replacingOccurrences(of: "<total_fee><![CDATA[\(amountText)]]>", with: "<total_fee><![CDATA[\(bumped)]]>").replacingOccurrences(of: "=\(amountText)&", with: "=\(bumped)&")
        #expect(tampered != text)
        try await Self.expectRefused(s, provider, (genuine.contentType, Data(tampered.utf8)), field: fields.0)
        // Not the provider's format at all.
        try await Self.expectRefused(s, provider, ("text/plain", Data("hello".utf8)), field: provider == .wechat ? "body" : (provider == .alipay ? "sign_type" : "signMethod"))
        let order2 = try await s.orders.order(order.id, by: s.customer)
        #expect(order2.status == .awaitingPayment && order2.timeline.count == 1)
        #expect(try await s.payments.payments(order: order.id, by: s.customer).payments.map(\.status) == [.pending])
        let log = try await s.payments.repository.notifications(provider: provider, limit: 10)
        #expect(log.count == 5 && log.allSatisfy { $0.outcome == .rejected && $0.reason != nil })
        // The genuine one still pays.
        _ = try await s.payments.notify(provider: provider.rawValue, body: genuine.body, contentType: genuine.contentType)
        #expect(try await s.orders.order(order.id, by: s.customer).status == .paid)
    }

    @Test("a notification for an unknown trade, or naming another order, is refused")
    func unknownTradeAndOrder() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let (payment, payload, _) = try await s.payments.pay(order.id, provider: "wechat", by: s.customer)
        var checkout = try s.gateway.providers[.wechat]!.checkout(payload)
        checkout.tradeNumber = PaymentID(payment.id.rawValue + 7).tradeNumber
        let unknown = try s.gateway.providers[.wechat]!.notification(for: checkout, providerTradeNumber: "4200", amount: order.total, at: Date(), forged: false)
        try await Self.expectRefused(s, .wechat, unknown, field: "out_trade_no")
        checkout.tradeNumber = payment.id.tradeNumber
        checkout.orderReference = String(order.id.rawValue + 1)
        let foreign = try s.gateway.providers[.wechat]!.notification(for: checkout, providerTradeNumber: "4200", amount: order.total, at: Date(), forged: false)
        try await Self.expectRefused(s, .wechat, foreign, field: "attach")
        // Unknown provider, unknown customer.
        await #expect(throws: DomainError.self) { _ = try await s.payments.notify(provider: "paypal", body: Data(), contentType: nil) }
        let other = try await s.base.accounts.register(AccountDraft(email: "bo@example.com", name: "Bo"), password: "another password")
        await #expect(throws: DomainError.self) { _ = try await s.payments.pay(order.id, provider: "alipay", by: other.principal) }
    }

    @Test("cancelling a paid order refunds it through the provider, once, and the refund is confirmed by the provider's signed answer")
    func refundOnCancel() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let note = try await Self.paid(s, order, .alipay).notification
        _ = try await s.payments.notify(provider: "alipay", body: note.body, contentType: note.contentType)
        let cancelled = try await s.orders.cancel(order.id, reason: "changed my mind", by: s.customer)
        #expect(cancelled.status == .refunded)
        await s.payments.orderRefunded(order.id)
        let (payments, refunds) = try await s.payments.payments(order: order.id, by: s.customer)
        #expect(payments.map(\.status) == [.refunded])
        #expect(refunds.count == 1 && refunds[0].status == .succeeded && refunds[0].amount == order.total && refunds[0].providerRefundNumber != nil)
        // Asked again (a sweep, a retry): no second refund at the provider.
        await s.payments.orderRefunded(order.id)
        #expect(try await s.payments.settle() == 0)
        let provider = try s.gateway.records.entries(.alipay)
        #expect(provider.filter { $0.movement.kind == .refund }.count == 1)
        // The provider refuses to return more than it took.
        var bigger = refunds[0]
        bigger.id = RefundID(bigger.id.rawValue + 1); bigger.amount.minor += 1
        let request = try s.payments.providers[.alipay]!.refundRequest(payment: payments[0], refund: bigger, notifyURL: "http://x/n", at: Date())
        await #expect(throws: DomainError.self) { _ = try await s.gateway.refund(provider: .alipay, request: request) }
    }

    @Test("two providers both paid for one order: the first pays it, the second goes back")
    func doublePayment() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let a = try await Self.paid(s, order, .alipay)
        let w = try await Self.paid(s, order, .wechat)
        _ = try await s.payments.notify(provider: "wechat", body: w.notification.body, contentType: w.notification.contentType)
        _ = try await s.payments.notify(provider: "alipay", body: a.notification.body, contentType: a.notification.contentType)
        let (payments, refunds) = try await s.payments.payments(order: order.id, by: s.customer)
        #expect(Dictionary(uniqueKeysWithValues: payments.map { ($0.provider, $0.status) }) == [.wechat: .paid, .alipay: .refunded])
        #expect(refunds.map(\.payment) == [a.payment.id])
        let o = try await s.orders.order(order.id, by: s.customer)
        #expect(o.status == .paid && o.timeline.filter { $0.status == .paid }.map(\.note) == [w.payment.orderNote])
    }

    @Test("money that arrives after the order expired goes back")
    func paidAfterExpiry() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let note = try await Self.paid(s, order, .unionpay).notification
        s.base.clock.advance(901)
        #expect(try await s.orders.expireUnpaid() == 1)
        _ = try await s.payments.notify(provider: "unionpay", body: note.body, contentType: note.contentType)
        #expect(try await s.orders.order(order.id, by: s.customer).status == .expired)
        let (payments, refunds) = try await s.payments.payments(order: order.id, by: s.customer)
        #expect(payments.map(\.status) == [.refunded] && refunds.map(\.status) == [.succeeded])
    }

    @Test("a payment recorded but not yet applied to its order (a crash between the two) is applied by the sweep, once")
    func sweepFinishesWhatACrashLeft() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let (payment, _, _) = try await s.payments.pay(order.id, provider: "wechat", by: s.customer)
        #expect(try await s.payments.repository.recordPaid(payment.id, providerTradeNumber: "4200000001", status: .paid, at: Date()))
        #expect(try await s.payments.repository.unapplied(limit: 10).map(\.id) == [payment.id])
        #expect(try await s.payments.settle() == 1)
        #expect(try await s.orders.order(order.id, by: s.customer).status == .paid)
        #expect(try await s.payments.repository.unapplied(limit: 10).isEmpty)
        #expect(try await s.payments.settle() == 0)
        #expect(try await s.base.stores.reservation(order.reservation).status == .confirmed)

        // A crash after the order's paid step but before its hold became a sale: the next notification confirms it.
        try await s.base.fill()
        let second = try await s.orders.checkout(idempotencyKey: "k2", by: s.customer).order
        let (p2, payload, _) = try await s.payments.pay(second.id, provider: "alipay", by: s.customer)
        let played = try s.gateway.pay(payload, provider: .alipay)
        #expect(try await s.payments.repository.recordPaid(p2.id, providerTradeNumber: played.providerTradeNumber, status: .paid, at: Date()) == true)
        _ = try await s.orders.repository.transition(second.id, from: .awaitingPayment, to: .paid, by: .payment, note: p2.orderNote, at: s.base.clock.now)
        #expect(try await s.base.stores.reservation(second.reservation).status == .held)
        #expect(try await s.payments.repository.paidButUnsold(limit: 10).map(\.id) == [p2.id], "the sweep would mend it too")
        let ack = try await s.payments.notify(provider: "alipay", body: played.notification.body, contentType: played.notification.contentType)
        #expect(ack.body == "success")
        #expect(try await s.orders.order(second.id, by: s.customer).timeline.count == 2, "paid once")
        #expect(try await s.payments.repository.paidButUnsold(limit: 10).isEmpty)
        #expect(try await s.base.stores.reservation(second.reservation).status == .confirmed)
    }

    @Test("a WeChat Pay notification that leaves sign_type out is verified by its HMAC all the same")
    func weChatWithoutSignType() async throws {
        let s = try await Self.setup()
        let order = try await Self.order(s)
        let (payment, _, _) = try await s.payments.pay(order.id, provider: "wechat", by: s.customer)
        let key = DemoFixture.paymentSettings.wechat!
        var fields = ["return_code": "SUCCESS", "result_code": "SUCCESS", "appid": key.appID, "mch_id": key.mchID, "nonce_str": "n0nce",
                      "total_fee": String(order.total.minor), "fee_type": "EUR", "transaction_id": "4200000000000000000000000001",
                      "out_trade_no": payment.id.tradeNumber, "attach": String(order.id.rawValue)]
        fields["sign"] = WeChatPayProvider.sign(fields, key: key.apiKey)
        _ = try await s.payments.notify(provider: "wechat", body: Data(ProviderEncoding.xmlEncode(fields).utf8), contentType: "text/xml")
        #expect(try await s.orders.order(order.id, by: s.customer).status == .paid)
        fields["sign_type"] = "MD5"
        try await Self.expectRefused(s, .wechat, ("text/xml", Data(ProviderEncoding.xmlEncode(fields).utf8)), field: "sign_type")
    }

    @Test("reconciliation: balanced after payments and refunds; a payment the ledger never heard of, and one the provider never took, are reported")
    func reconciliation() async throws {
        let s = try await Self.setup()
        let day = (from: s.base.clock.now.addingTimeInterval(-3_600), to: s.base.clock.now.addingTimeInterval(3_600))
        let first = try await Self.order(s, key: "k1")
        let n1 = try await Self.paid(s, first, .alipay).notification
        _ = try await s.payments.notify(provider: "alipay", body: n1.body, contentType: n1.contentType)
        _ = try await s.orders.cancel(first.id, reason: nil, by: s.customer)
        await s.payments.orderRefunded(first.id)
        var r = try await s.payments.reconcile(provider: "alipay", from: day.from, to: day.to, by: Self.admin)
        #expect(r.balanced && r.matched == 2 && r.providerNet == ["EUR": 0] && r.ledgerNet == ["EUR": 0])
        // Paid at the provider, but the notification never arrived.
        let second = try await Self.order(s, key: "k2")
        _ = try await Self.paid(s, second, .alipay)
        r = try await s.payments.reconcile(provider: "alipay", from: day.from, to: day.to, by: Self.admin)
        #expect(r.differences.map(\.finding) == [.missingFromLedger] && r.providerNet == ["EUR": second.total.minor] && r.ledgerNet == ["EUR": 0])
        // Recorded paid in the ledger without the provider having taken anything.
        let third = try await Self.order(s, key: "k3")
        let (p3, _, _) = try await s.payments.pay(third.id, provider: "alipay", by: s.customer)
        _ = try await s.payments.repository.recordPaid(p3.id, providerTradeNumber: "X", status: .paid, at: s.base.clock.now)
        r = try await s.payments.reconcile(provider: "alipay", from: day.from, to: day.to, by: Self.admin)
        #expect(Set(r.differences.map(\.finding)) == [.missingFromLedger, .missingAtProvider])
        await #expect(throws: DomainError.self) { _ = try await s.payments.reconcile(provider: "alipay", from: day.to, to: day.from, by: Self.admin) }
    }

    @Test("WeChat Pay's documented signing example; RSA2 signatures verify with OpenSSL")
    func signaturesAgainstOracles() throws {
        // The example in WeChat Pay's v2 signing guide (key, fields, HMAC-SHA256 result).
        let fields = ["appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test", "nonce_str": "ibuaiVcKdpRxkhJA"]
        #expect(WeChatPayProvider.sign(fields, key: "192006250b4c09247ec02edce69f6a2d") == "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6")
        #expect(ProviderEncoding.signingString(fields.merging(["sign": "X", "empty": ""]) { a, _ in a }, excluding: ["sign"])
            == "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA")
    }

    @Test("RSA2 signatures verify with OpenSSL", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func rsaAgainstOpenSSL() throws {
        let settings = DemoFixture.paymentSettings
        let payment = Payment(id: PaymentID(42), order: OrderID(7), provider: .alipay, amount: Money(minor: 1234, currency: "EUR"), status: .pending,
                              providerTradeNumber: nil, createdAt: Date(), paidAt: nil)
        let payload = try AlipayProvider(settings.alipay!).payload(for: payment, subject: "o2o order 7", notifyURL: "http://x/n", payBy: Date(), at: Date())
        let folder = TestFiles.fresh("rsa")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The app's public key, derived by OpenSSL from the private key.
        try settings.alipay!.appPrivateKey.write(to: folder.appendingPathComponent("app.pem"), atomically: true, encoding: .utf8)
        try ProviderEncoding.signingString(payload.fields, excluding: ["sign"]).write(to: folder.appendingPathComponent("msg"), atomically: true, encoding: .utf8)
        try Data(base64Encoded: payload.fields["sign"]!)!.write(to: folder.appendingPathComponent("sig"))
        func openssl(_ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl"); p.arguments = args; p.currentDirectoryURL = folder
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try openssl(["pkey", "-in", "app.pem", "-pubout", "-out", "pub.pem"]) == 0)
        #expect(try openssl(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"]) == 0)
        try "tampered".write(to: folder.appendingPathComponent("msg"), atomically: true, encoding: .utf8)
        #expect(try openssl(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"]) == 1)
    }

    @Test("provider encodings: forms, WeChat's XML (CDATA, entities, refusals), amounts")
    func encodings() throws {
        #expect(ProviderEncoding.formDecode(Data("a=1&b=x%20y+z&c=".utf8)) == ["a": "1", "b": "x y z", "c": ""])
        #expect(ProviderEncoding.formDecode(Data("a=1&a=2".utf8)) == nil)
        #expect(ProviderEncoding.formDecode(Data("a=%zz".utf8)) == nil)
        let fields = ["k": "a]]>b<c&", "n": "1"]
        #expect(ProviderEncoding.xmlDecode(Data(ProviderEncoding.xmlEncode(fields).utf8)) == fields)
        #expect(ProviderEncoding.xmlDecode(Data("<?xml version=\"1.0\"?>\n<xml> <a>x &amp; y</a><b><![CDATA[<z>]]></b></xml>".utf8)) == ["a": "x & y", "b": "<z>"])
        for bad in ["<xml><a><b>1</b></a></xml>", "<xml><a>1</b></xml>", "<root><a>1</a></root>", "<xml><a>1</a></xml>junk",
                    "<xml><a>1</a><a>2</a></xml>", "<!DOCTYPE x [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>", "<xml><a x=\"1\">1</a></xml>"] {
            #expect(ProviderEncoding.xmlDecode(Data(bad.utf8)) == nil, "\(bad)")
        }
        #expect(ProviderEncoding.minor(decimal: "12.34") == 1234 && ProviderEncoding.minor(decimal: "12.3") == 1230 && ProviderEncoding.minor(decimal: "7") == 700)
        for bad in ["", "-1", "1.234", "1e3", "1,00", ".5", "12.", " 1"] { #expect(ProviderEncoding.minor(decimal: bad) == nil, "\(bad)") }
        #expect(ProviderEncoding.decimal(Money(minor: 1205, currency: "EUR")) == "12.05")
        #expect(PaymentID(tradeNumber: PaymentID(12).tradeNumber) == PaymentID(12) && PaymentID(tradeNumber: "O2O00000000001x") == nil)
    }
}
