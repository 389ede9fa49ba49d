import Accounts
import Kernel
import Orders

/// Cancelling an order, the one way every caller takes (the customer or staff over HTTP, the
/// sweep that gives up on a group buy): an order not yet paid is cancelled and its hold let go;
/// a paid one is refunded, its goods back on the shelf and its payment asked back from the
/// provider at once (the settling sweep asks again if that fails).
public struct OrderCancellation: Sendable {
    let orders: OrderService
    let payments: PaymentService

    public init(orders: OrderService, payments: PaymentService) {
        self.orders = orders; self.payments = payments
    }

    public func cancel(_ id: OrderID, reason: String?, by principal: Principal) async throws -> Order {
        let order = try await orders.cancel(id, reason: reason, by: principal)
        if order.status == .refunded { await payments.orderRefunded(order.id) }
        return order
    }
}
