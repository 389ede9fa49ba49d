/// Heuristic solver for the PDPTW: fewest vehicles first, then shortest distance.
///
/// A run has three steps, all drawing from one seeded random stream:
///
/// 1. **Construction**: parallel regret-2 insertion of all requests, opening a
///    route (seeded with the request farthest from the depot) only when no
///    open route can take any pending request.
/// 2. **Vehicle reduction** (``SolverConfiguration/routeMinimizationShare`` of
///    the budget): ejection-pool route elimination, see `minimizeRoutes`.
/// 3. **Distance optimisation** (rest of the budget): adaptive large
///    neighbourhood search with simulated annealing, which may still drop
///    routes but never adds one.
///
/// Feasibility checks use cached schedules and backward slack, so testing an
/// insertion position pair costs O(1).
///
/// Every returned route is feasible. The fleet size is an objective, not a hard
/// limit: if an instance needs more vehicles than ``PDPTWInstance/vehicleCount``
/// the plan uses them and ``PlanChecker`` reports `tooManyVehicles`. Requests
/// that no vehicle can serve even alone are listed in
/// ``SolveResult/unservedRequests`` instead of being planned.
public struct PDPTWSolver: Sendable {
    public var configuration: SolverConfiguration

    public init(configuration: SolverConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Solves `instance` within `timeLimit`; the same seed and iteration limit give the same plan.
    public func solve(_ instance: PDPTWInstance, timeLimit: Duration, seed: UInt64 = 1) -> SolveResult {
        let components = timeLimit.components
        let seconds = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        return solve(instance, timeLimit: seconds, seed: seed)
    }

    /// Solves `instance` within `timeLimit` seconds.
    public func solve(_ instance: PDPTWInstance, timeLimit: Double, seed: UInt64 = 1) -> SolveResult {
        var budget = SearchBudget(timeLimit: timeLimit, iterationLimit: configuration.maxIterations)
        let context = SearchContext(instance: instance, seed: seed)

        var solution = Solution()
        solution.unassigned = context.servableRequests
        context.repair(&solution, regretDegree: 2, noise: false, maxRoutes: Int.max)
        // Construction places every servable request; anything left is unservable by definition.
        solution.unassigned.removeAll()

        context.minimizeRoutes(&solution, budget: &budget, until: configuration.routeMinimizationShare,
                               perturbationMoves: configuration.perturbationMoves,
                               maxEjections: configuration.maxEjections)
        let best = context.improve(solution, budget: &budget)

        let plan = RoutePlan(routes: best.nodeSequences(), instance: instance)
        return SolveResult(plan: plan, elapsedSeconds: budget.elapsedSeconds, iterations: budget.iterations,
                           unservedRequests: context.unservableRequests.map { instance.requests[$0] })
    }
}
