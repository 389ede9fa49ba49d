import Accounts
import Foundation
import GeoCore
import Hummingbird
import Kernel
import NIOCore
import Orders
import Payments
import Stores

/// `/v1/orders/{id}/payments` and `/v1/payments/…`: paying an order through a provider, the
/// providers' signed notifications, and the admin's reconciliation and notification log.
struct PaymentRoutes: Sendable {
    let payments: PaymentService

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/orders/:id/payments") { request, context in
            let caller = try context.signedIn()
            let provider = try Self.provider(try await Input.json(request, context: context))
            let (payment, payload, created) = try await payments.pay(try Self.orderID(context), provider: provider, by: caller)
            return JSONBody(value: Render.payment(payment, payload: payload), status: created ? .created : .ok)
        }
        router.get("/v1/orders/:id/payments") { _, context in
            let (list, refunds) = try await payments.payments(order: try Self.orderID(context), by: try context.signedIn())
            return JSONBody(value: .object(["payments": .array(list.map { Render.payment($0, payload: nil) }), "refunds": .array(refunds.map(Render.refund))]))
        }
        router.post("/v1/payments/:provider/notify") { request, context in
            let body = try await Self.body(request)
            let ack = try await payments.notify(provider: context.parameters.get("provider") ?? "", body: body, contentType: request.headers[.contentType])
            return Response(status: .ok, headers: [.contentType: ack.contentType], body: .init(byteBuffer: ByteBuffer(string: ack.body)))
        }
        router.get("/v1/payments/reconciliation") { request, context in
            try Self.admin(context)
            let (provider, from, to) = try Self.range(request.uri.queryParameters)
            return JSONBody(value: Render.reconciliation(try await payments.reconcile(provider: provider, from: from, to: to)))
        }
        router.get("/v1/payments/notifications") { request, context in
            try Self.admin(context)
            let (provider, limit) = try Self.logQuery(request.uri.queryParameters)
            let log = try await payments.repository.notifications(provider: provider, limit: limit)
            return JSONBody(value: .object(["notifications": .array(log.map(Render.notification))]))
        }
    }

    static func admin(_ context: AppRequestContext) throws {
        guard try context.signedIn().role == .admin else { throw DomainError(.forbidden, "payments are reconciled by an admin") }
    }

    static func provider(_ json: JSONValue) throws -> String {
        try Input.string(try Input.object(json, allowed: ["provider"]), "provider", required: true)!
    }

    /// The raw body, as the provider signed it.
    static func body(_ request: Request) async throws -> Data {
        do { return Data(buffer: try await request.body.collect(upTo: 64 * 1024)) } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
    }

    static func range(_ query: Input.Query) throws -> (String, Date, Date) {
        guard let provider = query["provider"].map(String.init) else { throw Problem.invalid("provider", "provider is required") }
        func day(_ name: String) throws -> Date {
            guard let raw = query[Substring(name)].map(String.init) else { throw Problem.invalid(name, "\(name) is required (a date, 2026-11-25, or an instant)") }
            if raw.count == 10 {
                let f = ISO8601DateFormatter()
                f.formatOptions = [.withFullDate]
                if let d = f.date(from: raw) { return d }
            }
            return try Input.instant(raw, field: name, now: Date())
        }
        return (provider, try day("from"), try day("to"))
    }

    static func logQuery(_ query: Input.Query) throws -> (PaymentProviderName?, Int) {
        let provider = try query["provider"].map { try PaymentService.providerName(String($0)) }
        let limit = try Input.queryInt(query, "limit") ?? 50
        guard (1...500).contains(limit) else { throw Problem.invalid("limit", "limit must be between 1 and 500") }
        return (provider, limit)
    }
}

extension Render {
    static func payment(_ p: Payment, payload: PaymentPayload?) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .number(Double(p.id.rawValue)), "order_id": .number(Double(p.order.rawValue)), "provider": .string(p.provider.rawValue),
            "trade_no": .string(p.id.tradeNumber), "amount_minor": money(p.amount), "currency": .string(p.amount.currency),
            "status": .string(p.status.rawValue), "provider_trade_no": optional(p.providerTradeNumber),
            "created_at": .string(iso8601(p.createdAt)), "paid_at": p.paidAt.map { .string(iso8601($0)) } ?? .null,
        ]
        if let payload {
            o["payload"] = .object(["kind": .string(payload.kind.rawValue), "url": .string(payload.url),
                                    "fields": .object(payload.fields.mapValues(JSONValue.string))])
        }
        return .object(o)
    }

    static func refund(_ r: Refund) -> JSONValue {
        .object(["id": .number(Double(r.id.rawValue)), "payment_id": .number(Double(r.payment.rawValue)), "order_id": .number(Double(r.order.rawValue)),
                 "provider": .string(r.provider.rawValue), "refund_no": .string(r.id.refundNumber), "amount_minor": money(r.amount),
                 "currency": .string(r.amount.currency), "reason": .string(r.reason), "status": .string(r.status.rawValue),
                 "provider_refund_no": optional(r.providerRefundNumber), "created_at": .string(iso8601(r.createdAt)),
                 "done_at": r.doneAt.map { .string(iso8601($0)) } ?? .null])
    }

    static func notification(_ n: NotificationRecord) -> JSONValue {
        .object(["provider": .string(n.provider.rawValue), "outcome": .string(n.outcome.rawValue), "reason": optional(n.reason),
                 "trade_no": optional(n.tradeNumber), "body_sha256": .string(n.bodyDigest), "at": .string(iso8601(n.at))])
    }

    static func movement(_ m: MoneyMovement?) -> JSONValue {
        guard let m else { return .null }
        return .object(["kind": .string(m.kind.rawValue), "merchant_no": .string(m.merchantNumber), "provider_no": optional(m.providerNumber),
                        "amount_minor": money(m.amount), "currency": .string(m.amount.currency), "at": .string(iso8601(m.at))])
    }

    static func reconciliation(_ r: Reconciliation) -> JSONValue {
        .object(["provider": .string(r.provider.rawValue), "from": .string(iso8601(r.from)), "to": .string(iso8601(r.to)),
                 "balanced": .bool(r.balanced), "matched": number(r.matched),
                 "differences": .array(r.differences.map { .object(["finding": .string($0.finding.rawValue), "provider": movement($0.provider),
                                                                      "ledger": movement($0.ledger)]) }),
                 "provider_net_minor": .object(r.providerNet.mapValues { .number(Double($0)) }),
                 "ledger_net_minor": .object(r.ledgerNet.mapValues { .number(Double($0)) })])
    }
}

extension PaymentRoutes {
    /// The order id in the path.
    static func orderID(_ context: AppRequestContext) throws -> OrderID {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else { throw Problem.invalid("id", "the order id must be a positive integer") }
        return OrderID(id)
    }
}
