import Testing
@testable import Routing

@Suite("Solver behaviour")
struct SolverTests {
    private func benchmark(_ name: String) throws -> PDPTWInstance {
        try PDPTWInstance.load(path: lilimDirectory().appendingPathComponent("\(name).txt").path)
    }

    @Test func sameSeedAndIterationLimitGiveSamePlan() throws {
        let instance = try benchmark("lr104")
        let solver = PDPTWSolver(configuration: SolverConfiguration(maxIterations: 150))
        let first = solver.solve(instance, timeLimit: 60, seed: 7)
        let second = solver.solve(instance, timeLimit: .seconds(60), seed: 7)
        #expect(first.plan == second.plan)
        #expect(first.iterations == 150)
        #expect(PlanChecker.check(first.plan, instance: instance).isEmpty)
    }

    @Test func instanceWithoutRequestsGivesEmptyPlan() throws {
        let instance = try TinyInstanceBuilder().build()
        let result = PDPTWSolver().solve(instance, timeLimit: 0.05, seed: 1)
        #expect(result.vehicles == 0)
        #expect(result.distance == 0)
        #expect(PlanChecker.check(result.plan, instance: instance).isEmpty)
    }

    @Test func unservableRequestIsReportedNotPlanned() throws {
        var builder = TinyInstanceBuilder()
        builder.depot = .init(x: 0, y: 0, earliest: 0, latest: 1000)
        builder.requests = [
            (.init(x: 10, y: 0), .init(x: 20, y: 0), 5),
            // Delivery window closes before the vehicle can get there.
            (.init(x: 0, y: 300), .init(x: 0, y: 400, earliest: 0, latest: 100), 5),
        ]
        let instance = try builder.build()
        let result = PDPTWSolver().solve(instance, timeLimit: 0.05, seed: 1)
        #expect(result.unservedRequests == [instance.requests[1]])
        #expect(result.plan.routes == [[1, 2]])
        #expect(PlanChecker.check(result.plan, instance: instance) == [.notVisited(node: 3), .notVisited(node: 4)])
    }

    @Test func respectsTheTimeLimit() throws {
        let instance = try benchmark("lc101")
        let result = PDPTWSolver().solve(instance, timeLimit: 0.2, seed: 3)
        #expect(result.elapsedSeconds < 0.6)
        #expect(PlanChecker.check(result.plan, instance: instance).isEmpty)
    }
}
