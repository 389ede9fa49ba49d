import Accounts
import Commerce
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Orders
import Payments
import Stores

/// `/v1/orders`: checkout, the customer's orders, each order's steps; and each store's queue.
struct OrderRoutes: Sendable {
    let orders: OrderService
    /// Cancels, and refunds a paid order's payment at once.
    let cancellations: OrderCancellation

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/orders") { request, context in
            let caller = try context.signedIn()
            let key = request.headers[.init("Idempotency-Key")!]
            let (order, replayed) = try await orders.checkout(idempotencyKey: key, by: caller)
            return JSONBody(value: Render.order(order), status: replayed ? .ok : .created)
        }
        router.get("/v1/orders") { request, context in
            let caller = try context.signedIn()
            let limit = try Input.queryInt(request, "limit") ?? 20
            let after = try Input.queryInt(request, "cursor").map { OrderID(Int64($0)) }
            let page = try await orders.history(after: after, limit: limit, by: caller)
            let next: JSONValue = page.count == limit ? page.last.map { .string(String($0.id.rawValue)) } ?? .null : .null
            return JSONBody(value: .object(["orders": .array(page.map(Render.order)), "next_cursor": next]))
        }
        router.get("/v1/orders/:id") { _, context in
            JSONBody(value: Render.order(try await orders.order(try Self.id(context), by: try context.signedIn())))
        }
        router.post("/v1/orders/:id/cancel") { request, context in
            let caller = try context.signedIn()
            let json = try await Input.json(request, context: context)
            let o = try Input.object(json, allowed: ["reason"])
            let cancelled = try await cancellations.cancel(try Self.id(context), reason: try Input.string(o, "reason"), by: caller)
            return JSONBody(value: Render.order(cancelled))
        }
        router.post("/v1/orders/:id/status") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["status", "code"])
            let raw = try Input.string(o, "status", required: true)!
            guard let next = OrderStatus(rawValue: raw) else {
                throw Problem.invalid("status", "status must be one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return JSONBody(value: Render.order(try await orders.advance(try Self.id(context), to: next, code: try Input.string(o, "code"), by: caller)))
        }
        router.post("/v1/orders/:id/review") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["rating", "text"])
            let review = try await orders.review(try Self.id(context), rating: try Input.integer(o, "rating", required: true)!,
                                                 text: try Input.string(o, "text"), by: caller)
            return JSONBody(value: Render.review(review), status: .created)
        }
        router.get("/v1/stores/:id/reviews") { request, context in
            let (reviews, count, mean) = try await orders.reviews(store: try StoreRoutes.storeID(context), limit: try Input.queryInt(request, "limit") ?? 20)
            return JSONBody(value: .object(["count": .number(Double(count)), "mean_rating": mean.map { .number(($0 * 100).rounded() / 100) } ?? .null,
                                            "reviews": .array(reviews.map(Render.review))]))
        }
        router.get("/v1/stores/:id/orders") { request, context in
            let caller = try context.signedIn()
            var statuses: Set<OrderStatus> = []
            for raw in request.uri.queryParameters.getAll("status") {
                guard let s = OrderStatus(rawValue: String(raw)) else { throw Problem.invalid("status", "unknown status \"\(raw)\"") }
                statuses.insert(s)
            }
            let queue = try await orders.queue(store: try StoreRoutes.storeID(context), statuses: statuses, by: caller)
            return JSONBody(value: .object(["orders": .array(queue.map(Render.order))]))
        }
    }

    static func id(_ context: AppRequestContext) throws -> OrderID {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else { throw Problem.invalid("id", "the order id must be a positive integer") }
        return OrderID(id)
    }
}

extension Render {
    /// A review as the store shows it: the customer is not named.
    static func review(_ r: Review) -> JSONValue {
        .object(["order_id": .number(Double(r.order.rawValue)), "store_id": .number(Double(r.store.rawValue)), "rating": number(r.rating),
                 "text": optional(r.text), "at": .string(iso8601(r.at))])
    }

    static func order(_ o: Order) -> JSONValue {
        var fulfilment: [String: JSONValue]
        switch o.fulfilment {
        case .delivery(let recipient, let phone, let line, let location):
            fulfilment = ["kind": .string("delivery"), "recipient": .string(recipient), "phone": .string(phone), "line": .string(line),
                          "lat": .number(location.latitude), "lon": .number(location.longitude)]
        case .pickup(let code):
            fulfilment = ["kind": .string("pickup"), "code": .string(code)]
        }
        return .object([
            "id": .number(Double(o.id.rawValue)), "customer_id": .number(Double(o.customer.rawValue)), "store_id": .number(Double(o.store.rawValue)),
            "status": .string(o.status.rawValue), "fulfilment": .object(fulfilment),
            "lines": .array(o.lines.map { l in
                .object(["sku": .string(l.sku.rawValue), "name": .string(l.name), "qty": number(l.quantity),
                         "unit_price_minor": number(l.unitPriceMinor), "total_minor": number(l.totalMinor)])
            }),
            "subtotal_minor": money(o.subtotal), "delivery_fee_minor": money(o.deliveryFee), "discount_minor": money(o.discount),
            "discounts": .array(o.discounts.map { .object(["code": .string($0.code), "description": .string($0.description),
                                                           "amount_minor": .number(Double($0.amountMinor))]) }),
            "total_minor": money(o.total), "currency": .string(o.total.currency), "reservation_id": .string(o.reservation.rawValue),
            "created_at": .string(iso8601(o.createdAt)), "pay_by": .string(iso8601(o.payBy)),
            "timeline": .array(o.timeline.map { e in
                .object(["status": .string(e.status.rawValue), "at": .string(iso8601(e.at)), "by": .string(e.by.rawValue), "note": optional(e.note)])
            }),
        ])
    }
}
