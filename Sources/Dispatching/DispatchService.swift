import Foundation
import GeoCore
import Kernel
import LiveEvents
import Synchronization

/// What a tracking stream carries: a status change, or where the rider is now.
public enum TrackingUpdate: Hashable, Sendable {
    case status(DeliveryEvent)
    case position(delivery: DeliveryID, rider: RiderID, position: Coordinate, at: Date)

    public var delivery: DeliveryID {
        switch self {
        case .status(let e): return e.delivery
        case .position(let d, _, _, _): return d
        }
    }
}

/// The dispatch domain's front door. Riders, their positions and the active deliveries live in
/// memory; every change but a position is written through storage first (one transaction) and
/// applied to memory after the commit, one write at a time. Positions change in memory at
/// high rate and reach storage by ``flushPositions()``.
public final class DispatchService: Sendable {
    public let storage: any DispatchStorage
    public let eta: any ETAModel
    public let options: DispatchOptions
    public let now: @Sendable () -> Date
    /// Status changes and rider positions of each delivery, for tracking streams.
    public let tracking = EventHub<DeliveryID, TrackingUpdate>(key: \.delivery)
    /// Every rider's and active delivery's changes and every round, for the dispatcher's board.
    public let board = EventHub<Int, BoardUpdate>(key: { _ in 0 })

    struct State {
        var riders: [RiderID: Rider] = [:]
        var deliveries: [DeliveryID: Delivery] = [:]
        var locator = RiderLocator()
        /// Riders whose position changed since the last flush.
        var unsaved: Set<RiderID> = []
    }
    let state = Mutex(State())
    let gate = WriteGate()

    /// How far ahead of the server's clock a device's timestamp may be.
    public static let clockSkewAllowance: TimeInterval = 300

    public init(storage: any DispatchStorage, eta: any ETAModel = HaversineETAModel(),
                options: DispatchOptions = DispatchOptions(), now: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage; self.eta = eta; self.options = options; self.now = now
    }

    /// Fills memory from storage (at start).
    public func load() async throws {
        let (riders, deliveries) = try await storage.loadActive()
        state.withLock { s in
            s = State()
            for r in riders {
                s.riders[r.id] = r
                if let p = r.position { s.locator.update(r.id, to: p) }
            }
            for d in deliveries { s.deliveries[d.id] = d }
        }
    }

    // MARK: - Riders

    public func register(_ draft: RiderDraft) async throws -> Rider {
        try draft.validate()
        return try await gate.run { [self] in
            let rider = try await storage.createRider(draft, at: now())
            state.withLock { s in
                s.riders[rider.id] = rider
                if let p = rider.position { s.locator.update(rider.id, to: p) }
            }
            board.publish([.rider(rider)])
            return rider
        }
    }

    public func rider(_ id: RiderID) throws(DomainError) -> Rider {
        guard let r = state.withLock({ $0.riders[id] }) else { throw DomainError(.notFound, field: "id", "no rider \(id)") }
        return r
    }

    public var riderCount: Int { state.withLock { $0.riders.count } }

    /// Changes a rider's profile or sign-on. Signing off with deliveries on the route is refused.
    public func update(_ id: RiderID, _ change: @escaping @Sendable (inout RiderDraft) -> Void) async throws -> Rider {
        try await gate.run { [self] in
            var rider = try rider(id)
            var draft = RiderDraft(name: rider.name, vehicle: rider.vehicle, capacity: rider.capacity,
                                   shiftStart: rider.shiftStart, shiftEnd: rider.shiftEnd, online: rider.online)
            change(&draft)
            try draft.validate()
            if !draft.online, !rider.route.isEmpty {
                throw DomainError(.conflict, field: "status", "rider \(id) still has \(rider.route.count) stop(s) to make")
            }
            rider.name = draft.name; rider.vehicle = draft.vehicle; rider.capacity = draft.capacity
            rider.shiftStart = draft.shiftStart; rider.shiftEnd = draft.shiftEnd; rider.online = draft.online
            try await storage.commit(DispatchWrite(riders: [rider]))
            let saved = rider
            state.withLock { s in
                // Keep the position that may have moved while the write ran.
                let moved = s.riders[id]
                s.riders[id] = saved
                s.riders[id]!.position = moved?.position; s.riders[id]!.positionAt = moved?.positionAt
            }
            let current = try self.rider(id)
            board.publish([.rider(current)])
            return current
        }
    }

    /// Records where a rider is. An update older than the last one applied is ignored (returns
    /// false), so updates that arrive out of order never move a rider backwards.
    @discardableResult
    public func updateLocation(_ id: RiderID, to position: Coordinate, at time: Date? = nil) throws(DomainError) -> Bool {
        let current = now()
        let at = time ?? current
        guard at.timeIntervalSince(current) <= Self.clockSkewAllowance else {
            throw DomainError(.invalid, field: "at", "at is more than \(Int(Self.clockSkewAllowance)) s ahead of the server's clock")
        }
        let outcome: (applied: Bool, route: [RouteStop])? = state.withLock { s in
            guard let index = s.riders.index(forKey: id) else { return nil }
            if let last = s.riders.values[index].positionAt, at < last { return (false, []) }
            // In place: no copy of the rider's record on this hot path.
            s.riders.values[index].position = position
            s.riders.values[index].positionAt = at
            s.locator.update(id, to: position)
            s.unsaved.insert(id)
            return (true, s.riders.values[index].route)
        }
        guard let outcome else { throw DomainError(.notFound, field: "id", "no rider \(id)") }
        if outcome.applied, board.subscriberCount > 0 { board.publish([.position(rider: id, position: position, at: at)]) }
        if outcome.applied, !outcome.route.isEmpty, tracking.subscriberCount > 0 {
            var seen = Set<DeliveryID>()
            for stop in outcome.route where seen.insert(stop.delivery).inserted && tracking.hasSubscribers(for: stop.delivery) {
                tracking.publish([.position(delivery: stop.delivery, rider: id, position: position, at: at)])
            }
        }
        return outcome.applied
    }

    /// Writes the positions changed since the last flush; returns how many.
    @discardableResult
    public func flushPositions() async throws -> Int {
        let pending: [RiderPosition] = state.withLock { s in
            defer { s.unsaved = [] }
            return s.unsaved.compactMap { id in
                guard let r = s.riders[id], let p = r.position, let at = r.positionAt else { return nil }
                return RiderPosition(rider: id, position: p, at: at)
            }
        }
        guard !pending.isEmpty else { return 0 }
        do {
            try await storage.savePositions(pending)
        } catch {
            // Not saved: keep them for the next flush.
            state.withLock { s in for p in pending { s.unsaved.insert(p.rider) } }
            throw error
        }
        return pending.count
    }

    /// Riders nearest to `point`, optionally only those of one status.
    public func nearbyRiders(to point: Coordinate, status: RiderStatus? = nil, limit: Int = 10,
                             within radius: Meters = .infinity) -> [(rider: Rider, distance: Meters)] {
        state.withLock { s in
            s.locator.nearest(to: point, limit: limit, within: radius) { id in
                // Read in place: no copy of the rider's record per candidate.
                guard let status else { return true }
                guard let i = s.riders.index(forKey: id) else { return false }
                return s.riders.values[i].status == status
            }.compactMap { n in s.riders[n.rider].map { ($0, n.distance) } }
        }
    }

    // MARK: - Deliveries

    public func create(_ draft: DeliveryDraft) async throws -> (delivery: Delivery, created: Bool) {
        try draft.validate()
        return try await gate.run { [self] in
            let (delivery, created) = try await storage.createDelivery(draft, at: now())
            if created {
                state.withLock { $0.deliveries[delivery.id] = delivery }
                tracking.publish([.status(DeliveryEvent(delivery: delivery.id, status: .pending, at: delivery.createdAt))])
                board.publish([.delivery(delivery)])
            }
            return (delivery, created)
        }
    }

    /// A delivery, active or finished.
    public func delivery(_ id: DeliveryID) async throws -> Delivery {
        if let d = state.withLock({ $0.deliveries[id] }) { return d }
        guard let d = try await storage.delivery(id) else { throw DomainError(.notFound, field: "id", "no delivery \(id)") }
        return d
    }

    /// Deliveries, newest first, of a status or a rider or all.
    public func deliveries(status: DeliveryStatus?, rider: RiderID?, limit: Int) async throws -> [Delivery] {
        try await storage.deliveries(status: status, rider: rider, limit: limit)
    }

    public func timeline(_ id: DeliveryID) async throws -> [DeliveryEvent] {
        _ = try await delivery(id)
        return try await storage.timeline(id)
    }

    public var activeDeliveryCount: Int { state.withLock { $0.deliveries.count } }

    /// Where a delivery is and when it should arrive.
    public struct Tracking: Sendable {
        public var delivery: Delivery
        public var rider: Rider?
        /// Predicted arrival at the pickup (while not yet picked up) and handover.
        public var pickupETA: Date?
        public var dropETA: Date?
    }

    public func track(_ id: DeliveryID) async throws -> Tracking {
        let d = try await delivery(id)
        guard d.status.isWithRider, let riderID = d.rider else { return Tracking(delivery: d) }
        let t = now()
        return state.withLock { s in
            guard let r = s.riders[riderID], let position = r.position else { return Tracking(delivery: d, rider: s.riders[riderID]) }
            let schedule = RouteSchedule.evaluate(stops: r.route, start: position, now: t.timeIntervalSinceReferenceDate,
                                                  vehicle: r.vehicle, capacity: r.capacity, deliveries: s.deliveries, eta: eta)
            let pickup = r.route.firstIndex(of: RouteStop(.pickup, id)).map { Date(timeIntervalSinceReferenceDate: schedule.arrivals[$0]) }
            let drop = schedule.dropTimes[id].map { Date(timeIntervalSinceReferenceDate: $0) }
            return Tracking(delivery: d, rider: r, pickupETA: pickup, dropETA: drop)
        }
    }
}
