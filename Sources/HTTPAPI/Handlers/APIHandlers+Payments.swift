import Accounts
import Foundation
import Kernel
import O2OAPI
import Orders
import Payments

/// `/v1/orders/{id}/payments` and the admin's `/v1/payments/…`: paying an order through a
/// provider, its payments and refunds, the reconciliation and the notification log. The
/// providers' own notifications keep their raw route (`PaymentNotifyRoute`): they are signed
/// over the body's bytes.
extension APIHandlers {
    func payOrder(_ input: Operations.PayOrder.Input) async throws -> Operations.PayOrder.Output {
        let caller = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let (payment, payload, created) = try await payments.pay(try Self.orderID(input.path.id), provider: body.provider, by: caller)
        let answer = try Self.payment(payment, payload: payload)
        return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
    }

    func orderPayments(_ input: Operations.OrderPayments.Input) async throws -> Operations.OrderPayments.Output {
        let (list, refunds) = try await payments.payments(order: try Self.orderID(input.path.id), by: try context.signedIn())
        return .ok(.init(body: .json(.init(payments: try list.map { try Self.payment($0, payload: nil) }, refunds: refunds.map(Self.refund)))))
    }

    func reconcilePayments(_ input: Operations.ReconcilePayments.Input) async throws -> Operations.ReconcilePayments.Output {
        let caller = try context.signedIn()
        let now = payments.now()
        let r = try await payments.reconcile(provider: input.query.provider, from: try Self.day(input.query.from, field: "from", now: now),
                                             to: try Self.day(input.query.to, field: "to", now: now), by: caller)
        return .ok(.init(body: .json(.init(
            balanced: r.balanced,
            differences: r.differences.map { .init(finding: $0.finding.rawValue, ledger: $0.ledger.map(Self.movement), provider: $0.provider.map(Self.movement)) },
            from: Render.iso8601(r.from), ledgerNetMinor: .init(additionalProperties: r.ledgerNet), matched: r.matched,
            provider: r.provider.rawValue, providerNetMinor: .init(additionalProperties: r.providerNet), to: Render.iso8601(r.to)))))
    }

    func paymentNotifications(_ input: Operations.PaymentNotifications.Input) async throws -> Operations.PaymentNotifications.Output {
        let log = try await payments.notifications(provider: input.query.provider, limit: input.query.limit ?? 50, by: try context.signedIn())
        return .ok(.init(body: .json(.init(notifications: log.map { n in
            .init(at: Render.iso8601(n.at), bodySha256: n.bodyDigest, outcome: n.outcome.rawValue, provider: n.provider.rawValue,
                  reason: n.reason, tradeNo: n.tradeNumber)
        }))))
    }

    // MARK: - Translation

    /// A day (2026-11-25, its midnight UTC) or an instant.
    static func day(_ raw: String, field: String, now: Date) throws -> Date {
        if raw.count == 10 {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withFullDate]
            if let d = f.date(from: raw) { return d }
        }
        return try Input.instant(raw, field: field, now: now)
    }

    static func payment(_ p: Payment, payload: PaymentPayload?) throws -> Components.Schemas.Payment {
        .init(amountMinor: p.amount.minor, createdAt: Render.iso8601(p.createdAt), currency: p.amount.currency, id: Int(p.id.rawValue),
                     orderId: Int(p.order.rawValue), paidAt: p.paidAt.map(Render.iso8601),
                     payload: payload.map { .init(fields: .init(additionalProperties: $0.fields), kind: $0.kind.rawValue, url: $0.url) },
                     provider: p.provider.rawValue, providerTradeNo: p.providerTradeNumber, status: try enumValue(p.status.rawValue, field: "status"), tradeNo: p.id.tradeNumber)
    }

    static func refund(_ r: Refund) -> Components.Schemas.Refund {
        .init(amountMinor: r.amount.minor, createdAt: Render.iso8601(r.createdAt), currency: r.amount.currency, doneAt: r.doneAt.map(Render.iso8601),
              id: Int(r.id.rawValue), orderId: Int(r.order.rawValue), paymentId: Int(r.payment.rawValue), provider: r.provider.rawValue,
              providerRefundNo: r.providerRefundNumber, reason: r.reason, refundNo: r.id.refundNumber, status: r.status.rawValue)
    }

    static func movement(_ m: MoneyMovement) -> Components.Schemas.MoneyMovement {
        .init(amountMinor: m.amount.minor, at: Render.iso8601(m.at), currency: m.amount.currency, kind: m.kind.rawValue,
              merchantNo: m.merchantNumber, providerNo: m.providerNumber)
    }
}
