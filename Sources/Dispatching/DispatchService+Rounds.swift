import Foundation
import GeoCore
import Kernel

extension DispatchService {
    /// A round's decisions with the record kept of it.
    public struct RoundReport: Sendable {
        public var record: RoundRecord
        public var plan: RoundPlan
    }

    /// Plans a round on the current riders and pool, commits every assignment in one
    /// transaction, then applies it. `options` overrides the service's for this round only.
    public func runRound(trigger: String = "manual", options override: DispatchOptions? = nil) async throws -> RoundReport {
        let options = override ?? self.options
        try options.validate()
        return try await gate.run { [self] in
            let t = now()
            // A copy: location updates go on while the round plans.
            let (riders, deliveries, locator) = state.withLock { ($0.riders, $0.deliveries, $0.locator) }
            let plan = DispatchPlanner(options: options, eta: eta).plan(now: t, riders: riders, deliveries: deliveries, locator: locator)
            var write = DispatchWrite(round: RoundRecord(at: t, trigger: trigger, strategy: options.strategy, plan: plan))
            for a in plan.assignments {
                var d = deliveries[a.delivery]!
                d.status = .assigned; d.rider = a.rider
                d.offerExpiresAt = t.addingTimeInterval(options.offerTimeout)
                write.deliveries.append(d)
                write.events.append(DeliveryEvent(delivery: d.id, status: .assigned, at: t, position: riders[a.rider]?.position,
                                                  rider: a.rider, note: a.bundled ? "dispatch round (bundled)" : "dispatch round"))
            }
            for (id, stops) in plan.routes {
                var r = riders[id]!
                r.route = stops
                write.riders.append(r)
            }
            var record = write.round!
            guard !plan.assignments.isEmpty || !plan.unassigned.isEmpty else {
                // Nothing to do: no row for an empty round.
                return RoundReport(record: record, plan: plan)
            }
            record.id = try await storage.commit(write)
            apply(write)
            let report = RoundReport(record: record, plan: plan)
            board.publish([.round(report)])
            return report
        }
    }

    /// Returns to the pool every offer not accepted in time; returns how many.
    @discardableResult
    public func expireOffers() async throws -> Int {
        try await gate.run { [self] in
            let t = now()
            let lapsed = state.withLock { s in s.deliveries.values.filter { $0.status == .assigned && ($0.offerExpiresAt ?? .distantFuture) <= t } }
            guard !lapsed.isEmpty else { return 0 }
            var write = DispatchWrite()
            var riders: [RiderID: Rider] = state.withLock { $0.riders }
            for var d in lapsed.sorted(by: { $0.id < $1.id }) {
                let rider = d.rider!
                riders[rider]?.route.removeAll { $0.delivery == d.id }
                d.status = .pending; d.rider = nil; d.offerExpiresAt = nil; d.declinedBy.insert(rider)
                write.deliveries.append(d)
                write.events.append(DeliveryEvent(delivery: d.id, status: .pending, at: t, position: riders[rider]?.position,
                                                  rider: rider, note: "offer timed out"))
            }
            write.riders = Set(lapsed.compactMap(\.rider)).sorted().compactMap { riders[$0] }
            try await storage.commit(write)
            apply(write)
            return lapsed.count
        }
    }

    /// The most recent rounds, newest first.
    public func recentRounds(limit: Int) async throws -> [RoundRecord] {
        try await storage.recentRounds(limit: limit)
    }

    /// Applies a committed write to memory and tells the tracking streams. Riders keep the
    /// position they have in memory (it may be newer than the one the write copied).
    func apply(_ write: DispatchWrite) {
        let riders: [Rider] = state.withLock { s in
            for d in write.deliveries {
                if d.status.isFinal { s.deliveries[d.id] = nil } else { s.deliveries[d.id] = d }
            }
            return write.riders.map { r in
                var saved = r
                if let current = s.riders[r.id] { saved.position = current.position; saved.positionAt = current.positionAt }
                s.riders[r.id] = saved
                return saved
            }
        }
        tracking.publish(write.events.map(TrackingUpdate.status))
        board.publish(riders.map(BoardUpdate.rider) + write.deliveries.map(BoardUpdate.delivery))
    }
}
