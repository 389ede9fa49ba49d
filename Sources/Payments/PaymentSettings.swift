import CryptoExtras
import Foundation
import Kernel

/// Payment configuration: where providers send notifications, each provider's merchant
/// identity and keys, and (sandbox only) the provider-side keys and records that let this
/// machine play the provider. Read from a JSON file whose path comes from the command line or
/// `O2O_PAYMENTS`; keys never live in code.
public struct PaymentSettings: Codable, Sendable, Equatable {
    public struct Alipay: Codable, Sendable, Equatable {
        public var appID: String
        /// The merchant's RSA private key (PEM), which signs requests.
        public var appPrivateKey: String
        /// Alipay's public key (PEM), which verifies notifications.
        public var alipayPublicKey: String
        /// Sandbox only: Alipay's private key, with which `o2o pay-sandbox` signs notifications.
        public var sandboxAlipayPrivateKey: String?

        enum CodingKeys: String, CodingKey {
            case appID = "app_id", appPrivateKey = "app_private_key", alipayPublicKey = "alipay_public_key"
            case sandboxAlipayPrivateKey = "sandbox_alipay_private_key"
        }
    }

    public struct WeChat: Codable, Sendable, Equatable {
        public var appID: String
        public var mchID: String
        /// The API key (32 characters) both sides sign with.
        public var apiKey: String

        enum CodingKeys: String, CodingKey { case appID = "app_id", mchID = "mch_id", apiKey = "api_key" }
    }

    public struct UnionPay: Codable, Sendable, Equatable {
        public var merID: String
        /// The serial number of the merchant's signing certificate.
        public var certID: String
        public var merchantPrivateKey: String
        /// UnionPay's signing public key (PEM).
        public var unionpayPublicKey: String
        /// Sandbox only: UnionPay's private key.
        public var sandboxUnionpayPrivateKey: String?

        enum CodingKeys: String, CodingKey {
            case merID = "mer_id", certID = "cert_id", merchantPrivateKey = "merchant_private_key", unionpayPublicKey = "unionpay_public_key"
            case sandboxUnionpayPrivateKey = "sandbox_unionpay_private_key"
        }
    }

    /// The base URL providers reach this server at; notifications go to
    /// `<base>/v1/payments/<provider>/notify`.
    public var notifyBaseURL: String
    /// Sandbox only: the folder where the sandbox providers keep their own records (their
    /// statements, for reconciliation).
    public var sandboxRecords: String?
    public var alipay: Alipay?
    public var wechat: WeChat?
    public var unionpay: UnionPay?

    enum CodingKeys: String, CodingKey {
        case notifyBaseURL = "notify_base_url", sandboxRecords = "sandbox_records", alipay, wechat, unionpay
    }

    public init(notifyBaseURL: String, sandboxRecords: String?, alipay: Alipay?, wechat: WeChat?, unionpay: UnionPay?) {
        self.notifyBaseURL = notifyBaseURL; self.sandboxRecords = sandboxRecords
        self.alipay = alipay; self.wechat = wechat; self.unionpay = unionpay
    }

    /// A fresh sandbox configuration: new keys for both sides of every provider.
    public static func sandbox(notifyBaseURL: String, records: String) throws -> PaymentSettings {
        func rsa() throws -> _RSA.Signing.PrivateKey { try _RSA.Signing.PrivateKey(keySize: .bits2048) }
        let app = try rsa(), alipay = try rsa(), merchant = try rsa(), unionpay = try rsa()
        var g = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &g)!) }.joined()
        return PaymentSettings(
            notifyBaseURL: notifyBaseURL, sandboxRecords: records,
            alipay: Alipay(appID: "2021000000000001", appPrivateKey: app.pemRepresentation, alipayPublicKey: alipay.publicKey.pemRepresentation,
                           sandboxAlipayPrivateKey: alipay.pemRepresentation),
            wechat: WeChat(appID: "wx0000000000000001", mchID: "1900000001", apiKey: key),
            unionpay: UnionPay(merID: "777290058000001", certID: "69629715588", merchantPrivateKey: merchant.pemRepresentation,
                               unionpayPublicKey: unionpay.publicKey.pemRepresentation, sandboxUnionpayPrivateKey: unionpay.pemRepresentation))
    }

    static let coder: (JSONEncoder, JSONDecoder) = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (e, JSONDecoder())
    }()

    public static func load(_ url: URL) throws -> PaymentSettings {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DomainError(.invalid, field: "payments", "cannot read the payment settings \(url.path): \(error.localizedDescription)")
        }
        let settings: PaymentSettings
        do { settings = try coder.1.decode(PaymentSettings.self, from: data) } catch {
            throw DomainError(.invalid, field: "payments", "the payment settings \(url.path) are not valid: \(error)")
        }
        _ = try settings.providers()
        return settings
    }

    /// Writes the settings readable by their owner only: they hold private keys.
    public func save(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let data = try Self.coder.0.encode(self)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw DomainError(.invalid, field: "payments", "cannot write the payment settings \(url.path)")
        }
    }

    /// The settings at `url`, or fresh sandbox settings written there when there are none.
    public static func loadOrCreateSandbox(_ url: URL, notifyBaseURL: String) throws -> (settings: PaymentSettings, created: Bool) {
        if FileManager.default.fileExists(atPath: url.path) { return (try load(url), false) }
        let records = url.deletingLastPathComponent().appendingPathComponent("payment-sandbox").path
        let settings = try sandbox(notifyBaseURL: notifyBaseURL, records: records)
        try settings.save(url)
        return (settings, true)
    }

    /// The configured providers, their keys parsed.
    public func providers() throws -> [PaymentProviderName: any PaymentProvider] {
        var out: [PaymentProviderName: any PaymentProvider] = [:]
        if let alipay { out[.alipay] = try AlipayProvider(alipay) }
        if let wechat { out[.wechat] = try WeChatPayProvider(wechat) }
        if let unionpay { out[.unionpay] = try UnionPayProvider(unionpay) }
        return out
    }

    /// The provider sides this machine can play: those whose sandbox keys are present.
    public func sandboxProviders() throws -> [PaymentProviderName: any SandboxProvider] {
        var out: [PaymentProviderName: any SandboxProvider] = [:]
        if let alipay, let key = alipay.sandboxAlipayPrivateKey { out[.alipay] = try AlipaySandbox(alipay, providerKey: key) }
        if let wechat { out[.wechat] = WeChatPaySandbox(wechat) }
        if let unionpay, let key = unionpay.sandboxUnionpayPrivateKey { out[.unionpay] = try UnionPaySandbox(unionpay, providerKey: key) }
        return out
    }
}

func rsaPrivate(_ pem: String, _ field: String) throws -> _RSA.Signing.PrivateKey {
    do { return try _RSA.Signing.PrivateKey(pemRepresentation: pem) } catch {
        throw DomainError(.invalid, field: field, "\(field) is not an RSA private key in PEM (2048 bits or more)")
    }
}

func rsaPublic(_ pem: String, _ field: String) throws -> _RSA.Signing.PublicKey {
    do { return try _RSA.Signing.PublicKey(pemRepresentation: pem) } catch {
        throw DomainError(.invalid, field: field, "\(field) is not an RSA public key in PEM (2048 bits or more)")
    }
}
