import ArgumentParser
import Commerce
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GeoCore
import Kernel
import Payments
import Stores

/// Where the payment settings are: the option, else `$O2O_PAYMENTS`, else beside the database.
enum PaymentsFile {
    static func resolve(_ option: String?, beside db: String) -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let env = ProcessInfo.processInfo.environment["O2O_PAYMENTS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("payments.json")
    }
}

/// Plays the payment providers on this machine against a running server.
struct PaySandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay-sandbox",
        abstract: "Play a payment provider: pay an order and post the provider's signed notification, or print its statement.",
        discussion: """
            The providers are sandboxes with the real protocol shape (messages, fields, signatures); \
            nothing leaves this machine. They use the provider-side keys in the payment settings \
            that `o2o serve` created.
            """,
        subcommands: [Pay.self, Statement.self])

    struct Settings: ParsableArguments {
        @Option(help: "The payment settings file (default: $O2O_PAYMENTS, else payments.json beside --db).")
        var payments: String?

        @Option(help: "The database the settings sit beside, when --payments is not given.")
        var db: String = "data/o2o.sqlite"

        func load() throws -> PaymentSettings { try PaymentSettings.load(PaymentsFile.resolve(payments, beside: db)) }

        func gateway() throws -> SandboxGateway {
            let settings = try load()
            let file = PaymentsFile.resolve(payments, beside: db)
            let folder = settings.sandboxRecords ?? file.deletingLastPathComponent().appendingPathComponent("payment-sandbox").path
            return SandboxGateway(providers: try settings.sandboxProviders(), records: SandboxRecords(folder: URL(fileURLWithPath: folder)))
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pay an order as its customer through a provider, and post the provider's signed notification to the server.")

        @OptionGroup var settings: Settings

        @Option(help: "The order to pay.")
        var order: Int64

        @Option(help: "alipay, wechat or unionpay.")
        var provider: String

        @Option(help: "The server's base URL.")
        var server: String = "http://127.0.0.1:8080"

        @Option(help: "The customer's session token (default: $O2O_TOKEN).")
        var token: String?

        @Option(help: "Notify this amount in minor units instead of the order's (the server must refuse it).")
        var amountMinor: Int?

        @Option(help: "Notify in this currency instead of the order's (the server must refuse it).")
        var currency: String?

        @Flag(help: "Sign the notification with a key that is not the provider's (the server must refuse it).")
        var forged = false

        @Option(help: "Post the notification this many times (providers retry until acknowledged).")
        var times: Int = 1

        func validate() throws {
            guard PaymentProviderName(rawValue: provider) != nil else { throw ValidationError("--provider must be alipay, wechat or unionpay") }
            guard (1...100).contains(times) else { throw ValidationError("--times must be between 1 and 100") }
            guard order > 0 else { throw ValidationError("--order must be a positive order id") }
            if let amountMinor, amountMinor < 0 { throw ValidationError("--amount-minor must not be negative") }
            guard URL(string: server)?.scheme?.hasPrefix("http") == true else { throw ValidationError("--server must be an http(s) URL") }
        }

        func run() async throws {
            do {
                let name = PaymentProviderName(rawValue: provider)!
                let gateway = try settings.gateway()
                guard let token = token ?? ProcessInfo.processInfo.environment["O2O_TOKEN"], !token.isEmpty else {
                    throw ValidationError("--token (or $O2O_TOKEN) must be the order's customer's session token")
                }
                // 1. The customer asks the server for the payment payload.
                let (status, body) = try await HTTP.send("POST", server + "/v1/orders/\(order)/payments", token: token,
                                                         body: Data(#"{"provider":"\#(provider)"}"#.utf8), contentType: "application/json")
                guard status == 200 || status == 201, case .object(let payment)? = try? JSONDecoder().decode(JSONValue.self, from: body),
                      case .object(let p)? = payment["payload"], case .string(let kind)? = p["kind"], case .string(let url)? = p["url"],
                      case .object(let f)? = p["fields"], let payloadKind = PaymentPayload.Kind(rawValue: kind) else {
                    throw ValidationError("the server refused the payment (HTTP \(status)): \(String(decoding: body, as: UTF8.self))")
                }
                let payload = PaymentPayload(kind: payloadKind, url: url, fields: f.compactMapValues { if case .string(let s) = $0 { s } else { nil } })
                // 2. The provider checks the merchant's signature, takes the money and signs its notification.
                var amount: Money?
                if amountMinor != nil || currency != nil {
                    let own = try gateway.providers[name].map { try $0.checkout(payload).amount }
                    amount = Money(minor: amountMinor ?? own?.minor ?? 0, currency: currency ?? own?.currency ?? "EUR")
                }
                let played = try gateway.pay(payload, provider: name, amount: amount, forged: forged)
                print("\(provider): \(played.checkout.tradeNumber) \(played.checkout.amount) paid as \(played.providerTradeNumber)")
                // 3. The provider posts the notification to the server's notify path (on --server).
                let path = URL(string: played.checkout.notifyURL)?.path ?? "/v1/payments/\(provider)/notify"
                var refused = false
                for attempt in 1...times {
                    let (code, answer) = try await HTTP.send("POST", server + path, token: nil, body: played.notification.body,
                                                             contentType: played.notification.contentType)
                    print("notification \(attempt): HTTP \(code) \(String(decoding: answer, as: UTF8.self))")
                    if code != 200 { refused = true }
                }
                if refused { throw ExitCode(3) }
            } catch let e as ExitCode {
                throw e
            } catch {
                throw Runtime.fail(error)
            }
        }
    }

    struct Statement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a sandbox provider's statement (its own records) as CSV.")

        @OptionGroup var settings: Settings

        @Option(help: "alipay, wechat or unionpay.")
        var provider: String

        func validate() throws {
            guard PaymentProviderName(rawValue: provider) != nil else { throw ValidationError("--provider must be alipay, wechat or unionpay") }
        }

        func run() async throws {
            do {
                let entries = try settings.gateway().records.entries(PaymentProviderName(rawValue: provider)!)
                print("kind,merchant_no,provider_no,trade_no,amount_minor,currency,at")
                let format = ISO8601DateFormatter()
                for e in entries {
                    let m = e.movement
                    print("\(m.kind.rawValue),\(m.merchantNumber),\(m.providerNumber ?? ""),\(e.tradeNumber ?? ""),\(m.amount.minor),\(m.amount.currency),\(format.string(from: m.at))")
                }
            } catch {
                throw Runtime.fail(error)
            }
        }
    }
}

/// A plain HTTP client for talking to the server.
enum HTTP {
    static func send(_ method: String, _ url: String, token: String?, body: Data?, contentType: String?) async throws -> (Int, Data) {
        guard let u = URL(string: url) else { throw ValidationError("not a URL: \(url)") }
        var request = URLRequest(url: u)
        request.httpMethod = method
        request.timeoutInterval = 10
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw ValidationError("cannot reach \(url): \(error.localizedDescription)")
        }
    }
}
