import Accounts
@testable import App
import Dispatching
import Foundation
import GeoCore
@testable import HTTPAPI
import Kernel
import Logging
import O2OTestSupport
import Orders
import Persistence
import Stores
import Testing

@Suite("Delivery orders and the couriers")
struct CourierTests {
    @Test("handed to dispatch, a delivery order becomes a courier's delivery; the courier's pickup and drop move the order on")
    func handOver() async throws {
        let (db, stores, _) = try await DemoFixture.demoDatabase()
        let dispatch = DemoFixture.dispatch(db)
        let accounts = DemoFixture.accounts(db, stores: stores)
        let catalog = try await DemoFixture.catalog(db, stores: stores)
        let carts = DemoFixture.carts(db, accounts: accounts, catalog: catalog)
        // On the demo services' clock, as the reservations are.
        let orders = OrderService(repository: SpatiaLiteOrderRepository(database: db), carts: carts, stores: stores,
                                  couriers: DispatchCouriers(dispatch: dispatch, stores: stores), now: { Date(timeIntervalSince1970: 1_767_603_600) })
        let reports = Task { try await CourierReports(dispatch: dispatch, orders: orders, logger: Logger(label: "test")).run() }
        defer { reports.cancel() }
        try await Self.wait { dispatch.tracking.subscriberCount > 0 }

        let (ana, home) = try await DemoFixture.customer(accounts)
        _ = try await carts.setQuantity(2, of: "DAIRY-001", by: ana)
        _ = try await carts.choose(.delivery(home.id), by: ana)
        let order = try await orders.checkout(idempotencyKey: nil, by: ana).order
        _ = try await orders.markPaid(order.id, note: nil)
        let admin = Principal(account: AccountID(0), role: .admin)
        for next in [OrderStatus.accepted, .picking, .ready, .withDispatch] { _ = try await orders.advance(order.id, to: next, by: admin) }

        // The delivery exists, named after the order, from the store to the address.
        let (delivery, created) = try await dispatch.create(DeliveryDraft(storeID: order.store.rawValue, pickup: home.location, drop: home.location,
                                                                           readyAt: Date(), promisedBy: Date().addingTimeInterval(3_600),
                                                                           externalRef: DispatchCouriers.reference(order.id)))
        #expect(!created, "sending the order made the delivery; the same reference finds it")
        #expect(delivery.drop == home.location && delivery.pickup == stores.finder.store(order.store)!.location)

        let rider = try await dispatch.register(RiderDraft(name: "Rui", vehicle: .bicycle, capacity: 4, shiftStart: Date().addingTimeInterval(-3_600),
                                                           shiftEnd: Date().addingTimeInterval(3_600), position: delivery.pickup))
        _ = try await dispatch.assign(delivery.id, to: rider.id)
        _ = try await dispatch.accept(delivery.id, by: rider.id)
        _ = try await dispatch.pickUp(delivery.id, by: rider.id)
        try await Self.wait { try await orders.repository.order(order.id)!.status == .pickedUp }
        _ = try await dispatch.deliver(delivery.id, by: rider.id)
        try await Self.wait { try await orders.repository.order(order.id)!.status == .delivered }
        #expect(try await orders.advance(order.id, to: .completed, by: ana).status == .completed)
    }

    /// Waits (up to 10 s) for the background bridge to have acted.
    static func wait(_ done: () async throws -> Bool) async throws {
        for _ in 0..<1_000 {
            if try await done() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the order did not move on")
    }
}
