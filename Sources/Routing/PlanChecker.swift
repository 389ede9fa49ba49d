/// Validates any ``RoutePlan`` against a ``PDPTWInstance``, independently of how it was built.
///
/// The checker deliberately shares no code with the solver: it replays each
/// route from scratch (depart the depot at its `earliest`, wait at early
/// arrivals, serve, travel) and reports every rule that is broken.
public enum PlanChecker {
    /// Slack allowed on time and distance comparisons, absorbing floating-point
    /// noise from summing travel times in a different order than the solver.
    public static let tolerance = 1e-6

    /// Returns all violations of `plan` on `instance`; an empty array means the plan is feasible.
    public static func check(_ plan: RoutePlan, instance: PDPTWInstance) -> [Violation] {
        var violations: [Violation] = []
        let nodeCount = instance.nodes.count
        var visits = [Int](repeating: 0, count: nodeCount)
        var routeOfNode = [Int](repeating: -1, count: nodeCount)
        var positionOfNode = [Int](repeating: -1, count: nodeCount)

        for (routeNumber, route) in plan.routes.enumerated() {
            for (position, node) in route.enumerated() {
                guard node > 0, node < nodeCount else {
                    violations.append(.unknownNode(route: routeNumber, position: position, node: node))
                    continue
                }
                visits[node] += 1
                routeOfNode[node] = routeNumber
                positionOfNode[node] = position
            }
            violations += replay(route, number: routeNumber, instance: instance)
        }

        for node in 1..<max(nodeCount, 1) where visits[node] != 1 {
            violations.append(visits[node] == 0 ? .notVisited(node: node)
                                                : .visitedMoreThanOnce(node: node, times: visits[node]))
        }
        for request in instance.requests where visits[request.pickup] == 1 && visits[request.delivery] == 1 {
            let pickupRoute = routeOfNode[request.pickup]
            let deliveryRoute = routeOfNode[request.delivery]
            if pickupRoute != deliveryRoute {
                violations.append(.pairSplitAcrossRoutes(pickup: request.pickup, delivery: request.delivery,
                                                         pickupRoute: pickupRoute, deliveryRoute: deliveryRoute))
            } else if positionOfNode[request.delivery] < positionOfNode[request.pickup] {
                violations.append(.deliveryBeforePickup(route: pickupRoute, pickup: request.pickup,
                                                        delivery: request.delivery))
            }
        }

        if plan.vehicles > instance.vehicleCount {
            violations.append(.tooManyVehicles(used: plan.vehicles, available: instance.vehicleCount))
        }
        let actual = travelledDistance(routes: plan.routes, instance: instance)
        if abs(actual - plan.distance) > tolerance * max(1, actual) {
            violations.append(.distanceMismatch(reported: plan.distance, actual: actual))
        }
        return violations
    }

    /// Replays one route: capacity after each stop, service start against each window, return time.
    private static func replay(_ route: [Int], number: Int, instance: PDPTWInstance) -> [Violation] {
        guard !route.isEmpty else { return [] }
        var violations: [Violation] = []
        let nodes = instance.nodes
        let depot = nodes[0]
        var previous = 0
        var time = depot.earliest + depot.service
        var load = 0
        for (position, node) in route.enumerated() where node > 0 && node < nodes.count {
            let stop = nodes[node]
            let start = max(time + instance.distances[previous, node], stop.earliest)
            if start > stop.latest + tolerance {
                violations.append(.lateService(route: number, position: position, node: node,
                                               start: start, latest: stop.latest))
            }
            load += stop.demand
            if load > instance.capacity {
                violations.append(.capacityExceeded(route: number, position: position, node: node,
                                                    load: load, capacity: instance.capacity))
            }
            time = start + stop.service
            previous = node
        }
        let arrival = time + instance.distances[previous, 0]
        if arrival > depot.latest + tolerance {
            violations.append(.lateReturn(route: number, arrival: arrival, latest: depot.latest))
        }
        return violations
    }

    /// Total depot-to-depot distance of the routes; nodes outside the instance are skipped.
    public static func travelledDistance(routes: [[Int]], instance: PDPTWInstance) -> Double {
        var total = 0.0
        for route in routes {
            let known = route.filter { $0 > 0 && $0 < instance.nodes.count }
            total += instance.routeDistance(known)
        }
        return total
    }
}
