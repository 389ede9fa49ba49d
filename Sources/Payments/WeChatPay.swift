import Foundation
import Kernel

/// WeChat Pay's v2 API shape: Native pay (a `unifiedorder` request whose `code_url` the client
/// shows as a QR code), the payment result notification as XML (answered with `return_code`
/// SUCCESS), and `secapi/pay/refund`. Signatures are HMAC-SHA256 with the API key over the
/// non-empty fields sorted by name as `k=v&…&key=API_KEY`, upper-case hex.
public struct WeChatPayProvider: PaymentProvider {
    public let name = PaymentProviderName.wechat
    let settings: PaymentSettings.WeChat

    public init(_ settings: PaymentSettings.WeChat) throws {
        guard settings.apiKey.count >= 32 else { throw DomainError(.invalid, field: "wechat.api_key", "wechat.api_key must be at least 32 characters") }
        self.settings = settings
    }

    public static func sign(_ fields: [String: String], key: String) -> String {
        Signature.hmac(ProviderEncoding.signingString(fields, excluding: ["sign"]) + "&key=" + key, key: key)
    }

    static func verify(_ fields: [String: String], key: String) -> Bool {
        guard let sign = fields["sign"] else { return false }
        return Signature.hmacVerify(sign, ProviderEncoding.signingString(fields, excluding: ["sign"]) + "&key=" + key, key: key)
    }

    func signed(_ fields: [String: String]) -> [String: String] {
        var fields = fields
        fields["appid"] = settings.appID; fields["mch_id"] = settings.mchID; fields["nonce_str"] = Signature.nonce(); fields["sign_type"] = "HMAC-SHA256"
        fields["sign"] = Self.sign(fields, key: settings.apiKey)
        return fields
    }

    public func payload(for payment: Payment, subject: String, notifyURL: String, payBy: Date, at: Date) throws -> PaymentPayload {
        let fields = signed(["body": subject, "out_trade_no": payment.id.tradeNumber, "total_fee": String(payment.amount.minor),
                             "fee_type": payment.amount.currency, "spbill_create_ip": "127.0.0.1", "notify_url": notifyURL, "trade_type": "NATIVE",
                             "product_id": String(payment.order.rawValue), "attach": String(payment.order.rawValue),
                             "time_start": Signature.chinaTime(at, compact: true), "time_expire": Signature.chinaTime(payBy, compact: true)])
        // WeChat Pay answers a unified order with the code_url; the sandbox derives one from the trade.
        let code = "weixin://wxpay/bizpayurl?pr=" + String(Signature.sha256Hex(settings.mchID + payment.id.tradeNumber).prefix(12))
        return PaymentPayload(kind: .qrCode, url: code, fields: fields)
    }

    public func notice(body: Data, contentType: String?) throws -> PaymentNotice {
        guard let fields = ProviderEncoding.xmlDecode(body) else { throw DomainError.malformed("body", "a WeChat Pay notification is one <xml> of fields") }
        guard try required(fields, "return_code") == "SUCCESS" else {
            throw DomainError.malformed("return_code", "the notification reports a communication failure: \(fields["return_msg"] ?? "")")
        }
        // Notifications often leave sign_type out; the HMAC is checked whatever it says, and no other type is taken.
        guard fields["sign_type"] == nil || fields["sign_type"] == "HMAC-SHA256" else {
            throw DomainError.malformed("sign_type", "sign_type must be HMAC-SHA256")
        }
        guard Self.verify(fields, key: settings.apiKey) else { throw DomainError.forged("sign", name) }
        guard fields["appid"] == settings.appID, fields["mch_id"] == settings.mchID else {
            throw DomainError.malformed("mch_id", "the notification is for another merchant")
        }
        let raw = try required(fields, "total_fee")
        guard let minor = ProviderEncoding.minor(integer: raw) else { throw DomainError.malformed("total_fee", "total_fee \"\(raw)\" is not an amount") }
        return PaymentNotice(tradeNumber: try required(fields, "out_trade_no"), providerTradeNumber: try required(fields, "transaction_id"),
                             amount: Money(minor: minor, currency: fields["fee_type"] ?? "CNY"), orderReference: fields["attach"],
                             succeeded: fields["result_code"] == "SUCCESS", fields: .init(trade: "out_trade_no", amount: "total_fee", currency: "fee_type", order: "attach"))
    }

    public var acknowledgement: (contentType: String, body: String) {
        ("application/xml; charset=utf-8", ProviderEncoding.xmlEncode(["return_code": "SUCCESS", "return_msg": "OK"]))
    }

    public func refundRequest(payment: Payment, refund: Refund, notifyURL: String, at: Date) throws -> [String: String] {
        var fields = ["out_trade_no": payment.id.tradeNumber, "out_refund_no": refund.id.refundNumber, "total_fee": String(payment.amount.minor),
                      "refund_fee": String(refund.amount.minor), "refund_fee_type": refund.amount.currency, "refund_desc": refund.reason]
        if let trade = payment.providerTradeNumber { fields["transaction_id"] = trade }
        return signed(fields)
    }

    public func refundConfirmation(_ answer: [String: String], refund: Refund) throws -> String {
        guard Self.verify(answer, key: settings.apiKey) else { throw DomainError.forged("sign", name) }
        guard answer["return_code"] == "SUCCESS", answer["result_code"] == "SUCCESS", answer["out_refund_no"] == refund.id.refundNumber else {
            throw DomainError(.conflict, field: "refund", "WeChat Pay refused the refund: \(answer["err_code_des"] ?? answer["return_msg"] ?? "no reason given")")
        }
        return try required(answer, "refund_id")
    }
}

/// WeChat Pay's side, played on this machine with the shared API key.
public struct WeChatPaySandbox: SandboxProvider {
    public let name = PaymentProviderName.wechat
    let settings: PaymentSettings.WeChat

    public init(_ settings: PaymentSettings.WeChat) { self.settings = settings }

    func verified(_ fields: [String: String]) throws {
        guard fields["mch_id"] == settings.mchID, WeChatPayProvider.verify(fields, key: settings.apiKey) else { throw DomainError.forged("sign", name) }
    }

    public func checkout(_ payload: PaymentPayload) throws -> SandboxCheckout {
        try verified(payload.fields)
        let raw = try required(payload.fields, "total_fee")
        guard let minor = ProviderEncoding.minor(integer: raw) else { throw DomainError.malformed("total_fee", "total_fee is not an amount") }
        return SandboxCheckout(tradeNumber: try required(payload.fields, "out_trade_no"),
                               amount: Money(minor: minor, currency: payload.fields["fee_type"] ?? "CNY"),
                               notifyURL: try required(payload.fields, "notify_url"), orderReference: payload.fields["attach"])
    }

    public func notification(for checkout: SandboxCheckout, providerTradeNumber: String, amount: Money, at: Date, forged: Bool) throws -> (contentType: String, body: Data) {
        var fields = ["return_code": "SUCCESS", "result_code": "SUCCESS", "appid": settings.appID, "mch_id": settings.mchID,
                      "nonce_str": Signature.nonce(), "sign_type": "HMAC-SHA256", "openid": "oSandboxPayer0000000000000000",
                      "trade_type": "NATIVE", "bank_type": "OTHERS", "total_fee": String(amount.minor), "fee_type": amount.currency,
                      "cash_fee": String(amount.minor), "transaction_id": providerTradeNumber, "out_trade_no": checkout.tradeNumber,
                      "time_end": Signature.chinaTime(at, compact: true)]
        if let r = checkout.orderReference { fields["attach"] = r }
        fields["sign"] = WeChatPayProvider.sign(fields, key: forged ? Signature.nonce() : settings.apiKey)
        return ("application/xml; charset=utf-8", Data(ProviderEncoding.xmlEncode(fields).utf8))
    }

    public func refundAsk(_ request: [String: String]) throws -> SandboxRefundAsk {
        try verified(request)
        let raw = try required(request, "refund_fee")
        guard let minor = ProviderEncoding.minor(integer: raw) else { throw DomainError.malformed("refund_fee", "refund_fee is not an amount") }
        return SandboxRefundAsk(tradeNumber: try required(request, "out_trade_no"), refundNumber: try required(request, "out_refund_no"),
                                amount: Money(minor: minor, currency: request["refund_fee_type"] ?? "CNY"))
    }

    public func refundAnswer(_ ask: SandboxRefundAsk, providerTradeNumber: String, at: Date) throws -> [String: String] {
        var fields = ["return_code": "SUCCESS", "result_code": "SUCCESS", "appid": settings.appID, "mch_id": settings.mchID,
                      "nonce_str": Signature.nonce(), "transaction_id": providerTradeNumber, "out_trade_no": ask.tradeNumber,
                      "out_refund_no": ask.refundNumber, "refund_id": "5" + String(Signature.sha256Hex(ask.refundNumber).prefix(27)),
                      "refund_fee": String(ask.amount.minor)]
        fields["sign"] = WeChatPayProvider.sign(fields, key: settings.apiKey)
        return fields
    }
}
