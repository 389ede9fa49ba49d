import CryptoExtras
import Foundation
import GeoCore
import Kernel

/// Alipay's open API shape: page pay (`alipay.trade.page.pay`) as a signed redirect, the
/// asynchronous notification as a signed form (`trade_status_sync`, answered `success`), and
/// `alipay.trade.refund`. Signatures are RSA2: SHA256withRSA over the parameters sorted by name
/// as `k=v&k=v` (without `sign`, and for notifications without `sign_type`), base64.
public struct AlipayProvider: PaymentProvider {
    public let name = PaymentProviderName.alipay
    let appID: String
    let appKey: _RSA.Signing.PrivateKey
    let alipayKey: _RSA.Signing.PublicKey
    static let gateway = "https://openapi.alipay.com/gateway.do"

    public init(_ settings: PaymentSettings.Alipay) throws {
        appID = settings.appID
        appKey = try rsaPrivate(settings.appPrivateKey, "alipay.app_private_key")
        alipayKey = try rsaPublic(settings.alipayPublicKey, "alipay.alipay_public_key")
    }

    func request(method: String, biz: [String: JSONValue], notifyURL: String?, at: Date) throws -> [String: String] {
        var fields = ["app_id": appID, "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
                      "timestamp": Signature.chinaTime(at), "version": "1.0",
                      "biz_content": String(decoding: JSONValue.object(biz).serialized(), as: UTF8.self)]
        if let notifyURL { fields["notify_url"] = notifyURL }
        fields["sign"] = try Signature.rsaSign(ProviderEncoding.signingString(fields, excluding: ["sign"]), with: appKey)
        return fields
    }

    public func payload(for payment: Payment, subject: String, notifyURL: String, payBy: Date, at: Date) throws -> PaymentPayload {
        let fields = try request(method: "alipay.trade.page.pay", biz: [
            "out_trade_no": .string(payment.id.tradeNumber), "total_amount": .string(ProviderEncoding.decimal(payment.amount)),
            "trans_currency": .string(payment.amount.currency), "subject": .string(subject), "product_code": .string("FAST_INSTANT_TRADE_PAY"),
            "passback_params": .string(String(payment.order.rawValue)), "time_expire": .string(Signature.chinaTime(payBy)),
        ], notifyURL: notifyURL, at: at)
        return PaymentPayload(kind: .redirect, url: Self.gateway + "?" + ProviderEncoding.formEncode(fields), fields: fields)
    }

    public func notice(body: Data, contentType: String?) throws -> PaymentNotice {
        guard let fields = ProviderEncoding.formDecode(body) else { throw DomainError.malformed("body", "an Alipay notification is a URL-encoded form") }
        guard try required(fields, "sign_type") == "RSA2" else { throw DomainError.malformed("sign_type", "sign_type must be RSA2") }
        guard Signature.rsaVerify(try required(fields, "sign"), ProviderEncoding.signingString(fields, excluding: ["sign", "sign_type"]), with: alipayKey) else {
            throw DomainError.forged("sign", name)
        }
        guard try required(fields, "app_id") == appID else { throw DomainError.malformed("app_id", "the notification is for another app") }
        let raw = try required(fields, "total_amount")
        guard let minor = ProviderEncoding.minor(decimal: raw) else { throw DomainError.malformed("total_amount", "total_amount \"\(raw)\" is not an amount") }
        let status = try required(fields, "trade_status")
        return PaymentNotice(tradeNumber: try required(fields, "out_trade_no"), providerTradeNumber: try required(fields, "trade_no"),
                             amount: Money(minor: minor, currency: fields["trans_currency"] ?? "CNY"), orderReference: fields["passback_params"],
                             succeeded: status == "TRADE_SUCCESS" || status == "TRADE_FINISHED", fields: .init(trade: "out_trade_no", amount: "total_amount", currency: "trans_currency", order: "passback_params"))
    }

    public var acknowledgement: (contentType: String, body: String) { ("text/plain; charset=utf-8", "success") }

    public func refundRequest(payment: Payment, refund: Refund, notifyURL: String, at: Date) throws -> [String: String] {
        var biz: [String: JSONValue] = ["out_trade_no": .string(payment.id.tradeNumber), "refund_amount": .string(ProviderEncoding.decimal(refund.amount)),
                                        "refund_currency": .string(refund.amount.currency), "out_request_no": .string(refund.id.refundNumber),
                                        "refund_reason": .string(refund.reason)]
        if let trade = payment.providerTradeNumber { biz["trade_no"] = .string(trade) }
        return try request(method: "alipay.trade.refund", biz: biz, notifyURL: nil, at: at)
    }

    public func refundConfirmation(_ answer: [String: String], refund: Refund) throws -> String {
        guard let sign = answer["sign"], Signature.rsaVerify(sign, ProviderEncoding.signingString(answer, excluding: ["sign", "sign_type"]), with: alipayKey) else {
            throw DomainError.forged("sign", name)
        }
        guard answer["code"] == "10000", answer["out_trade_no"] == refund.payment.tradeNumber, answer["fund_change"] == "Y" || answer["fund_change"] == "N",
              answer["refund_fee"].flatMap(ProviderEncoding.minor(decimal:)) ?? 0 >= refund.amount.minor else {
            throw DomainError(.conflict, field: "refund", "Alipay refused the refund: \(answer["sub_msg"] ?? answer["msg"] ?? "no reason given")")
        }
        return try required(answer, "trade_no") + "/" + refund.id.refundNumber
    }
}

/// Alipay's side, played on this machine: it checks the merchant's signature and signs
/// notifications and refund answers with its own key.
public struct AlipaySandbox: SandboxProvider {
    public let name = PaymentProviderName.alipay
    let appID: String
    let appKey: _RSA.Signing.PublicKey
    let alipayKey: _RSA.Signing.PrivateKey

    public init(_ settings: PaymentSettings.Alipay, providerKey: String) throws {
        appID = settings.appID
        appKey = try rsaPrivate(settings.appPrivateKey, "alipay.app_private_key").publicKey
        alipayKey = try rsaPrivate(providerKey, "alipay.sandbox_alipay_private_key")
    }

    func verified(_ fields: [String: String]) throws -> [String: JSONValue] {
        guard fields["app_id"] == appID, let sign = fields["sign"],
              Signature.rsaVerify(sign, ProviderEncoding.signingString(fields, excluding: ["sign"]), with: appKey) else {
            throw DomainError.forged("sign", name)
        }
        guard case .object(let biz)? = try? JSONDecoder().decode(JSONValue.self, from: Data((fields["biz_content"] ?? "").utf8)) else {
            throw DomainError.malformed("biz_content", "biz_content is not a JSON object")
        }
        return biz
    }

    public func checkout(_ payload: PaymentPayload) throws -> SandboxCheckout {
        let biz = try verified(payload.fields)
        guard case .string(let trade)? = biz["out_trade_no"], case .string(let amount)? = biz["total_amount"],
              let minor = ProviderEncoding.minor(decimal: amount), case .string(let currency)? = biz["trans_currency"] else {
            throw DomainError.malformed("biz_content", "biz_content lacks out_trade_no, total_amount or trans_currency")
        }
        var reference: String?
        if case .string(let r)? = biz["passback_params"] { reference = r }
        return SandboxCheckout(tradeNumber: trade, amount: Money(minor: minor, currency: currency), notifyURL: try required(payload.fields, "notify_url"),
                               orderReference: reference)
    }

    public func notification(for checkout: SandboxCheckout, providerTradeNumber: String, amount: Money, at: Date, forged: Bool) throws -> (contentType: String, body: Data) {
        var fields = ["notify_time": Signature.chinaTime(at), "notify_type": "trade_status_sync", "notify_id": Signature.nonce(),
                      "app_id": appID, "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", "trade_no": providerTradeNumber,
                      "out_trade_no": checkout.tradeNumber, "trade_status": "TRADE_SUCCESS", "total_amount": ProviderEncoding.decimal(amount),
                      "receipt_amount": ProviderEncoding.decimal(amount), "trans_currency": amount.currency, "gmt_payment": Signature.chinaTime(at)]
        if let r = checkout.orderReference { fields["passback_params"] = r }
        let key = forged ? try _RSA.Signing.PrivateKey(keySize: .bits2048) : alipayKey
        fields["sign"] = try Signature.rsaSign(ProviderEncoding.signingString(fields, excluding: ["sign", "sign_type"]), with: key)
        return ("application/x-www-form-urlencoded; charset=utf-8", Data(ProviderEncoding.formEncode(fields).utf8))
    }

    public func refundAsk(_ request: [String: String]) throws -> SandboxRefundAsk {
        let biz = try verified(request)
        guard request["method"] == "alipay.trade.refund", case .string(let trade)? = biz["out_trade_no"], case .string(let amount)? = biz["refund_amount"],
              let minor = ProviderEncoding.minor(decimal: amount), case .string(let currency)? = biz["refund_currency"],
              case .string(let number)? = biz["out_request_no"] else {
            throw DomainError.malformed("biz_content", "a refund names out_trade_no, refund_amount, refund_currency and out_request_no")
        }
        return SandboxRefundAsk(tradeNumber: trade, refundNumber: number, amount: Money(minor: minor, currency: currency))
    }

    public func refundAnswer(_ ask: SandboxRefundAsk, providerTradeNumber: String, at: Date) throws -> [String: String] {
        var fields = ["code": "10000", "msg": "Success", "trade_no": providerTradeNumber, "out_trade_no": ask.tradeNumber,
                      "out_request_no": ask.refundNumber, "refund_fee": ProviderEncoding.decimal(ask.amount), "fund_change": "Y",
                      "gmt_refund_pay": Signature.chinaTime(at), "sign_type": "RSA2"]
        fields["sign"] = try Signature.rsaSign(ProviderEncoding.signingString(fields, excluding: ["sign", "sign_type"]), with: alipayKey)
        return fields
    }
}
