import Foundation
import Routing
import Testing

/// The live fleet's side of the optimizer: a route's schedule on literal numbers, the cheapest
/// insertion against brute force, the search that never makes a route worse, and the plan
/// checker on plans broken one rule at a time.
@Suite("Fleet routes: schedule, insertion, search and checker")
struct FleetTests {
    /// Nodes on a line, one unit of time per unit of distance; vehicle 0 starts at node 0.
    static func line(_ positions: [Double], requests: [FleetProblem.Request], vehicles: [FleetProblem.Vehicle]? = nil,
                     service: Double = 1) -> FleetProblem {
        FleetProblem(requests: requests, vehicles: vehicles ?? [.init(start: 0, departure: 0, capacity: 2, profile: 0)],
                     pickupService: service, dropService: service) { profile, a, b in abs(positions[a] - positions[b]) * Double(profile + 1) }
    }

    @Test("a schedule waits for the goods, serves each stop, counts goods on board from the start, and is late past the promise")
    func schedule() {
        // Node 0 at 0; request 0 from 2 (ready at 10) to 5 (due 14); request 1 on board, dropped at 1 (due 2).
        let problem = Self.line([0, 2, 5, 1], requests: [.init(pickup: 1, drop: 2, size: 1, ready: 10, due: 14),
                                                        .init(pickup: 0, drop: 3, size: 2, ready: 0, due: 2, onBoard: 0)])
        let s = FleetSchedule.evaluate([FleetStop(.drop, 1), FleetStop(.pickup, 0), FleetStop(.drop, 0)], vehicle: 0, problem: problem)
        #expect(s.arrivals == [1, 3, 14] && s.departures == [2, 11, 15])
        #expect(s.dropTimes == [1: 2, 0: 15] && s.lateness == [1: 0, 0: 1] && s.feasible)
        // Goods on board (2) and a pickup (1) at once exceed the capacity of 2.
        #expect(!FleetSchedule.evaluate([FleetStop(.pickup, 0), FleetStop(.drop, 1), FleetStop(.drop, 0)], vehicle: 0, problem: problem).feasible)
        #expect(!FleetSchedule.evaluate([FleetStop(.drop, 0), FleetStop(.pickup, 0)], vehicle: 0, problem: problem).feasible, "drop before pickup")
        #expect(!FleetSchedule.evaluate([FleetStop(.pickup, 9)], vehicle: 0, problem: problem).feasible, "an unknown request")
        // A second profile rides at half the speed.
        let slow = Self.line([0, 2, 5, 1], requests: problem.requests, vehicles: [.init(start: 0, departure: 0, capacity: 3, profile: 1)])
        #expect(FleetSchedule.evaluate([FleetStop(.drop, 1)], vehicle: 0, problem: slow).arrivals == [2])
    }

    /// The cost of one insertion by the rules, replayed here apart from the library.
    static func bruteForce(_ request: Int, into route: [FleetStop], problem: FleetProblem, weights: FleetWeights) -> Double? {
        func replay(_ r: [FleetStop]) -> (arrivals: [Double], drops: [Int: Double], ok: Bool) {
            var t = problem.vehicles[0].departure, at = problem.vehicles[0].start, load = 0, ok = true
            let picked = Set(r.filter { $0.kind == .pickup }.map(\.request))
            load = r.filter { $0.kind == .drop && !picked.contains($0.request) }.reduce(0) { $0 + problem.requests[$1.request].size }
            var arrivals: [Double] = [], drops: [Int: Double] = [:], seen = Set<Int>()
            for stop in r {
                let q = problem.requests[stop.request], node = stop.kind == .pickup ? q.pickup : q.drop
                t += problem.travel(0, at, node); at = node; arrivals.append(t)
                if stop.kind == .pickup { t = max(t, q.ready) + problem.pickupService; load += q.size; seen.insert(stop.request) }
                else { if picked.contains(stop.request) && !seen.contains(stop.request) { ok = false }; t += problem.dropService; load -= q.size; drops[stop.request] = t }
                if load > problem.vehicles[0].capacity { ok = false }
            }
            return (arrivals, drops, ok)
        }
        let held = Set(route.map(\.request)).reduce(problem.requests[request].size) { $0 + problem.requests[$1].size }
        guard held <= problem.vehicles[0].capacity else { return nil }
        let before = replay(route)
        var best: Double?
        for i in (route.isEmpty ? 0 : 1)...route.count {
            for j in (i + 1)...(route.count + 1) {
                var r = route
                r.insert(FleetStop(.pickup, request), at: i); r.insert(FleetStop(.drop, request), at: j)
                let after = replay(r)
                guard after.ok else { continue }
                func late(_ q: Int, _ drops: [Int: Double]) -> Double { max(0, (drops[q] ?? 0) - problem.requests[q].due) }
                guard !before.drops.keys.contains(where: { late($0, after.drops) > late($0, before.drops) + 1e-6 }) else { continue }
                let delay = before.drops.reduce(0.0) { $0 + max(0, after.drops[$1.key]! - $1.value) }
                let cost = after.arrivals[i] - problem.vehicles[0].departure + weights.wait * max(0, problem.requests[request].ready - after.arrivals[i])
                    + weights.lateness * late(request, after.drops) + weights.delay * delay
                best = min(best ?? cost, cost)
            }
        }
        return best
    }

    /// A random problem on a line of 12 nodes: up to three requests already on the route (one
    /// perhaps on board) and one to insert.
    static func random(_ seed: UInt64) -> (problem: FleetProblem, route: [FleetStop], request: Int) {
        var rng = SeededGenerator(seed: seed)
        let positions = (0..<12).map { _ in Double(rng.next() % 100) }
        var requests: [FleetProblem.Request] = []
        for k in 0..<4 {
            let ready = Double(rng.next() % 60), due = ready + 40 + Double(rng.next() % 150)
            requests.append(.init(pickup: 1 + 2 * k, drop: 2 + 2 * k, size: 1 + Int(rng.next() % 2), ready: ready, due: due))
        }
        var route: [FleetStop] = []
        let onRoute = Int(rng.next() % 4)
        for k in 0..<onRoute {
            if k == 0 && rng.next() % 2 == 0 { requests[0].onBoard = 0; route.insert(FleetStop(.drop, 0), at: Int(rng.next() % UInt64(route.count + 1))); continue }
            let i = Int(rng.next() % UInt64(route.count + 1))
            route.insert(FleetStop(.pickup, k), at: i)
            route.insert(FleetStop(.drop, k), at: i + 1 + Int(rng.next() % UInt64(route.count - i)))
        }
        let vehicle = FleetProblem.Vehicle(start: 0, departure: Double(rng.next() % 20), capacity: 2 + Int(rng.next() % 3), profile: 0)
        return (line(positions, requests: requests, vehicles: [vehicle]), route, 3)
    }

    @Test("the cheapest insertion equals brute force on 2,000 random routes")
    func insertionAgainstBruteForce() {
        let weights = FleetWeights(wait: 1, lateness: 10, delay: 1)
        var found = 0
        for seed in 0..<2_000 {
            let (problem, route, request) = Self.random(UInt64(seed))
            let got = FleetInsertion.cheapest(request, into: route, vehicle: 0, problem: problem, weights: weights)
            let expected = Self.bruteForce(request, into: route, problem: problem, weights: weights)
            #expect((got == nil) == (expected == nil), "seed \(seed)")
            if let a = got?.cost, let b = expected { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "seed \(seed): \(a) against \(b)") }
            if let got {
                found += 1
                #expect(got.route.count == route.count + 2 && got.route.first == (route.first ?? got.route.first), "the leg under way stays first")
                #expect(PlanChecker.check([got.route], problem: problem, reportedDrops: got.schedule.dropTimes).isEmpty, "seed \(seed)")
            }
        }
        #expect(found > 800, "many random cases have a place")
    }

    @Test("the search never makes a route dearer or anyone later, keeps every pair in order, and finds the better order of two")
    func searchImproves() {
        let weights = FleetWeights()
        for seed in 0..<500 {
            let (problem, route, request) = Self.random(UInt64(seed))
            guard let start = FleetInsertion.cheapest(request, into: route, vehicle: 0, problem: problem, weights: weights) else { continue }
            let improved = FleetSearch.improve(start.route, vehicle: 0, problem: problem, weights: weights)
            let before = start.schedule, after = FleetSchedule.evaluate(improved, vehicle: 0, problem: problem)
            #expect(after.feasible && Set(improved) == Set(start.route) && improved.first == start.route.first, "seed \(seed)")
            #expect(after.cost(weights: weights, departure: 0) <= before.cost(weights: weights, departure: 0) + 1e-6, "seed \(seed)")
            #expect(!after.lateness.contains { $0.value > (before.lateness[$0.key] ?? 0) + 1e-6 }, "seed \(seed)")
            #expect(PlanChecker.check([improved], problem: problem).isEmpty)
        }
        // From 0: a far request (to 10 and 20) queued before a near one (1 to 2): the near one goes first.
        let problem = Self.line([0, 1, 2, 10, 20], requests: [.init(pickup: 3, drop: 4, size: 1, ready: 0, due: 1_000),
                                                              .init(pickup: 1, drop: 2, size: 1, ready: 0, due: 1_000)],
                                vehicles: [.init(start: 0, departure: 0, capacity: 1, profile: 0)], service: 0)
        let withLeg = [FleetStop(.pickup, 0), FleetStop(.drop, 0), FleetStop(.pickup, 1), FleetStop(.drop, 1)]
        #expect(FleetSearch.improve(withLeg, vehicle: 0, problem: problem, weights: weights) == withLeg, "the leg under way stays")
        let twoAhead = Self.line([0, 1, 2, 10, 20, 0.5], requests: problem.requests + [.init(pickup: 5, drop: 5, size: 0, ready: 0, due: 1_000)],
                                 vehicles: problem.vehicles, service: 0)
        let route = [FleetStop(.pickup, 2), FleetStop(.drop, 2)] + withLeg
        #expect(FleetSearch.improve(route, vehicle: 0, problem: twoAhead, weights: weights)
                == [FleetStop(.pickup, 2), FleetStop(.drop, 2), FleetStop(.pickup, 1), FleetStop(.drop, 1), FleetStop(.pickup, 0), FleetStop(.drop, 0)])
    }

    @Test("the plan checker passes a sound plan and names each broken rule")
    func checker() {
        let requests: [FleetProblem.Request] = [.init(pickup: 1, drop: 2, size: 1, ready: 0, due: 100),
                                                .init(pickup: 1, drop: 3, size: 2, ready: 0, due: 100),
                                                .init(pickup: 0, drop: 3, size: 1, ready: 0, due: 100, onBoard: 1)]
        let vehicles: [FleetProblem.Vehicle] = [.init(start: 0, departure: 0, capacity: 2, profile: 0), .init(start: 0, departure: 0, capacity: 2, profile: 0)]
        let problem = Self.line([0, 1, 2, 3], requests: requests, vehicles: vehicles)
        let sound: [[FleetStop]] = [[FleetStop(.pickup, 0), FleetStop(.drop, 0)], [FleetStop(.drop, 2)]]
        #expect(PlanChecker.check(sound, problem: problem, reportedDrops: [0: 4, 2: 4]).isEmpty)
        #expect(PlanChecker.check([[FleetStop(.pickup, 0), FleetStop(.drop, 0)]], problem: problem).isEmpty, "a vehicle past the routes keeps its goods")

        let cases: [([[FleetStop]], [Int: Double], FleetViolation)] = [
            ([[], [FleetStop(.drop, 2)], []], [:], .tooManyRoutes(routes: 3, vehicles: 2)),
            ([[FleetStop(.pickup, 7)], [FleetStop(.drop, 2)]], [:], .unknownRequest(vehicle: 0, position: 0, request: 7)),
            ([[FleetStop(.pickup, 0), FleetStop(.pickup, 0), FleetStop(.drop, 0)], [FleetStop(.drop, 2)]], [:], .visitedMoreThanOnce(request: 0, pickup: true, times: 2)),
            ([[FleetStop(.pickup, 0)], [FleetStop(.drop, 0), FleetStop(.drop, 2)]], [:], .splitAcrossVehicles(request: 0, pickupVehicle: 0, dropVehicle: 1)),
            ([[FleetStop(.drop, 0), FleetStop(.pickup, 0)], [FleetStop(.drop, 2)]], [:], .dropBeforePickup(vehicle: 0, request: 0)),
            ([[FleetStop(.pickup, 0)], [FleetStop(.drop, 2)]], [:], .pickupWithoutDrop(vehicle: 0, request: 0)),
            ([[FleetStop(.drop, 0)], [FleetStop(.drop, 2)]], [:], .dropWithoutGoods(vehicle: 0, request: 0)),
            ([[FleetStop(.drop, 2)], [FleetStop(.drop, 2)]], [:], .onBoardElsewhere(request: 2, holder: 1, vehicle: 0)),
            ([[], []], [:], .onBoardNotDropped(request: 2, vehicle: 1)),
            ([[FleetStop(.pickup, 0), FleetStop(.pickup, 1), FleetStop(.drop, 0), FleetStop(.drop, 1)], [FleetStop(.drop, 2)]], [:],
             .capacityExceeded(vehicle: 0, position: 1, load: 3, capacity: 2)),
            (sound, [0: 3.5, 2: 4], .dropTimeMismatch(request: 0, reported: 3.5, actual: 4)),
        ]
        for (routes, reported, expected) in cases {
            let found = PlanChecker.check(routes, problem: problem, reportedDrops: reported)
            #expect(found.contains(expected), "\(expected): found \(found)")
        }
    }
}
