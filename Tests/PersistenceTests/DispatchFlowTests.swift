import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Testing

/// The dispatch service over a real SpatiaLite file: what it acknowledges is stored, and a
/// restart brings back riders, their last positions, routes and the pool.
@Suite("Dispatch over SpatiaLite")
struct DispatchFlowTests {
    static let store = Coordinate(latitude: 41.1496, longitude: -8.6109)

    static func setUp() throws -> (SpatiaLiteDatabase, DispatchService, TestClock, String) {
        let (db, folder) = try DemoFixture.emptyDatabase()
        let clock = TestClock()
        return (db, DemoFixture.dispatch(db, now: { clock.now }), clock, folder!.appendingPathComponent("o2o.sqlite").path)
    }

    static func riderDraft(_ name: String, at p: Coordinate?, clock: TestClock, capacity: Int = 2) -> RiderDraft {
        RiderDraft(name: name, vehicle: .ebike, capacity: capacity, shiftStart: clock.now.addingTimeInterval(-600),
                   shiftEnd: clock.now.addingTimeInterval(8 * 3600), position: p)
    }

    static func deliveryDraft(_ ref: String?, clock: TestClock, promisedIn: TimeInterval = 2700) -> DeliveryDraft {
        DeliveryDraft(storeID: 1, pickup: store, drop: store.destination(distance: 1800, bearing: 30), readyAt: clock.now,
                      promisedBy: clock.now.addingTimeInterval(promisedIn), externalRef: ref)
    }

    @Test("positions: out-of-order updates are ignored, the last one survives a restart after a flush")
    func positions() async throws {
        let (db, dispatch, clock, path) = try Self.setUp()
        let rider = try await dispatch.register(Self.riderDraft("Ana", at: nil, clock: clock))
        let a = Self.store.destination(distance: 300, bearing: 0), b = Self.store.destination(distance: 600, bearing: 0)
        #expect(try dispatch.updateLocation(rider.id, to: a, at: clock.now))
        #expect(try dispatch.updateLocation(rider.id, to: b, at: clock.now.addingTimeInterval(5)))
        #expect(try dispatch.updateLocation(rider.id, to: a, at: clock.now.addingTimeInterval(2)) == false, "older: ignored")
        #expect(try dispatch.rider(rider.id).position == b)
        #expect(throws: DomainError.self) { try dispatch.updateLocation(RiderID(99), to: a) }
        #expect(throws: DomainError.self) { try dispatch.updateLocation(rider.id, to: a, at: clock.now.addingTimeInterval(3600)) }
        #expect(dispatch.nearbyRiders(to: Self.store, status: .idle).map(\.rider.id) == [rider.id])
        #expect(dispatch.nearbyRiders(to: Self.store, status: .busy).isEmpty)
        #expect(try await dispatch.flushPositions() == 1)
        #expect(try await dispatch.flushPositions() == 0, "nothing new to write")
        try db.close()

        let reopened = try SpatiaLiteDatabase(path: path)
        let again = DemoFixture.dispatch(reopened, now: { clock.now })
        try await again.load()
        let back = try again.rider(rider.id)
        #expect(back.position == b && back.positionAt == clock.now.addingTimeInterval(5))
        #expect(again.nearbyRiders(to: Self.store, limit: 1).first?.rider.id == rider.id)
    }

    @Test("a delivery's life: created once per reference, assigned by a round, accepted, picked up, delivered — each step in the timeline")
    func lifecycle() async throws {
        let (_, dispatch, clock, _) = try Self.setUp()
        let rider = try await dispatch.register(Self.riderDraft("Ana", at: Self.store.destination(distance: 400, bearing: 90), clock: clock))
        let (d, created) = try await dispatch.create(Self.deliveryDraft("order-1", clock: clock))
        #expect(created && d.status == .pending)
        let (same, again) = try await dispatch.create(Self.deliveryDraft("order-1", clock: clock))
        #expect(!again && same.id == d.id)

        let round = try await dispatch.runRound()
        #expect(round.record.id != nil && round.plan.assignments.map(\.delivery) == [d.id])
        #expect(try dispatch.rider(rider.id).status == .busy)
        await #expect(throws: DomainError.self) { try await dispatch.pickUp(d.id, by: rider.id) }   // not accepted yet
        #expect(try await dispatch.accept(d.id, by: rider.id).status == .accepted)
        let tracking = try await dispatch.track(d.id)
        #expect(tracking.rider?.id == rider.id && tracking.pickupETA != nil && tracking.dropETA! > clock.now)
        clock.advance(300)
        #expect(try await dispatch.pickUp(d.id, by: rider.id).status == .pickedUp)
        await #expect(throws: DomainError.self) { try await dispatch.cancel(d.id, reason: "too late") }
        clock.advance(600)
        #expect(try await dispatch.deliver(d.id, by: rider.id).status == .delivered)
        #expect(try dispatch.rider(rider.id).status == .idle && dispatch.activeDeliveryCount == 0)
        let timeline = try await dispatch.timeline(d.id)
        #expect(timeline.map(\.status) == [.pending, .assigned, .accepted, .pickedUp, .delivered])
        #expect(timeline.dropFirst().allSatisfy { $0.rider == rider.id && $0.position != nil })
        #expect(try await dispatch.delivery(d.id).status == .delivered, "finished deliveries are read from storage")
        #expect(try await dispatch.recentRounds(limit: 5).first?.assigned == 1)
    }

    @Test("a decline or a lapsed offer returns the delivery to the pool, and it is not offered to that rider again")
    func declineAndTimeout() async throws {
        let (_, dispatch, clock, _) = try Self.setUp()
        let near = try await dispatch.register(Self.riderDraft("Near", at: Self.store.destination(distance: 200, bearing: 0), clock: clock))
        let far = try await dispatch.register(Self.riderDraft("Far", at: Self.store.destination(distance: 1500, bearing: 0), clock: clock))
        let (d, _) = try await dispatch.create(Self.deliveryDraft(nil, clock: clock))
        _ = try await dispatch.runRound()
        #expect(try await dispatch.delivery(d.id).rider == near.id)
        await #expect(throws: DomainError.self) { try await dispatch.accept(d.id, by: far.id) }   // not theirs
        let declined = try await dispatch.decline(d.id, by: near.id, reason: "flat tyre")
        #expect(declined.status == .pending && declined.declinedBy == [near.id])
        #expect(try dispatch.rider(near.id).route.isEmpty)
        _ = try await dispatch.runRound()
        #expect(try await dispatch.delivery(d.id).rider == far.id, "the decliner is skipped")
        clock.advance(dispatch.options.offerTimeout + 1)
        #expect(try await dispatch.expireOffers() == 1)
        let lapsed = try await dispatch.delivery(d.id)
        #expect(lapsed.status == .pending && lapsed.declinedBy == [near.id, far.id])
        let report = try await dispatch.runRound()
        #expect(report.plan.unassigned.map(\.reason) == [.noRiderNearby])
        #expect(try await dispatch.timeline(d.id).compactMap(\.note).contains("offer timed out"))
    }

    @Test("a dispatcher reassigns by hand: the stops move from one rider's route to the other's; a restart keeps both")
    func manualReassign() async throws {
        let (db, dispatch, clock, path) = try Self.setUp()
        let a = try await dispatch.register(Self.riderDraft("A", at: Self.store.destination(distance: 200, bearing: 0), clock: clock))
        let b = try await dispatch.register(Self.riderDraft("B", at: Self.store.destination(distance: 900, bearing: 180), clock: clock, capacity: 1))
        let (d, _) = try await dispatch.create(Self.deliveryDraft(nil, clock: clock))
        _ = try await dispatch.assign(d.id, to: a.id)
        #expect(try dispatch.rider(a.id).route.count == 2)
        await #expect(throws: DomainError.self) { try await dispatch.assign(d.id, to: a.id) }   // already theirs
        _ = try await dispatch.accept(d.id, by: a.id)
        let moved = try await dispatch.assign(d.id, to: b.id, note: "A's bike broke")
        #expect(moved.status == .assigned && moved.rider == b.id)
        #expect(try dispatch.rider(a.id).route.isEmpty && dispatch.rider(b.id).route.count == 2)
        let (other, _) = try await dispatch.create(Self.deliveryDraft(nil, clock: clock))
        _ = try await dispatch.assign(other.id, to: b.id)   // after the first drop: capacity 1 allows it
        #expect(try dispatch.rider(b.id).route.map(\.kind) == [.pickup, .drop, .pickup, .drop])
        await #expect(throws: DomainError.self) { try await dispatch.update(b.id) { $0.online = false } }   // stops to make
        try db.close()

        let again = DemoFixture.dispatch(try SpatiaLiteDatabase(path: path), now: { clock.now })
        try await again.load()
        #expect(try again.rider(b.id).route == (try dispatch.rider(b.id).route))
        #expect(again.activeDeliveryCount == 2)
    }
}
