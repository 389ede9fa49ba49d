import Foundation
import GeoCore
import Kernel
import Routing

/// The round's routes through Routing: improved by its search once assigned, and checked by
/// its plan checker before anything is committed.
extension DispatchPlanner {
    /// The riders whose routes the round changed, with the deliveries on those routes, as
    /// Routing's fleet problem.
    func fleetView(of plan: RoundPlan, riders: [RiderID: Rider], known: [DeliveryID: Delivery], now t: Double) -> FleetView {
        let changed = plan.routes.keys.sorted()
        var involved: [Delivery] = [], seen = Set<DeliveryID>()
        for id in changed {
            for stop in plan.routes[id] ?? [] where seen.insert(stop.delivery).inserted {
                if let d = known[stop.delivery] { involved.append(d) }
            }
        }
        // Goods a changed rider holds are in the problem even if a bad route dropped their stop.
        for d in known.values where d.status == .pickedUp && d.rider.map({ plan.routes[$0] != nil }) == true && seen.insert(d.id).inserted {
            involved.append(d)
        }
        let vehicles = changed.compactMap { id -> (id: RiderID, position: Coordinate, vehicle: VehicleType, capacity: Int)? in
            guard let r = riders[id], let position = r.position else { return nil }
            return (id, position, r.vehicle, r.capacity)
        }
        return FleetView(riders: vehicles, deliveries: involved.sorted { $0.id < $1.id }, now: t, eta: eta)
    }

    /// Each changed route, improved by Routing's search: relocations that lower the route's
    /// cost and make nobody later.
    func improve(_ plan: inout RoundPlan, riders: [RiderID: Rider], known: [DeliveryID: Delivery], now t: Double) {
        let view = fleetView(of: plan, riders: riders, known: known, now: t)
        for (v, id) in view.riders.enumerated() {
            guard let stops = plan.routes[id], stops.count >= 4 else { continue }
            let improved = FleetSearch.improve(view.route(stops), vehicle: v, problem: view.problem, weights: options.fleetWeights)
            plan.routes[id] = view.stops(improved)
        }
    }

    /// Checks the round's routes and predicted handovers with Routing's ``PlanChecker``; a
    /// rider whose route breaks a rule keeps the route it had, and the deliveries the round gave
    /// it go back to the pool. What was found is kept in ``RoundPlan/violations``.
    func verify(_ plan: inout RoundPlan, riders: [RiderID: Rider], known: [DeliveryID: Delivery], now t: Double) {
        let view = fleetView(of: plan, riders: riders, known: known, now: t)
        let routes = view.riders.map { view.route(plan.routes[$0] ?? []) }
        var reported: [Int: Double] = [:]
        for a in plan.assignments { if let r = view.requestOf[a.delivery] { reported[r] = a.dropTime } }
        let violations = PlanChecker.check(routes, problem: view.problem, reportedDrops: reported)
        guard !violations.isEmpty else { return }
        var rejected = Set<RiderID>()
        for violation in violations {
            plan.violations.append(violation.description)
            for v in Self.vehicles(of: violation, routes: routes) where v < view.riders.count { rejected.insert(view.riders[v]) }
        }
        for id in rejected {
            plan.routes[id] = nil
            for a in plan.assignments where a.rider == id { plan.unassigned.append(.init(delivery: a.delivery, reason: .noFeasibleRider)) }
            plan.assignments.removeAll { $0.rider == id }
        }
    }

    /// The vehicles a violation concerns.
    static func vehicles(of violation: FleetViolation, routes: [[FleetStop]]) -> [Int] {
        func holding(_ request: Int) -> [Int] { routes.indices.filter { routes[$0].contains { $0.request == request } } }
        switch violation {
        case .tooManyRoutes: return Array(routes.indices)
        case let .unknownRequest(v, _, _), let .dropBeforePickup(v, _), let .pickupWithoutDrop(v, _), let .dropWithoutGoods(v, _),
             let .onBoardNotDropped(_, v), let .capacityExceeded(v, _, _, _):
            return [v]
        case let .splitAcrossVehicles(_, p, d): return [p, d]
        case let .onBoardElsewhere(_, holder, v): return [holder, v]
        case let .visitedMoreThanOnce(request, _, _), let .dropTimeMismatch(request, _, _): return holding(request)
        }
    }
}
