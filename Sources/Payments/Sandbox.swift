import Foundation
import GeoCore
import Kernel

/// What a sandbox provider read from a payment payload, the merchant's signature checked.
public struct SandboxCheckout: Hashable, Sendable {
    public var tradeNumber: String
    public var amount: Money
    public var notifyURL: String
    public var orderReference: String?
}

/// What a refund request asks, the merchant's signature checked.
public struct SandboxRefundAsk: Hashable, Sendable {
    public var tradeNumber: String
    public var refundNumber: String
    public var amount: Money
}

/// A provider's side of the protocol, played on this machine: it checks what the merchant
/// signed and signs what the provider sends.
public protocol SandboxProvider: Sendable {
    var name: PaymentProviderName { get }
    func checkout(_ payload: PaymentPayload) throws -> SandboxCheckout
    /// The signed notification that `checkout` was paid `amount` (normally its own amount);
    /// `forged` signs it with a key that is not the provider's.
    func notification(for checkout: SandboxCheckout, providerTradeNumber: String, amount: Money, at: Date, forged: Bool) throws -> (contentType: String, body: Data)
    func refundAsk(_ request: [String: String]) throws -> SandboxRefundAsk
    func refundAnswer(_ ask: SandboxRefundAsk, providerTradeNumber: String, at: Date) throws -> [String: String]
}

/// The sandbox providers' own records: one JSON line per payment taken or refund made, per
/// provider, in a folder. They are the providers' statements in reconciliation. `o2o
/// pay-sandbox` writes payments and the server's sandbox gateway writes refunds, so appends are
/// whole lines under an exclusive lock.
public struct SandboxRecords: StatementSource {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    public struct Entry: Hashable, Sendable {
        public var movement: MoneyMovement
        /// For a refund: the trade number it returns.
        public var tradeNumber: String?
    }

    func file(_ provider: PaymentProviderName) -> URL { folder.appendingPathComponent("\(provider.rawValue).jsonl") }

    public func entries(_ provider: PaymentProviderName) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: file(provider).path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line -> Entry? in
            guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line)),
                  case .string(let kind)? = o["kind"], let k = MoneyMovement.Kind(rawValue: kind),
                  case .string(let merchant)? = o["merchant_number"], case .number(let minor)? = o["amount_minor"],
                  case .string(let currency)? = o["currency"], case .number(let at)? = o["at"] else { return nil }
            var provider: String?, trade: String?
            if case .string(let p)? = o["provider_number"] { provider = p }
            if case .string(let t)? = o["trade_number"] { trade = t }
            return Entry(movement: MoneyMovement(kind: k, merchantNumber: merchant, providerNumber: provider,
                                                 amount: Money(minor: Int(minor), currency: currency), at: Date(timeIntervalSince1970: at)),
                         tradeNumber: trade)
        }
    }

    public func append(_ provider: PaymentProviderName, _ entry: Entry) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let m = entry.movement
        var o: [String: JSONValue] = ["kind": .string(m.kind.rawValue), "merchant_number": .string(m.merchantNumber),
                                      "amount_minor": .number(Double(m.amount.minor)), "currency": .string(m.amount.currency),
                                      "at": .number(m.at.timeIntervalSince1970)]
        if let p = m.providerNumber { o["provider_number"] = .string(p) }
        if let t = entry.tradeNumber { o["trade_number"] = .string(t) }
        let line = JSONValue.object(o).serialized() + [UInt8(ascii: "\n")]
        let fd = open(file(provider).path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw DomainError(.invalid, field: "sandbox_records", "cannot open \(file(provider).path)") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw DomainError(.invalid, field: "sandbox_records", "cannot write \(file(provider).path)") }
    }

    /// Runs `body` holding the provider's records exclusively (across processes too), so that
    /// reading, checking and appending are one step.
    public func exclusively<T>(_ provider: PaymentProviderName, _ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("\(provider.rawValue).lock").path
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw DomainError(.invalid, field: "sandbox_records", "cannot open \(path)") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    public func statement(provider: PaymentProviderName, from: Date, to: Date) async throws -> [MoneyMovement] {
        try entries(provider).map(\.movement).filter { $0.at >= from && $0.at < to }
    }

    /// The payment the provider took for a trade, if it took one.
    public func payment(_ provider: PaymentProviderName, tradeNumber: String) throws -> MoneyMovement? {
        try entries(provider).first { $0.movement.kind == .payment && $0.movement.merchantNumber == tradeNumber }?.movement
    }

    /// A new provider-side number in the provider's format.
    static func providerNumber(_ provider: PaymentProviderName, at: Date) -> String {
        var g = SystemRandomNumberGenerator()
        func digits(_ n: Int) -> String { (0..<n).map { _ in String(Int.random(in: 0...9, using: &g)) }.joined() }
        switch provider {
        case .alipay: return Signature.chinaTime(at, compact: true).prefix(8) + "22001" + digits(15)
        case .wechat: return "4200" + digits(24)
        case .unionpay: return digits(21)
        }
    }
}

/// The sandbox providers' servers, on this machine: they take payments (for `o2o pay-sandbox`),
/// answer refund requests, and keep the records that are their statements.
public struct SandboxGateway: PaymentGateway {
    public let providers: [PaymentProviderName: any SandboxProvider]
    public let records: SandboxRecords
    let now: @Sendable () -> Date

    public init(providers: [PaymentProviderName: any SandboxProvider], records: SandboxRecords, now: @escaping @Sendable () -> Date = { Date() }) {
        self.providers = providers; self.records = records; self.now = now
    }

    func provider(_ name: PaymentProviderName) throws -> any SandboxProvider {
        guard let p = providers[name] else {
            throw DomainError(.unprocessable, field: "provider", "this machine cannot play \(name.rawValue): its sandbox keys are not configured")
        }
        return p
    }

    /// Pays a checkout as the customer would in the provider's app: the provider records the
    /// payment (once per trade; paying again returns the same record) and signs the
    /// notification. `amount` and `forged` make the notification lie, for tests of refusal; a
    /// lying notification is not recorded as money taken.
    public func pay(_ payload: PaymentPayload, provider name: PaymentProviderName, amount: Money? = nil,
                    forged: Bool = false) throws -> (checkout: SandboxCheckout, providerTradeNumber: String, notification: (contentType: String, body: Data)) {
        let p = try provider(name)
        let checkout = try p.checkout(payload)
        let at = now()
        let honest = !forged && (amount == nil || amount == checkout.amount)
        let number: String = try records.exclusively(name) {
            if let taken = try records.payment(name, tradeNumber: checkout.tradeNumber) { return taken.providerNumber ?? "" }
            let number = SandboxRecords.providerNumber(name, at: at)
            if honest {
                try records.append(name, .init(movement: MoneyMovement(kind: .payment, merchantNumber: checkout.tradeNumber, providerNumber: number,
                                                                       amount: checkout.amount, at: at), tradeNumber: nil))
            }
            return number
        }
        let note = try p.notification(for: checkout, providerTradeNumber: number, amount: amount ?? checkout.amount, at: at, forged: forged)
        return (checkout, number, note)
    }

    public func refund(provider name: PaymentProviderName, request: [String: String]) async throws -> [String: String] {
        let p = try provider(name)
        let ask = try p.refundAsk(request)
        return try records.exclusively(name) { try refund(ask, provider: p) }
    }

    func refund(_ ask: SandboxRefundAsk, provider p: any SandboxProvider) throws -> [String: String] {
        let name = p.name
        let entries = try records.entries(name)
        guard let paid = entries.first(where: { $0.movement.kind == .payment && $0.movement.merchantNumber == ask.tradeNumber })?.movement else {
            throw DomainError(.conflict, field: "refund", "\(name.rawValue) has no payment \(ask.tradeNumber) to refund")
        }
        // The same refund number asked again gets the same answer, without a second refund.
        if entries.contains(where: { $0.movement.kind == .refund && $0.movement.merchantNumber == ask.refundNumber }) {
            return try p.refundAnswer(ask, providerTradeNumber: paid.providerNumber ?? "", at: now())
        }
        let refunded = entries.filter { $0.movement.kind == .refund && $0.tradeNumber == ask.tradeNumber }.reduce(0) { $0 + $1.movement.amount.minor }
        guard ask.amount.currency == paid.amount.currency, ask.amount.minor > 0, refunded + ask.amount.minor <= paid.amount.minor else {
            throw DomainError(.conflict, field: "refund", "\(name.rawValue) refuses to refund \(ask.amount) of \(paid.amount) (\(refunded) minor units returned already)")
        }
        let answer = try p.refundAnswer(ask, providerTradeNumber: paid.providerNumber ?? "", at: now())
        try records.append(name, .init(movement: MoneyMovement(kind: .refund, merchantNumber: ask.refundNumber, providerNumber: nil,
                                                               amount: ask.amount, at: now()), tradeNumber: ask.tradeNumber))
        return answer
    }
}
