import Foundation
import GeoCore
import Kernel

/// Plans one dispatch round over a snapshot of riders and deliveries: candidates from the
/// spatial index, a cost per pair from the cheapest feasible insertion into the rider's route,
/// and an optimal assignment of the sparse candidate graph. Pure: time and state come in,
/// a plan comes out; the caller applies it.
public struct DispatchPlanner: Sendable {
    public var options: DispatchOptions
    public var eta: any ETAModel

    public init(options: DispatchOptions = DispatchOptions(), eta: any ETAModel = HaversineETAModel()) {
        self.options = options; self.eta = eta
    }

    /// The cost of leaving a delivery unassigned: above any pair's cost, so the optimum
    /// assigns as many deliveries as it can and only then minimises the cost.
    static let unassignedCost = 1e9

    /// What leaving a delivery for a later round costs beyond the fixed price: the lateness
    /// it would gain if its best option came `deferralSeconds` later, plus the seconds it has
    /// already waited. Without it, when riders are scarce the optimum keeps choosing the cheap
    /// new orders and starves the old ones.
    func deferralCost(of d: Delivery, insertions: [RiderID: Insertion]?, now t: Double) -> Double {
        let waited = max(0, t - d.createdAt.timeIntervalSinceReferenceDate)
        guard let best = insertions?.values.compactMap({ $0.schedule.dropTimes[d.id] }).min() else { return waited }
        let promised = d.promisedBy.timeIntervalSinceReferenceDate
        let gained = max(0, best + options.deferralSeconds - promised) - max(0, best - promised)
        return options.latenessWeight * gained + waited
    }

    public func plan(now: Date, riders: [RiderID: Rider], deliveries: [DeliveryID: Delivery],
                     locator: RiderLocator) -> RoundPlan {
        let clock = ContinuousClock(), started = clock.now
        var plan = RoundPlan()
        let t = now.timeIntervalSinceReferenceDate
        var pool = deliveries.values.filter { $0.status == .pending }
            .sorted { ($0.readyAt, $0.id) < ($1.readyAt, $1.id) }
        plan.deferred = pool.count { $0.readyAt.timeIntervalSinceReferenceDate > t + options.readyHorizon }
        pool.removeAll { $0.readyAt.timeIntervalSinceReferenceDate > t + options.readyHorizon }

        let available = riders.values.filter { $0.isAvailable(at: now) }
        // The best case uses the fastest vehicle on duty (a car when nobody is).
        let a = Coordinate(latitude: 0, longitude: 0), b = Coordinate(latitude: 0, longitude: 0.01)
        let fastest = available.map(\.vehicle).min {
            eta.travelSeconds(from: a, to: b, by: $0) < eta.travelSeconds(from: a, to: b, by: $1)
        } ?? .car
        var reason: [DeliveryID: RoundPlan.Reason] = [:]
        pool.removeAll { d in
            guard !options.assignLate else { return false }
            let bestCase = max(t, d.readyAt.timeIntervalSinceReferenceDate) + eta.pickupServiceSeconds
                + eta.travelSeconds(from: d.pickup, to: d.drop, by: fastest) + eta.dropServiceSeconds
            if bestCase > d.promisedBy.timeIntervalSinceReferenceDate {
                reason[d.id] = .promisedTimeImpossible
                return true
            }
            return false
        }

        var routes = riders.mapValues(\.route)
        var known = deliveries
        var taken = Set<RiderID>()      // riders given a delivery this round (one each unless bundling)
        var remaining = pool
        let passes = options.strategy == .bundle ? max(1, options.maximumPasses) : 1
        for _ in 0..<passes where !remaining.isEmpty {
            plan.passes += 1
            // Candidate pairs and their insertions.
            var edges: [AssignmentProblem.Edge] = []
            var insertions: [Int: [RiderID: Insertion]] = [:]
            var columnOf: [RiderID: Int] = [:], riderOfColumn: [RiderID] = []
            for (row, d) in remaining.enumerated() {
                let near = locator.nearest(to: d.pickup, limit: options.candidatesPerDelivery, within: options.radius) { id in
                    guard let r = riders[id], r.isAvailable(at: now), !d.declinedBy.contains(id) else { return false }
                    switch options.strategy {
                    case .bundle: return true
                    case .batch, .nearest: return routes[id, default: []].isEmpty && !taken.contains(id)
                    }
                }
                if near.isEmpty { reason[d.id] = reason[d.id] ?? .noRiderNearby; continue }
                for (id, _) in near {
                    let r = riders[id]!
                    guard let position = r.position,
                          let insertion = Insertion.cheapest(of: d, into: routes[id, default: []], start: position, now: t,
                                                             vehicle: r.vehicle, capacity: r.capacity, deliveries: known,
                                                             eta: eta, options: options) else { continue }
                    let column = columnOf[id] ?? { columnOf[id] = riderOfColumn.count; riderOfColumn.append(id); return riderOfColumn.count - 1 }()
                    edges.append(.init(row: row, column: column, cost: insertion.cost))
                    insertions[row, default: [:]][id] = insertion
                    if options.strategy == .nearest {
                        // The baseline: the nearest rider that fits takes it at once.
                        taken.insert(id)
                        break
                    }
                }
                if insertions[row] == nil { reason[d.id] = .noFeasibleRider } else { reason[d.id] = .ridersTaken }
            }
            plan.candidatePairs += edges.count
            guard !edges.isEmpty else { break }

            // Who gets what.
            var chosen: [(row: Int, rider: RiderID)] = []
            if options.strategy == .nearest {
                for (row, pairs) in insertions { chosen.append((row, pairs.keys.first!)) }
            } else {
                // The candidate graph is valid by construction (finite non-negative costs, one
                // edge per pair), so building the problem cannot fail.
                let leaving = remaining.indices.map { row in
                    Self.unassignedCost + deferralCost(of: remaining[row], insertions: insertions[row], now: t)
                }
                let problem = try! AssignmentProblem(rows: remaining.count, columns: riderOfColumn.count, edges: edges,
                                                     unassignedCost: leaving)
                let solution = AssignmentSolver.solve(problem)
                for (row, column) in solution.columnOfRow.enumerated() {
                    if let column { chosen.append((row, riderOfColumn[column])) }
                }
            }
            guard !chosen.isEmpty else { break }
            var assignedRows = Set<Int>()
            for (row, id) in chosen {
                let d = remaining[row], insertion = insertions[row]![id]!
                plan.assignments.append(.init(delivery: d.id, rider: id, pickupETA: insertion.pickupETA, dropTime: 0,
                                              lateness: insertion.lateness, cost: insertion.cost,
                                              bundled: !routes[id, default: []].isEmpty))
                routes[id] = insertion.stops
                plan.routes[id] = insertion.stops
                var held = d
                held.status = .assigned; held.rider = id
                known[d.id] = held
                taken.insert(id)
                reason[d.id] = nil
                assignedRows.insert(row)
            }
            remaining = remaining.enumerated().filter { !assignedRows.contains($0.offset) }.map(\.element)
        }

        if options.strategy == .bundle {
            consolidate(&plan, routes: &routes, riders: riders, known: known, now: now, locator: locator)
        }
        improve(&plan, riders: riders, known: known, now: t)

        // Final predictions on the final routes (a later pass may have shifted an earlier pickup).
        var schedules: [RiderID: RouteSchedule] = [:]
        for (id, stops) in plan.routes {
            let r = riders[id]!
            schedules[id] = RouteSchedule.evaluate(stops: stops, start: r.position!, now: t, vehicle: r.vehicle,
                                                   capacity: r.capacity, deliveries: known, eta: eta)
        }
        for i in plan.assignments.indices {
            let a = plan.assignments[i], schedule = schedules[a.rider]!, stops = plan.routes[a.rider]!
            if let k = stops.firstIndex(of: RouteStop(.pickup, a.delivery)) { plan.assignments[i].pickupETA = schedule.arrivals[k] - t }
            plan.assignments[i].dropTime = schedule.dropTimes[a.delivery] ?? 0
            plan.assignments[i].lateness = schedule.lateness[a.delivery] ?? 0
        }
        plan.unassigned = pool.filter { reason[$0.id] != nil }.map { .init(delivery: $0.id, reason: reason[$0.id]!) }
            + deliveries.values.filter { reason[$0.id] == .promisedTimeImpossible }.sorted { $0.id < $1.id }
            .map { .init(delivery: $0.id, reason: .promisedTimeImpossible) }
        verify(&plan, riders: riders, known: known, now: t)
        let elapsed = clock.now - started
        plan.solveSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return plan
    }

    /// Bundling across riders: a pass gives each rider one more delivery, so two orders from
    /// the same shop may go to two riders when one could carry both for less. Each delivery
    /// assigned in the round, dearest first, moves to the rider whose route takes it at a lower
    /// cost than where it is; the count assigned stays the same and the total cost only falls.
    func consolidate(_ plan: inout RoundPlan, routes: inout [RiderID: [RouteStop]], riders: [RiderID: Rider],
                     known: [DeliveryID: Delivery], now: Date, locator: RiderLocator) {
        let t = now.timeIntervalSinceReferenceDate
        for i in plan.assignments.indices.sorted(by: { plan.assignments[$0].cost > plan.assignments[$1].cost }) {
            let a = plan.assignments[i]
            guard let d = known[a.delivery], let holder = riders[a.rider], let start = holder.position else { continue }
            var without = routes[a.rider] ?? []
            without.removeAll { $0.delivery == a.delivery }
            guard let here = Insertion.cheapest(of: d, into: without, start: start, now: t, vehicle: holder.vehicle,
                                                capacity: holder.capacity, deliveries: known, eta: eta, options: options) else { continue }
            var best: (rider: RiderID, insertion: Insertion)?
            let near = locator.nearest(to: d.pickup, limit: options.candidatesPerDelivery, within: options.radius) { id in
                id != a.rider && !d.declinedBy.contains(id) && riders[id]?.isAvailable(at: now) == true
            }
            for (id, _) in near {
                let r = riders[id]!
                guard let insertion = Insertion.cheapest(of: d, into: routes[id] ?? [], start: r.position!, now: t,
                                                         vehicle: r.vehicle, capacity: r.capacity, deliveries: known,
                                                         eta: eta, options: options),
                      insertion.cost < (best?.insertion.cost ?? here.cost) - 1e-6 else { continue }
                best = (id, insertion)
            }
            guard let best else { continue }
            let joins = !(routes[best.rider] ?? []).isEmpty
            routes[a.rider] = without
            plan.routes[a.rider] = without == holder.route ? nil : without
            routes[best.rider] = best.insertion.stops
            plan.routes[best.rider] = best.insertion.stops
            plan.assignments[i].rider = best.rider
            plan.assignments[i].cost = best.insertion.cost
            plan.assignments[i].bundled = joins
        }
    }
}
