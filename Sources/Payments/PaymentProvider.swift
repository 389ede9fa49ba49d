import Crypto
import CryptoExtras
import Foundation
import Kernel

/// What a client renders to pay: a page to open, a QR code to show, or a form to post, with the
/// signed parameters the provider checks.
public struct PaymentPayload: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Open `url` (Alipay's page pay).
        case redirect
        /// Show `url` as a QR code for the provider's app to scan (WeChat Pay's Native pay).
        case qrCode = "qr_code"
        /// Post `fields` to `url` (UnionPay's gateway form).
        case form
    }

    public var kind: Kind
    public var url: String
    public var fields: [String: String]

    public init(kind: Kind, url: String, fields: [String: String]) {
        self.kind = kind; self.url = url; self.fields = fields
    }
}

/// A provider's notification, its signature verified and its fields read.
public struct PaymentNotice: Hashable, Sendable {
    /// The merchant's trade number (ours).
    public var tradeNumber: String
    /// The provider's number for the transaction.
    public var providerTradeNumber: String
    public var amount: Money
    /// The order the payment was made for, as the provider echoes it back.
    public var orderReference: String?
    /// The money was taken (trade success); false for other notices (closed, failed).
    public var succeeded: Bool
    /// The names the provider gives its fields, for the problems that name them.
    public var fields: Fields

    public struct Fields: Hashable, Sendable {
        public var trade: String, amount: String, currency: String, order: String
    }
}

/// A payment provider as o2o, the merchant, sees it: it signs what it sends, verifies what it
/// receives, and answers notifications the way the provider expects.
///
/// The built-in providers are sandboxes with the real protocol shape: the messages, field
/// names, signing strings and signature algorithms of Alipay (RSA2), WeChat Pay v2
/// (HMAC-SHA256) and UnionPay's gateway (RSA-SHA256), but the provider's side is played on this
/// machine by ``SandboxGateway`` and `o2o pay-sandbox`. A real provider plugs in as another
/// conformance with its production keys and a ``PaymentGateway`` that calls its servers.
public protocol PaymentProvider: Sendable {
    var name: PaymentProviderName { get }
    /// What the client needs to pay `payment` before `payBy` (the provider closes the trade
    /// then); the provider will notify `notifyURL`.
    func payload(for payment: Payment, subject: String, notifyURL: String, payBy: Date, at: Date) throws -> PaymentPayload
    /// Verifies a notification's signature and reads it; throws a `DomainError` naming the
    /// field at fault when it is malformed, foreign or forged.
    func notice(body: Data, contentType: String?) throws -> PaymentNotice
    /// The answer that tells the provider a notification was taken (so it stops retrying).
    var acknowledgement: (contentType: String, body: String) { get }
    /// The signed request that asks the provider to return a payment.
    func refundRequest(payment: Payment, refund: Refund, notifyURL: String, at: Date) throws -> [String: String]
    /// Verifies the provider's answer to a refund request; returns the provider's refund number.
    func refundConfirmation(_ answer: [String: String], refund: Refund) throws -> String
}

/// The provider's servers as o2o calls them: for refunds. The sandbox answers on this machine;
/// a real provider's gateway would post the request over HTTPS.
public protocol PaymentGateway: Sendable {
    func refund(provider: PaymentProviderName, request: [String: String]) async throws -> [String: String]
}

/// A provider's statement (bill) of what moved through it, for reconciliation.
public protocol StatementSource: Sendable {
    func statement(provider: PaymentProviderName, from: Date, to: Date) async throws -> [MoneyMovement]
}

// MARK: - Signatures

enum Signature {
    static func rsaSign(_ message: String, with key: _RSA.Signing.PrivateKey) throws -> String {
        try key.signature(for: SHA256.hash(data: Data(message.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
    }

    static func rsaVerify(_ signature: String, _ message: String, with key: _RSA.Signing.PublicKey) -> Bool {
        guard let raw = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: raw), for: SHA256.hash(data: Data(message.utf8)),
                                    padding: .insecurePKCS1v1_5)
    }

    /// Upper-case hex HMAC-SHA256, as WeChat Pay writes `sign`.
    static func hmac(_ message: String, key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))
            .map { String(format: "%02X", $0) }.joined()
    }

    /// Compares in constant time.
    static func hmacVerify(_ signature: String, _ message: String, key: String) -> Bool {
        guard signature.count == 64, let bytes = hexBytes(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        var out: [UInt8] = [], chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }

    static func sha256Hex(_ s: String) -> String { SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined() }

    static func nonce() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement(using: &g)!) }.joined()
    }

    /// "2026-11-25 18:30:00" or "20261125183000" in China Standard Time, as the providers write times.
    static func chinaTime(_ date: Date, compact: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return compact
            ? String(format: "%04d%02d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            : String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

extension DomainError {
    static func forged(_ field: String, _ provider: PaymentProviderName) -> DomainError {
        DomainError(.invalid, field: field, "the \(provider.rawValue) signature does not verify")
    }

    static func malformed(_ field: String, _ message: String) -> DomainError { DomainError(.invalid, field: field, message) }
}

/// Reads a required field.
func required(_ fields: [String: String], _ key: String) throws -> String {
    guard let v = fields[key], !v.isEmpty else { throw DomainError.malformed(key, "\(key) is missing") }
    return v
}
