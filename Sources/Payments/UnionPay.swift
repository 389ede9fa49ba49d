import CryptoExtras
import Foundation
import Kernel

/// UnionPay's online gateway shape (version 5.1.0): a consume request posted from the
/// customer's browser (`frontTransReq.do`), the back notification as a signed form (answered
/// with HTTP 200), and a refund (txnType 04). Signatures (signMethod 01): the fields but
/// `signature` sorted as `k=v&…`, their SHA-256 in lower-case hex, signed SHA256withRSA, base64.
public struct UnionPayProvider: PaymentProvider {
    public let name = PaymentProviderName.unionpay
    let settings: PaymentSettings.UnionPay
    let merchantKey: _RSA.Signing.PrivateKey
    let unionpayKey: _RSA.Signing.PublicKey
    static let frontURL = "https://gateway.95516.com/gateway/api/frontTransReq.do"

    public init(_ settings: PaymentSettings.UnionPay) throws {
        self.settings = settings
        merchantKey = try rsaPrivate(settings.merchantPrivateKey, "unionpay.merchant_private_key")
        unionpayKey = try rsaPublic(settings.unionpayPublicKey, "unionpay.unionpay_public_key")
    }

    static func signingDigest(_ fields: [String: String]) -> String {
        Signature.sha256Hex(ProviderEncoding.signingString(fields, excluding: ["signature"]))
    }

    static func sign(_ fields: [String: String], with key: _RSA.Signing.PrivateKey) throws -> [String: String] {
        var fields = fields
        fields["signature"] = try Signature.rsaSign(signingDigest(fields), with: key)
        return fields
    }

    static func verify(_ fields: [String: String], with key: _RSA.Signing.PublicKey) -> Bool {
        guard let signature = fields["signature"] else { return false }
        return Signature.rsaVerify(signature, signingDigest(fields), with: key)
    }

    static func currency(numeric code: String?) -> String? {
        guard let code else { return "CNY" }
        return ProviderEncoding.numericCurrency.first { $0.value == code }?.key
    }

    func common(_ txnType: String, _ txnSubType: String, at: Date) -> [String: String] {
        ["version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": txnType, "txnSubType": txnSubType, "bizType": "000201",
         "channelType": "07", "accessType": "0", "merId": settings.merID, "certId": settings.certID, "txnTime": Signature.chinaTime(at, compact: true)]
    }

    public func payload(for payment: Payment, subject: String, notifyURL: String, payBy: Date, at: Date) throws -> PaymentPayload {
        guard let currency = ProviderEncoding.numericCurrency[payment.amount.currency] else {
            throw DomainError(.unprocessable, field: "provider", "UnionPay is not set up for \(payment.amount.currency)")
        }
        var fields = common("01", "01", at: at)
        fields["orderId"] = payment.id.tradeNumber; fields["txnAmt"] = String(payment.amount.minor); fields["currencyCode"] = currency
        fields["backUrl"] = notifyURL; fields["reqReserved"] = String(payment.order.rawValue); fields["orderDesc"] = subject
        fields["payTimeout"] = Signature.chinaTime(payBy, compact: true)
        return PaymentPayload(kind: .form, url: Self.frontURL, fields: try Self.sign(fields, with: merchantKey))
    }

    public func notice(body: Data, contentType: String?) throws -> PaymentNotice {
        guard let fields = ProviderEncoding.formDecode(body) else { throw DomainError.malformed("body", "a UnionPay notification is a URL-encoded form") }
        guard try required(fields, "signMethod") == "01" else { throw DomainError.malformed("signMethod", "signMethod must be 01 (RSA)") }
        guard Self.verify(fields, with: unionpayKey) else { throw DomainError.forged("signature", name) }
        guard try required(fields, "merId") == settings.merID else { throw DomainError.malformed("merId", "the notification is for another merchant") }
        let raw = try required(fields, "txnAmt")
        guard let minor = ProviderEncoding.minor(integer: raw) else { throw DomainError.malformed("txnAmt", "txnAmt \"\(raw)\" is not an amount") }
        guard let currency = Self.currency(numeric: fields["currencyCode"]) else {
            throw DomainError.malformed("currencyCode", "currencyCode \(fields["currencyCode"] ?? "") is not one o2o knows")
        }
        // A refund's result names the refund in orderId and the payment in origOrderId: it is taken, and changes nothing.
        let refund = fields["txnType"] == "04"
        return PaymentNotice(tradeNumber: refund ? try required(fields, "origOrderId") : try required(fields, "orderId"),
                             providerTradeNumber: refund ? try required(fields, "origQryId") : try required(fields, "queryId"),
                             amount: Money(minor: minor, currency: currency), orderReference: fields["reqReserved"],
                             succeeded: fields["respCode"] == "00" && fields["txnType"] == "01", fields: .init(trade: "orderId", amount: "txnAmt", currency: "currencyCode", order: "reqReserved"))
    }

    public var acknowledgement: (contentType: String, body: String) { ("text/plain; charset=utf-8", "ok") }

    public func refundRequest(payment: Payment, refund: Refund, notifyURL: String, at: Date) throws -> [String: String] {
        // The refund's own time, not now: asked again, it is the same transaction.
        var fields = common("04", "00", at: refund.createdAt)
        fields["backUrl"] = notifyURL
        fields["orderId"] = refund.id.refundNumber; fields["txnAmt"] = String(refund.amount.minor)
        fields["currencyCode"] = ProviderEncoding.numericCurrency[refund.amount.currency] ?? ""
        fields["origQryId"] = payment.providerTradeNumber ?? ""; fields["origOrderId"] = payment.id.tradeNumber
        return try Self.sign(fields, with: merchantKey)
    }

    public func refundConfirmation(_ answer: [String: String], refund: Refund) throws -> String {
        guard Self.verify(answer, with: unionpayKey) else { throw DomainError.forged("signature", name) }
        guard answer["respCode"] == "00", answer["orderId"] == refund.id.refundNumber else {
            throw DomainError(.conflict, field: "refund", "UnionPay refused the refund: \(answer["respMsg"] ?? "no reason given")")
        }
        return try required(answer, "queryId")
    }
}

/// UnionPay's side, played on this machine.
public struct UnionPaySandbox: SandboxProvider {
    public let name = PaymentProviderName.unionpay
    let settings: PaymentSettings.UnionPay
    let merchantKey: _RSA.Signing.PublicKey
    let unionpayKey: _RSA.Signing.PrivateKey

    public init(_ settings: PaymentSettings.UnionPay, providerKey: String) throws {
        self.settings = settings
        merchantKey = try rsaPrivate(settings.merchantPrivateKey, "unionpay.merchant_private_key").publicKey
        unionpayKey = try rsaPrivate(providerKey, "unionpay.sandbox_unionpay_private_key")
    }

    func verified(_ fields: [String: String]) throws -> Money {
        guard fields["merId"] == settings.merID, UnionPayProvider.verify(fields, with: merchantKey) else { throw DomainError.forged("signature", name) }
        guard let minor = ProviderEncoding.minor(integer: try required(fields, "txnAmt")),
              let currency = UnionPayProvider.currency(numeric: fields["currencyCode"]) else {
            throw DomainError.malformed("txnAmt", "txnAmt or currencyCode is not valid")
        }
        return Money(minor: minor, currency: currency)
    }

    public func checkout(_ payload: PaymentPayload) throws -> SandboxCheckout {
        let amount = try verified(payload.fields)
        return SandboxCheckout(tradeNumber: try required(payload.fields, "orderId"), amount: amount,
                               notifyURL: try required(payload.fields, "backUrl"), orderReference: payload.fields["reqReserved"])
    }

    public func notification(for checkout: SandboxCheckout, providerTradeNumber: String, amount: Money, at: Date, forged: Bool) throws -> (contentType: String, body: Data) {
        var fields = ["version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "01", "txnSubType": "01", "bizType": "000201",
                      "accessType": "0", "merId": settings.merID, "orderId": checkout.tradeNumber, "queryId": providerTradeNumber,
                      "txnTime": Signature.chinaTime(at, compact: true), "txnAmt": String(amount.minor), "settleAmt": String(amount.minor),
                      "currencyCode": ProviderEncoding.numericCurrency[amount.currency] ?? "", "respCode": "00", "respMsg": "success",
                      "traceNo": String(providerTradeNumber.suffix(6))]
        if let r = checkout.orderReference { fields["reqReserved"] = r }
        let key = forged ? try _RSA.Signing.PrivateKey(keySize: .bits2048) : unionpayKey
        return ("application/x-www-form-urlencoded; charset=utf-8", Data(ProviderEncoding.formEncode(try UnionPayProvider.sign(fields, with: key)).utf8))
    }

    public func refundAsk(_ request: [String: String]) throws -> SandboxRefundAsk {
        let amount = try verified(request)
        guard request["txnType"] == "04" else { throw DomainError.malformed("txnType", "a refund is txnType 04") }
        return SandboxRefundAsk(tradeNumber: try required(request, "origOrderId"), refundNumber: try required(request, "orderId"), amount: amount)
    }

    public func refundAnswer(_ ask: SandboxRefundAsk, providerTradeNumber: String, at: Date) throws -> [String: String] {
        let fields = ["version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "04", "txnSubType": "00", "merId": settings.merID,
                      "orderId": ask.refundNumber, "origQryId": providerTradeNumber, "queryId": "R" + String(Signature.sha256Hex(ask.refundNumber).prefix(20)),
                      "txnAmt": String(ask.amount.minor), "respCode": "00", "respMsg": "success", "txnTime": Signature.chinaTime(at, compact: true)]
        return try UnionPayProvider.sign(fields, with: unionpayKey)
    }
}
