import Foundation
import GeoCore
import Kernel
import Routing
import TestRandom
import Testing
@testable import Dispatching

/// Live dispatch through Routing: every round's routes pass Routing's plan checker (with the
/// handover times the round predicts), and a route that breaks a rule is never handed on.
@Suite("Dispatch rounds through the route optimizer")
struct DispatchFleetTests {
    typealias P = PlannerTests

    /// A busy random city: riders already carrying and heading to orders, and a pool to place.
    static func city(_ rng: inout SeededRandom) -> (riders: [Rider], deliveries: [Delivery]) {
        var riders: [Rider] = [], deliveries: [Delivery] = []
        var next: Int64 = 1
        for i in 1...Int.random(in: 2...8, using: &rng) {
            var rider = P.rider(Int64(i), at: P.near(P.porto, Double.random(in: 0...3000, using: &rng), Double.random(in: 0..<360, using: &rng)),
                                capacity: Int.random(in: 1...4, using: &rng))
            // Some riders are under way: one order on board, perhaps one still to collect.
            if Bool.random(using: &rng) {
                let store = P.near(rider.position!, Double.random(in: 200...1500, using: &rng), Double.random(in: 0..<360, using: &rng))
                deliveries.append(P.delivery(next, from: store, to: P.near(store, 1500, Double.random(in: 0..<360, using: &rng)),
                                             promised: Double.random(in: 600...3000, using: &rng), status: .pickedUp, rider: rider.id))
                rider.route.append(RouteStop(.drop, DeliveryID(next)))
                next += 1
                if rider.capacity > 1 && Bool.random(using: &rng) {
                    deliveries.append(P.delivery(next, from: store, to: P.near(store, 1200, Double.random(in: 0..<360, using: &rng)),
                                                 promised: 3000, status: .accepted, rider: rider.id))
                    rider.route.insert(RouteStop(.pickup, DeliveryID(next)), at: 0)
                    rider.route.append(RouteStop(.drop, DeliveryID(next)))
                    next += 1
                }
            }
            riders.append(rider)
        }
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            let store = P.near(P.porto, Double.random(in: 0...3000, using: &rng), Double.random(in: 0..<360, using: &rng))
            deliveries.append(P.delivery(next, from: store, to: P.near(store, Double.random(in: 300...2500, using: &rng), Double.random(in: 0..<360, using: &rng)),
                                         ready: Double.random(in: 0...600, using: &rng), promised: Double.random(in: 1200...3600, using: &rng)))
            next += 1
        }
        return (riders, deliveries)
    }

    @Test("on 300 busy random cities, every round's routes pass the plan checker with the handovers the round predicts")
    func roundsPassTheChecker() {
        var rng = SeededRandom(seed: 23)
        var assigned = 0
        for _ in 0..<300 {
            let (riders, deliveries) = Self.city(&rng)
            for strategy in [DispatchStrategy.bundle, .batch] {
                var options = DispatchOptions(strategy: strategy)
                options.radius = 4000
                let plan = P.plan(riders, deliveries, options)
                #expect(plan.violations.isEmpty, "\(plan.violations)")
                assigned += plan.assignments.count
                // The checker again, from outside: every rider's route (changed or not), and every delivery.
                var known = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, $0) })
                for a in plan.assignments { known[a.delivery]?.status = .assigned; known[a.delivery]?.rider = a.rider }
                let everyone = riders.map { r -> (id: RiderID, position: Coordinate, vehicle: VehicleType, capacity: Int) in
                    (r.id, r.position!, r.vehicle, r.capacity)
                }
                let view = FleetView(riders: everyone, deliveries: known.values.sorted { $0.id < $1.id },
                                     now: P.t0.timeIntervalSinceReferenceDate, eta: P.eta)
                let routes = riders.map { view.route(plan.routes[$0.id] ?? $0.route) }
                var reported: [Int: Double] = [:]
                for a in plan.assignments { reported[view.requestOf[a.delivery]!] = a.dropTime }
                #expect(PlanChecker.check(routes, problem: view.problem, reportedDrops: reported).isEmpty)
                // Each assigned delivery is on its rider's route, once.
                for a in plan.assignments {
                    #expect(plan.routes[a.rider]?.filter { $0.delivery == a.delivery }.count == 2)
                }
            }
        }
        #expect(assigned > 1_000, "the cities keep the riders busy")
    }

    @Test("a route that breaks a rule is not handed on: its rider keeps the old route and the delivery goes back to the pool")
    func brokenRoutesAreRefused() throws {
        let store = P.near(P.porto, 500, 0)
        let rider = P.rider(1, at: store)
        let d = P.delivery(1, from: store, to: P.near(store, 1000, 90))
        var plan = P.plan([rider], [d])
        #expect(plan.assignments.map(\.delivery) == [d.id] && plan.violations.isEmpty)
        // The same plan with its stops swapped: the drop before the pickup.
        plan.routes[rider.id] = [RouteStop(.drop, d.id), RouteStop(.pickup, d.id)]
        var held = d
        held.status = .assigned; held.rider = rider.id
        let planner = DispatchPlanner(options: DispatchOptions(), eta: P.eta)
        planner.verify(&plan, riders: [rider.id: rider], known: [d.id: held], now: P.t0.timeIntervalSinceReferenceDate)
        #expect(plan.routes[rider.id] == nil && plan.assignments.isEmpty)
        #expect(plan.unassigned.map(\.delivery) == [d.id] && plan.unassigned.map(\.reason) == [.noFeasibleRider])
        #expect(plan.violations.contains { $0.contains("drops request 0 before picking it up") }, "\(plan.violations)")
    }
}
