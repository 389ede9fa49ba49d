/// Fitting one more request into a vehicle's route, at the place that costs least.
public enum FleetInsertion {
    /// The cheapest feasible insertion.
    public struct Result: Sendable, Hashable {
        public var route: [FleetStop]
        public var schedule: FleetSchedule
        /// Seconds from the vehicle's departure until it reaches the new pickup.
        public var pickupETA: Double
        /// Seconds the new request will be late (0 when on time).
        public var lateness: Double
        /// Seconds by which the route's other handovers are pushed back, summed.
        public var delayToOthers: Double
        /// What the insertion costs, by ``FleetWeights``.
        public var cost: Double
    }

    /// Tries every position for the pickup and, after it, for the drop, keeping the first stop
    /// of a non-empty route in place (that leg is under way). Feasible when the requests held
    /// (on board or still to collect) stay within the capacity and — with `keepPromises` — no
    /// other request becomes later than it already was; without it (a dispatcher's hand
    /// assignment) only the load on board must fit. Nil when nothing fits.
    public static func cheapest(_ request: Int, into route: [FleetStop], vehicle v: Int, problem: FleetProblem,
                                weights: FleetWeights, keepPromises: Bool = true) -> Result? {
        // A vehicle holds at most its capacity in requests, counting those not yet collected:
        // otherwise a route could grow into a long chain promised long before it can reach them.
        var held = problem.requests[request].size, counted = Set<Int>()
        for stop in route where counted.insert(stop.request).inserted {
            held += problem.requests.indices.contains(stop.request) ? problem.requests[stop.request].size : 0
        }
        guard held <= problem.vehicles[v].capacity || !keepPromises else { return nil }
        let departure = problem.vehicles[v].departure
        let before = FleetSchedule.evaluate(route, vehicle: v, problem: problem)
        var best: Result?
        placements(of: request, in: route) { i, candidate in
            let after = FleetSchedule.evaluate(candidate, vehicle: v, problem: problem)
            guard after.feasible else { return }
            var delay = 0.0, worsened = false
            for (other, time) in before.dropTimes {
                delay += max(0, (after.dropTimes[other] ?? time) - time)
                if (after.lateness[other] ?? 0) > (before.lateness[other] ?? 0) + 1e-6 { worsened = true }
            }
            guard !worsened || !keepPromises else { return }
            let pickupETA = after.arrivals[i] - departure
            let late = after.lateness[request] ?? 0
            let wait = max(0, problem.requests[request].ready - after.arrivals[i])
            let cost = pickupETA + weights.wait * wait + weights.lateness * late + weights.delay * delay
            if best == nil || cost < best!.cost {
                best = Result(route: candidate, schedule: after, pickupETA: pickupETA, lateness: late, delayToOthers: delay, cost: cost)
            }
        }
        return best
    }

    /// Every way to put the request's pickup and, after it, its drop into the route, the first
    /// stop of a non-empty route kept in place (that leg is under way): `body` gets the pickup's
    /// position and the route with both in.
    static func placements(of request: Int, in route: [FleetStop], _ body: (_ pickupAt: Int, _ candidate: [FleetStop]) -> Void) {
        for i in (route.isEmpty ? 0 : 1)...route.count {
            for j in (i + 1)...(route.count + 1) {
                var candidate = route
                candidate.insert(FleetStop(.pickup, request), at: i)
                candidate.insert(FleetStop(.drop, request), at: j)
                body(i, candidate)
            }
        }
    }
}

/// Improving a vehicle's route once requests are on it: relocation, the move that matters on
/// routes of a few requests. Each request whose pickup and drop are both still ahead (and not
/// the leg under way) is taken out and put back where the route costs least
/// (``FleetSchedule/cost(weights:departure:)``); a move is kept when it lowers the cost and
/// makes no request later than it was. Passes repeat until one changes nothing, at most
/// `maximumPasses` times.
public enum FleetSearch {
    public static func improve(_ route: [FleetStop], vehicle v: Int, problem: FleetProblem, weights: FleetWeights,
                               maximumPasses: Int = 4) -> [FleetStop] {
        let departure = problem.vehicles[v].departure
        var current = route
        var schedule = FleetSchedule.evaluate(current, vehicle: v, problem: problem)
        guard schedule.feasible else { return route }
        var cost = schedule.cost(weights: weights, departure: departure)
        for _ in 0..<maximumPasses {
            var moved = false
            let movable = current.enumerated().compactMap { index, stop -> Int? in
                guard stop.kind == .pickup, index > 0 else { return nil }
                return stop.request
            }
            for request in movable {
                var without = current
                without.removeAll { $0.request == request }
                guard let best = bestPlacement(of: request, in: without, vehicle: v, problem: problem, weights: weights, baseline: schedule),
                      best.cost < cost - 1e-6 else { continue }
                current = best.route; schedule = best.schedule; cost = best.cost
                moved = true
            }
            if !moved { break }
        }
        return current
    }

    /// Where the request's pair costs the route least, with no request later than in `baseline`.
    static func bestPlacement(of request: Int, in route: [FleetStop], vehicle v: Int, problem: FleetProblem, weights: FleetWeights,
                              baseline: FleetSchedule) -> (route: [FleetStop], schedule: FleetSchedule, cost: Double)? {
        let departure = problem.vehicles[v].departure
        var best: (route: [FleetStop], schedule: FleetSchedule, cost: Double)?
        FleetInsertion.placements(of: request, in: route) { _, candidate in
            let schedule = FleetSchedule.evaluate(candidate, vehicle: v, problem: problem)
            guard schedule.feasible,
                  !schedule.lateness.contains(where: { $0.value > (baseline.lateness[$0.key] ?? 0) + 1e-6 }) else { return }
            let cost = schedule.cost(weights: weights, departure: departure)
            if best == nil || cost < best!.cost { best = (candidate, schedule, cost) }
        }
        return best
    }
}
