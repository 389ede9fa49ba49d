import Testing
@testable import Routing

/// Two requests on the x and y axes: 1→2 along x, 3→4 along y, demand 6 each,
/// capacity 10, service 1 everywhere; node 2 must be served by time 50.
private func axisInstance(vehicles: Int = 2, depotLatest: Double = 100) throws -> PDPTWInstance {
    var builder = TinyInstanceBuilder()
    builder.capacity = 10
    builder.vehicles = vehicles
    builder.depot = .init(x: 0, y: 0, earliest: 0, latest: depotLatest)
    builder.requests = [
        (.init(x: 10, y: 0, service: 1), .init(x: 20, y: 0, latest: 50, service: 1), 6),
        (.init(x: 0, y: 10, service: 1), .init(x: 0, y: 20, service: 1), 6),
    ]
    return try builder.build()
}

@Suite("Plan checker")
struct PlanCheckerTests {
    @Test func acceptsFeasiblePlan() throws {
        let instance = try axisInstance()
        let plan = RoutePlan(routes: [[1, 2], [3, 4]], instance: instance)
        #expect(plan.vehicles == 2)
        #expect(abs(plan.distance - 80) < 1e-9)
        #expect(PlanChecker.check(plan, instance: instance).isEmpty)
    }

    @Test func emptyRoutesAreNotVehicles() throws {
        let instance = try axisInstance()
        let plan = RoutePlan(routes: [[], [1, 2], [], [3, 4]], instance: instance)
        #expect(plan.vehicles == 2)
        #expect(PlanChecker.check(plan, instance: instance).isEmpty)
    }

    @Test func detectsUnknownNodes() throws {
        let instance = try axisInstance()
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 2, 99], [0, 3, 4]], instance: instance),
                                           instance: instance)
        #expect(violations.contains(.unknownNode(route: 0, position: 2, node: 99)))
        #expect(violations.contains(.unknownNode(route: 1, position: 0, node: 0)))
    }

    @Test func detectsMissingAndRepeatedVisits() throws {
        let instance = try axisInstance()
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 2, 1, 2]], instance: instance), instance: instance)
        #expect(violations.contains(.notVisited(node: 3)))
        #expect(violations.contains(.notVisited(node: 4)))
        #expect(violations.contains(.visitedMoreThanOnce(node: 1, times: 2)))
        #expect(violations.contains(.visitedMoreThanOnce(node: 2, times: 2)))
    }

    @Test func detectsSplitPairsAndWrongOrder() throws {
        let instance = try axisInstance()
        let split = PlanChecker.check(RoutePlan(routes: [[1, 4], [3, 2]], instance: instance), instance: instance)
        #expect(split.contains(.pairSplitAcrossRoutes(pickup: 1, delivery: 2, pickupRoute: 0, deliveryRoute: 1)))
        #expect(split.contains(.pairSplitAcrossRoutes(pickup: 3, delivery: 4, pickupRoute: 1, deliveryRoute: 0)))
        let reversed = PlanChecker.check(RoutePlan(routes: [[2, 1], [3, 4]], instance: instance), instance: instance)
        #expect(reversed == [.deliveryBeforePickup(route: 0, pickup: 1, delivery: 2)])
    }

    @Test func detectsCapacityExcess() throws {
        let instance = try axisInstance()
        // Both pickups before either delivery: 12 units on a 10-unit vehicle.
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 3, 2, 4]], instance: instance), instance: instance)
        #expect(violations == [.capacityExceeded(route: 0, position: 1, node: 3, load: 12, capacity: 10)])
    }

    @Test func detectsLateService() throws {
        let instance = try axisInstance()
        // 0→3→4→1→2: node 2 starts at 10+1+10+1+√500+1+10 = 33+√500 ≈ 55.36 > 50.
        let violations = PlanChecker.check(RoutePlan(routes: [[3, 4, 1, 2]], instance: instance), instance: instance)
        #expect(violations.count == 1)
        guard case .lateService(let route, let position, let node, let start, let latest) = violations.first else {
            Issue.record("expected lateService, got \(violations)")
            return
        }
        #expect(route == 0 && position == 3 && node == 2 && latest == 50)
        #expect(abs(start - (33 + 500.0.squareRoot())) < 1e-9)
    }

    @Test func detectsLateReturn() throws {
        let instance = try axisInstance(depotLatest: 41)
        // Route 1→2 returns at 10+1+10+1+20 = 42.
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 2], [3, 4]], instance: instance), instance: instance)
        #expect(violations.contains(.lateReturn(route: 0, arrival: 42, latest: 41)))
    }

    @Test func detectsTooManyVehicles() throws {
        let instance = try axisInstance(vehicles: 1)
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 2], [3, 4]], instance: instance), instance: instance)
        #expect(violations == [.tooManyVehicles(used: 2, available: 1)])
    }

    @Test func detectsWrongReportedDistance() throws {
        let instance = try axisInstance()
        let violations = PlanChecker.check(RoutePlan(routes: [[1, 2], [3, 4]], distance: 5), instance: instance)
        #expect(violations == [.distanceMismatch(reported: 5, actual: 80)])
    }

    @Test func descriptionsAreReadable() {
        #expect(Violation.notVisited(node: 7).description == "node 7 is never visited")
        #expect(Violation.tooManyVehicles(used: 3, available: 2).description
                == "plan uses 3 vehicles but only 2 are available")
    }
}
