import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Testing

/// What every `DispatchStorage` must do, whatever stores it: each test runs on every backend in `backends`
/// (SpatiaLite in memory and on disk today).
@Suite("DispatchStorage contract")
struct DispatchStorageContractTests {
    typealias Backend = ContractBackend<any DispatchStorage>
    static let backends = Backend.all { SpatiaLiteDispatchRepository(database: $0) }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)
    static let shop = Coordinate(latitude: 41.1496, longitude: -8.6109)
    static let home = Coordinate(latitude: 41.1452, longitude: -8.6123)

    static func rider(_ name: String, online: Bool = true, position: Coordinate? = shop) -> RiderDraft {
        RiderDraft(name: name, vehicle: .bicycle, capacity: 3, shiftStart: t0, shiftEnd: t0.addingTimeInterval(8 * 3600), online: online, position: position)
    }

    static func delivery(ref: String? = nil, minutes: Double = 0) -> DeliveryDraft {
        DeliveryDraft(storeID: 7, pickup: shop, drop: home, size: 2, readyAt: t0.addingTimeInterval(minutes * 60 + 300),
                      promisedBy: t0.addingTimeInterval(minutes * 60 + 1_800), externalRef: ref)
    }

    @Test("riders and deliveries read back as made; a delivery starts pending with its first event; an external reference makes one delivery", arguments: DispatchStorageContractTests.backends)
    func create(_ backend: Backend) async throws {
        let storage = try await backend.make()
        let ana = try await storage.createRider(Self.rider("Ana"), at: Self.t0)
        let off = try await storage.createRider(Self.rider("Rui", online: false, position: nil), at: Self.t0)
        #expect(ana.name == "Ana" && ana.vehicle == .bicycle && ana.capacity == 3 && ana.online && ana.position == Self.shop
                && ana.positionAt == Self.t0 && ana.route.isEmpty)
        #expect(off.position == nil && off.positionAt == nil && !off.online && off.id != ana.id)

        let (made, created) = try await storage.createDelivery(Self.delivery(ref: "order-1"), at: Self.t0)
        #expect(created)
        #expect(made.storeID == 7 && made.pickup == Self.shop && made.drop == Self.home && made.size == 2 && made.status == .pending
                && made.rider == nil && made.declinedBy.isEmpty && made.createdAt == Self.t0 && made.externalRef == "order-1")
        #expect(try await storage.delivery(made.id) == made)
        #expect(try await storage.timeline(made.id) == [DeliveryEvent(delivery: made.id, status: .pending, at: Self.t0)])
        let again = try await storage.createDelivery(Self.delivery(ref: "order-1", minutes: 10), at: Self.t0.addingTimeInterval(60))
        #expect(!again.created && again.delivery == made, "a retried create is answered with the first delivery")
        let unnamed = try await storage.createDelivery(Self.delivery(), at: Self.t0)
        let unnamedToo = try await storage.createDelivery(Self.delivery(), at: Self.t0)
        #expect(unnamed.created && unnamedToo.created && unnamed.delivery.id != unnamedToo.delivery.id)
        #expect(try await storage.delivery(DeliveryID(unnamedToo.delivery.id.rawValue + 1_000)) == nil)

        let active = try await storage.loadActive()
        #expect(active.riders.map(\.id) == [ana.id, off.id])
        #expect(active.deliveries.map(\.id) == [made.id, unnamed.delivery.id, unnamedToo.delivery.id])
    }

    @Test("a commit writes riders, deliveries, events and its round in one transaction; a write naming something unknown changes nothing", arguments: DispatchStorageContractTests.backends)
    func commit(_ backend: Backend) async throws {
        let storage = try await backend.make()
        var ana = try await storage.createRider(Self.rider("Ana"), at: Self.t0)
        var d = try await storage.createDelivery(Self.delivery(), at: Self.t0).delivery
        ana.route = [RouteStop(.pickup, d.id), RouteStop(.drop, d.id)]
        ana.capacity = 4
        d.status = .assigned; d.rider = ana.id; d.offerExpiresAt = Self.t0.addingTimeInterval(60); d.declinedBy = [RiderID(99)]
        let round = RoundRecord(id: nil, at: Self.t0.addingTimeInterval(10), trigger: "manual", strategy: .bundle, assigned: 1, unassigned: 2,
                                deferred: 1, candidatePairs: 7, totalCost: 120.5, totalLateness: 30, late: 1, solveSeconds: 0.002,
                                reasons: [.noRiderNearby: 2])
        let assigned = DeliveryEvent(delivery: d.id, status: .assigned, at: Self.t0.addingTimeInterval(10), position: Self.shop, rider: ana.id, note: "round")
        let id = try await storage.commit(DispatchWrite(riders: [ana], deliveries: [d], events: [assigned], round: round))
        #expect(id != nil)
        #expect(try await storage.delivery(d.id) == d)
        #expect(try await storage.timeline(d.id).last == assigned)
        let active = try await storage.loadActive()
        #expect(active.riders.first { $0.id == ana.id }?.route == ana.route)
        #expect(active.riders.first { $0.id == ana.id }?.capacity == 4)
        var kept = round
        kept.id = id
        #expect(try await storage.recentRounds(limit: 5) == [kept])
        #expect(try await storage.commit(DispatchWrite(riders: [ana])) == nil, "no round, no id")

        // Unknown rider: the delivery's change in the same write does not land either.
        var ghost = ana
        ghost.id = RiderID(ana.id.rawValue + 1_000)
        var taken = d
        taken.status = .accepted
        await #expect(throws: (any Error).self) {
            try await storage.commit(DispatchWrite(riders: [ghost], deliveries: [taken],
                                                   events: [DeliveryEvent(delivery: d.id, status: .accepted, at: Self.t0)]))
        }
        #expect(try await storage.delivery(d.id)?.status == .assigned)
        #expect(try await storage.timeline(d.id).count == 2)
    }

    @Test("positions: a flush saves the latest fixes and never moves a rider back to an older one", arguments: DispatchStorageContractTests.backends)
    func positions(_ backend: Backend) async throws {
        let storage = try await backend.make()
        let ana = try await storage.createRider(Self.rider("Ana"), at: Self.t0)
        let rui = try await storage.createRider(Self.rider("Rui", position: nil), at: Self.t0)
        let there = Coordinate(latitude: 41.16, longitude: -8.62), older = Coordinate(latitude: 41.10, longitude: -8.60)
        try await storage.savePositions([RiderPosition(rider: ana.id, position: there, at: Self.t0.addingTimeInterval(30)),
                                         RiderPosition(rider: rui.id, position: older, at: Self.t0.addingTimeInterval(5))])
        try await storage.savePositions([RiderPosition(rider: ana.id, position: older, at: Self.t0.addingTimeInterval(20))])
        let riders = try await storage.loadActive().riders
        #expect(riders.first { $0.id == ana.id }?.position == there && riders.first { $0.id == ana.id }?.positionAt == Self.t0.addingTimeInterval(30))
        #expect(riders.first { $0.id == rui.id }?.position == older)
    }

    @Test("deliveries newest first by status and rider; finished ones leave the active set; rounds newest first", arguments: DispatchStorageContractTests.backends)
    func listings(_ backend: Backend) async throws {
        let storage = try await backend.make()
        let ana = try await storage.createRider(Self.rider("Ana"), at: Self.t0)
        var made: [Delivery] = []
        for i in 0..<4 { made.append(try await storage.createDelivery(Self.delivery(minutes: Double(i)), at: Self.t0).delivery) }
        var withAna = made[1]
        withAna.status = .assigned; withAna.rider = ana.id
        var done = made[2]
        done.status = .delivered; done.rider = ana.id
        try await storage.commit(DispatchWrite(deliveries: [withAna, done]))
        #expect(try await storage.deliveries(status: nil, rider: nil, limit: 10).map(\.id) == made.reversed().map(\.id))
        #expect(try await storage.deliveries(status: .pending, rider: nil, limit: 10).map(\.id) == [made[3].id, made[0].id])
        #expect(try await storage.deliveries(status: nil, rider: ana.id, limit: 10).map(\.id) == [made[2].id, made[1].id])
        #expect(try await storage.deliveries(status: .assigned, rider: ana.id, limit: 10).map(\.id) == [made[1].id])
        #expect(try await storage.deliveries(status: nil, rider: nil, limit: 2).count == 2)
        #expect(try await storage.loadActive().deliveries.map(\.id) == [made[0].id, made[1].id, made[3].id])

        for n in 0..<3 {
            try await storage.commit(DispatchWrite(round: RoundRecord(id: nil, at: Self.t0.addingTimeInterval(Double(n)), trigger: "timer", strategy: .batch,
                                                                      assigned: 0, unassigned: 0, deferred: 0, candidatePairs: 0, totalCost: 0,
                                                                      totalLateness: 0, late: 0, solveSeconds: 0, reasons: [:])))
        }
        let rounds = try await storage.recentRounds(limit: 2)
        #expect(rounds.map(\.at) == [Self.t0.addingTimeInterval(2), Self.t0.addingTimeInterval(1)] && rounds.allSatisfy { $0.trigger == "timer" })
    }

    @Test("a day's indicators: created, handed over on time or late, failed, cancelled, minutes to handover, rounds", arguments: DispatchStorageContractTests.backends)
    func day(_ backend: Backend) async throws {
        let storage = try await backend.make()
        var made: [Delivery] = []
        for _ in 0..<4 { made.append(try await storage.createDelivery(Self.delivery(), at: Self.t0).delivery) }
        _ = try await storage.createDelivery(Self.delivery(), at: Self.t0.addingTimeInterval(-86_400))
        let onTime = DeliveryEvent(delivery: made[0].id, status: .delivered, at: Self.t0.addingTimeInterval(20 * 60))
        let late = DeliveryEvent(delivery: made[1].id, status: .delivered, at: Self.t0.addingTimeInterval(40 * 60))
        let failed = DeliveryEvent(delivery: made[2].id, status: .failed, at: Self.t0.addingTimeInterval(60))
        let cancelled = DeliveryEvent(delivery: made[3].id, status: .cancelled, at: Self.t0.addingTimeInterval(60))
        let round = RoundRecord(id: nil, at: Self.t0.addingTimeInterval(5), trigger: "timer", strategy: .bundle, assigned: 1, unassigned: 0,
                                deferred: 0, candidatePairs: 1, totalCost: 1, totalLateness: 0, late: 0, solveSeconds: 0.004, reasons: [:])
        try await storage.commit(DispatchWrite(events: [onTime, late, failed, cancelled], round: round))
        let day = try await storage.day(from: Self.t0.addingTimeInterval(-60), to: Self.t0.addingTimeInterval(86_400 - 60))
        #expect(day.created == 4 && day.delivered == 2 && day.onTime == 1 && day.failed == 1 && day.cancelled == 1)
        #expect(day.meanMinutes == 30 && day.p90Minutes == 40)
        #expect(day.rounds == 1 && day.assigned == 1 && day.meanSolveSeconds == 0.004)
        let before = try await storage.day(from: Self.t0.addingTimeInterval(-86_400 - 60), to: Self.t0.addingTimeInterval(-60))
        #expect(before.created == 1 && before.delivered == 0 && before.rounds == 0 && before.meanMinutes == nil && before.onTimePercent == nil)
    }
}
