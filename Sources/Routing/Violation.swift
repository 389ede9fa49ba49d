/// One way in which a ``RoutePlan`` breaks the rules of a ``PDPTWInstance``.
///
/// Route numbers and positions are 0-based indices into ``RoutePlan/routes``.
public enum Violation: Sendable, Hashable, CustomStringConvertible {
    /// A route contains an index that is not a pickup or delivery of the instance (including the depot).
    case unknownNode(route: Int, position: Int, node: Int)
    /// A pickup or delivery is never visited.
    case notVisited(node: Int)
    /// A pickup or delivery is visited more than once.
    case visitedMoreThanOnce(node: Int, times: Int)
    /// A request's pickup and delivery are served by different vehicles.
    case pairSplitAcrossRoutes(pickup: Int, delivery: Int, pickupRoute: Int, deliveryRoute: Int)
    /// A delivery comes before its pickup on the same route.
    case deliveryBeforePickup(route: Int, pickup: Int, delivery: Int)
    /// The load after serving a node exceeds the vehicle capacity.
    case capacityExceeded(route: Int, position: Int, node: Int, load: Int, capacity: Int)
    /// Service at a node cannot start by the end of its time window.
    case lateService(route: Int, position: Int, node: Int, start: Double, latest: Double)
    /// The vehicle returns to the depot after the depot closes.
    case lateReturn(route: Int, arrival: Double, latest: Double)
    /// More vehicles are used than the instance provides.
    case tooManyVehicles(used: Int, available: Int)
    /// The plan's reported distance differs from the recomputed one.
    case distanceMismatch(reported: Double, actual: Double)

    public var description: String {
        switch self {
        case .unknownNode(let route, let position, let node):
            "route \(route) position \(position): node \(node) is not a pickup or delivery of the instance"
        case .notVisited(let node):
            "node \(node) is never visited"
        case .visitedMoreThanOnce(let node, let times):
            "node \(node) is visited \(times) times"
        case .pairSplitAcrossRoutes(let pickup, let delivery, let pickupRoute, let deliveryRoute):
            "pickup \(pickup) is on route \(pickupRoute) but its delivery \(delivery) is on route \(deliveryRoute)"
        case .deliveryBeforePickup(let route, let pickup, let delivery):
            "route \(route): delivery \(delivery) comes before its pickup \(pickup)"
        case .capacityExceeded(let route, let position, let node, let load, let capacity):
            "route \(route) position \(position): load \(load) after node \(node) exceeds capacity \(capacity)"
        case .lateService(let route, let position, let node, let start, let latest):
            "route \(route) position \(position): service at node \(node) starts at \(start), after its latest \(latest)"
        case .lateReturn(let route, let arrival, let latest):
            "route \(route): returns to the depot at \(arrival), after it closes at \(latest)"
        case .tooManyVehicles(let used, let available):
            "plan uses \(used) vehicles but only \(available) are available"
        case .distanceMismatch(let reported, let actual):
            "plan reports distance \(reported) but its routes measure \(actual)"
        }
    }
}
