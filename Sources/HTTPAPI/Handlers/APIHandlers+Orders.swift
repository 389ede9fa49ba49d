import Accounts
import Foundation
import Kernel
import O2OAPI
import OpenAPIRuntime
import Orders
import Payments

/// `/v1/orders`: checkout, the customer's orders, each order's steps and review; each store's
/// queue and reviews.
extension APIHandlers {
    func checkout(_ input: Operations.Checkout.Input) async throws -> Operations.Checkout.Output {
        let (order, replayed) = try await orders.checkout(idempotencyKey: input.headers.idempotencyKey, by: try context.signedIn())
        return replayed ? .ok(.init(body: .json(try Self.order(order)))) : .created(.init(body: .json(try Self.order(order))))
    }

    func listOrders(_ input: Operations.ListOrders.Input) async throws -> Operations.ListOrders.Output {
        let limit = input.query.limit ?? 20
        let page = try await orders.history(after: input.query.cursor.map { OrderID(Int64($0)) }, limit: limit, by: try context.signedIn())
        let next = page.count == limit ? page.last.map { String($0.id.rawValue) } : nil
        return .ok(.init(body: .json(.init(nextCursor: next, orders: try page.map(Self.order)))))
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        let order = try await orders.order(try Self.orderID(input.path.id), by: try context.signedIn())
        return .ok(.init(body: .json(try Self.order(order))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let order = try await cancellations.cancel(try Self.orderID(input.path.id), reason: body.reason, by: try context.signedIn())
        return .ok(.init(body: .json(try Self.order(order))))
    }

    func advanceOrder(_ input: Operations.AdvanceOrder.Input) async throws -> Operations.AdvanceOrder.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        guard let next = OrderStatus(rawValue: body.status) else {
            throw DomainError(.invalid, field: "status", "status must be one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let order = try await orders.advance(try Self.orderID(input.path.id), to: next, code: body.code, by: try context.signedIn())
        return .ok(.init(body: .json(try Self.order(order))))
    }

    func reviewOrder(_ input: Operations.ReviewOrder.Input) async throws -> Operations.ReviewOrder.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let review = try await orders.review(try Self.orderID(input.path.id), rating: body.rating, text: body.text, by: try context.signedIn())
        return .created(.init(body: .json(Self.review(review))))
    }

    func storeReviews(_ input: Operations.StoreReviews.Input) async throws -> Operations.StoreReviews.Output {
        let store = StoreID(try Self.positive(input.path.id, "id"))
        let (reviews, count, mean) = try await orders.reviews(store: store, limit: input.query.limit ?? 20)
        return .ok(.init(body: .json(.init(count: count, meanRating: mean.map { ($0 * 100).rounded() / 100 }, reviews: reviews.map(Self.review)))))
    }

    func storeOrders(_ input: Operations.StoreOrders.Input) async throws -> Operations.StoreOrders.Output {
        let caller = try context.signedIn()
        var statuses: Set<OrderStatus> = []
        for raw in input.query.status ?? [] {
            guard let status = OrderStatus(rawValue: raw) else { throw DomainError(.invalid, field: "status", "unknown status \"\(raw)\"") }
            statuses.insert(status)
        }
        let queue = try await orders.queue(store: StoreID(try Self.positive(input.path.id, "id")), statuses: statuses, by: caller)
        return .ok(.init(body: .json(.init(orders: try queue.map(Self.order)))))
    }

    // MARK: - Translation

    static func orderID(_ id: Int) throws(DomainError) -> OrderID {
        guard id > 0 else { throw DomainError(.invalid, field: "id", "the order id must be a positive integer") }
        return OrderID(Int64(id))
    }

    /// A review as the store shows it: the customer is not named.
    static func review(_ r: Review) -> Components.Schemas.Review {
        .init(at: Render.iso8601(r.at), orderId: Int(r.order.rawValue), rating: r.rating, storeId: Int(r.store.rawValue), text: r.text)
    }

    static func order(_ o: Order) throws -> Components.Schemas.Order {
        let fulfilment: [String: (any Sendable)?] = switch o.fulfilment {
        case .delivery(let recipient, let phone, let line, let location):
            ["kind": "delivery", "recipient": recipient, "phone": phone, "line": line, "lat": location.latitude, "lon": location.longitude]
        case .pickup(let code): ["kind": "pickup", "code": code]
        }
        return .init(
            createdAt: Render.iso8601(o.createdAt), currency: o.total.currency, customerId: Int(o.customer.rawValue),
            deliveryFeeMinor: o.deliveryFee.minor, discountMinor: o.discount.minor,
            discounts: o.discounts.map { .init(amountMinor: $0.amountMinor, code: $0.code, description: $0.description) },
            fulfilment: try OpenAPIObjectContainer(unvalidatedValue: fulfilment), id: Int(o.id.rawValue),
            lines: o.lines.map { .init(name: $0.name, qty: $0.quantity, sku: $0.sku.rawValue, totalMinor: $0.totalMinor, unitPriceMinor: $0.unitPriceMinor) },
            payBy: Render.iso8601(o.payBy), reservationId: o.reservation.rawValue, status: try enumValue(o.status.rawValue, field: "status"), storeId: Int(o.store.rawValue),
            subtotalMinor: o.subtotal.minor, timeline: o.timeline.map { .init(at: Render.iso8601($0.at), by: $0.by.rawValue, note: $0.note, status: $0.status.rawValue) },
            totalMinor: o.total.minor)
    }
}
