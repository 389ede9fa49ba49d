/// A solution to a ``PDPTWInstance``: one node sequence per vehicle.
///
/// Each route lists node indices in visiting order and excludes the depot,
/// which is implicitly the first and last stop. Empty routes are allowed and
/// do not count as vehicles.
public struct RoutePlan: Sendable, Hashable, Codable {
    /// Node indices per vehicle, depot excluded.
    public var routes: [[Int]]
    /// Total travelled distance as reported by whoever built the plan.
    public var distance: Double

    /// Creates a plan with an explicitly reported distance (checked by ``PlanChecker``).
    public init(routes: [[Int]], distance: Double) {
        self.routes = routes
        self.distance = distance
    }

    /// Creates a plan and computes its distance on the instance.
    /// Unknown node indices contribute nothing, so this never traps on a bad plan.
    public init(routes: [[Int]], instance: PDPTWInstance) {
        self.routes = routes
        self.distance = PlanChecker.travelledDistance(routes: routes, instance: instance)
    }

    /// Number of vehicles used (non-empty routes).
    public var vehicles: Int {
        routes.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) }
    }
}
