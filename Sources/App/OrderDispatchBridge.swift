import Dispatching
import Foundation
import GeoCore
import Kernel
import Logging
import Orders
import ServiceLifecycle
import Stores

/// Delivery orders to the dispatch service: pickup at the store, drop at the order's address,
/// promised within the serving zone's minutes (45 when none serves any more), the order named
/// in the delivery's external reference so that sending it twice gives one delivery.
public struct DispatchCouriers: CourierDispatch {
    let dispatch: DispatchService
    let stores: StoreService
    let now: @Sendable () -> Date

    public init(dispatch: DispatchService, stores: StoreService, now: @escaping @Sendable () -> Date = { Date() }) {
        self.dispatch = dispatch; self.stores = stores; self.now = now
    }

    public static func reference(_ id: OrderID) -> String { "order:\(id.rawValue)" }

    public func send(_ order: Order) async throws {
        guard case .delivery(_, _, _, let drop) = order.fulfilment else { return }
        guard let store = stores.finder.store(order.store) else { throw DomainError(.notFound, field: "store_id", "store \(order.store) is gone") }
        let zone = stores.finder.zones(containing: drop).first { $0.store.id == order.store && $0.serves }?.zone
        let at = now()
        _ = try await dispatch.create(DeliveryDraft(
            storeID: order.store.rawValue, pickup: store.location, drop: drop, size: 1, readyAt: at,
            promisedBy: at.addingTimeInterval(TimeInterval(60 * (zone?.promisedMinutes ?? 45))), externalRef: Self.reference(order.id)))
    }
}

/// Couriers' progress back to the orders: a delivery for an order picked up or delivered moves
/// the order on. Runs beside the server; a delivery that fails leaves its order with dispatch
/// for the store and the dispatcher to settle.
struct CourierReports: Service {
    let dispatch: DispatchService
    let orders: OrderService
    let logger: Logger

    func run() async throws {
        // Ends when the tracking hub finishes, at shutdown.
        for await update in dispatch.tracking.subscribe(key: nil) {
            guard case .status(let event) = update, [.pickedUp, .delivered].contains(event.status) else { continue }
            do {
                guard let ref = try await dispatch.delivery(event.delivery).externalRef, ref.hasPrefix("order:"),
                      let id = Int64(ref.dropFirst(6)) else { continue }
                _ = try await orders.courierReported(OrderID(id), event.status == .pickedUp ? .pickedUp : .delivered)
            } catch {
                logger.error("a courier's report did not reach its order: \(error)")
            }
        }
    }
}
