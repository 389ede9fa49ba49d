/// Knobs of ``PDPTWSolver``. The defaults are tuned for the Li & Lim 100-node
/// instances with budgets around one second.
public struct SolverConfiguration: Sendable, Hashable {
    /// Stop after this many search iterations even if time remains. Setting it (with a
    /// generous time limit) makes a run fully reproducible, because then no phase
    /// boundary depends on wall-clock time.
    public var maxIterations: Int?
    /// Fraction of the budget given to vehicle reduction before distance optimisation.
    public var routeMinimizationShare: Double
    /// Random relocate/exchange moves applied after each ejection in vehicle reduction.
    public var perturbationMoves: Int
    /// Most requests ejected from one route to make room for a pooled request (1 or 2).
    public var maxEjections: Int

    public init(maxIterations: Int? = nil, routeMinimizationShare: Double = 0.4,
                perturbationMoves: Int = 200, maxEjections: Int = 2) {
        self.maxIterations = maxIterations
        self.routeMinimizationShare = routeMinimizationShare
        self.perturbationMoves = perturbationMoves
        self.maxEjections = maxEjections
    }
}

/// Outcome of one ``PDPTWSolver`` run.
public struct SolveResult: Sendable, Hashable {
    /// The best plan found (feasible for every request that can be served at all).
    public let plan: RoutePlan
    /// Wall time of the run.
    public let elapsedSeconds: Double
    /// Search iterations performed (ejection-pool steps plus ALNS iterations).
    public let iterations: Int
    /// Requests that no vehicle can serve even on its own (left out of ``plan``).
    public let unservedRequests: [PDPTWRequest]

    public init(plan: RoutePlan, elapsedSeconds: Double, iterations: Int, unservedRequests: [PDPTWRequest]) {
        self.plan = plan
        self.elapsedSeconds = elapsedSeconds
        self.iterations = iterations
        self.unservedRequests = unservedRequests
    }

    /// Vehicles used by ``plan``.
    public var vehicles: Int { plan.vehicles }
    /// Total distance of ``plan``.
    public var distance: Double { plan.distance }
}
