import Foundation
import GeoCore
import Kernel
import TestRandom
import Testing
@testable import Dispatching

/// Dispatch rounds on literal and seeded-random cities, checked against brute force.
@Suite("Dispatch rounds")
struct PlannerTests {
    static let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)
    static let eta = HaversineETAModel(detourFactor: 1.3)
    static let porto = Coordinate(latitude: 41.15, longitude: -8.61)

    static func rider(_ id: Int64, at p: Coordinate, vehicle: VehicleType = .bicycle, capacity: Int = 3,
                      route: [RouteStop] = []) -> Rider {
        Rider(id: RiderID(id), name: "r\(id)", vehicle: vehicle, capacity: capacity, shiftStart: t0.addingTimeInterval(-3600),
              shiftEnd: t0.addingTimeInterval(8 * 3600), position: p, positionAt: t0, route: route)
    }

    static func delivery(_ id: Int64, from a: Coordinate, to b: Coordinate, ready: Double = 0, promised: Double = 3600,
                         status: DeliveryStatus = .pending, rider: RiderID? = nil) -> Delivery {
        Delivery(id: DeliveryID(id), storeID: 1, pickup: a, drop: b, size: 1, readyAt: t0.addingTimeInterval(ready),
                 promisedBy: t0.addingTimeInterval(promised), status: status, rider: rider, createdAt: t0)
    }

    static func near(_ p: Coordinate, _ metres: Double, _ bearing: Double) -> Coordinate { p.destination(distance: metres, bearing: bearing) }

    static func plan(_ riders: [Rider], _ deliveries: [Delivery], _ options: DispatchOptions = DispatchOptions()) -> RoundPlan {
        var locator = RiderLocator()
        for r in riders { locator.update(r.id, to: r.position!) }
        return DispatchPlanner(options: options, eta: eta).plan(
            now: t0, riders: Dictionary(uniqueKeysWithValues: riders.map { ($0.id, $0) }),
            deliveries: Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, $0) }), locator: locator)
    }

    @Test("batch rounds equal the brute-force optimum (most assigned, then least cost) on 300 random cities")
    func batchIsOptimal() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<300 {
            let riders = (1...Int.random(in: 1...5, using: &rng)).map { i in
                Self.rider(Int64(i), at: Self.near(Self.porto, Double.random(in: 0...4000, using: &rng), Double.random(in: 0..<360, using: &rng)))
            }
            let deliveries = (1...Int.random(in: 1...5, using: &rng)).map { i in
                let store = Self.near(Self.porto, Double.random(in: 0...3000, using: &rng), Double.random(in: 0..<360, using: &rng))
                return Self.delivery(Int64(i), from: store, to: Self.near(store, Double.random(in: 300...3000, using: &rng), Double.random(in: 0..<360, using: &rng)),
                                     promised: Double.random(in: 900...3600, using: &rng))
            }
            var options = DispatchOptions(strategy: .batch)
            options.radius = 3000
            let plan = Self.plan(riders, deliveries, options)
            // Promises no rider could keep are left out first; check each truly is.
            let impossible = Set(plan.unassigned.filter { $0.reason == .promisedTimeImpossible }.map(\.delivery))
            for d in deliveries where impossible.contains(d.id) {
                let best = Self.eta.pickupServiceSeconds + Self.eta.travelSeconds(from: d.pickup, to: d.drop, by: .bicycle) + Self.eta.dropServiceSeconds
                #expect(best > d.promisedBy.timeIntervalSince(Self.t0))
            }
            // Brute force over every one-to-one assignment, with the same insertion costs and the
            // same price for leaving a delivery for later.
            let planner = DispatchPlanner(options: options, eta: Self.eta)
            let now = Self.t0.timeIntervalSinceReferenceDate
            var insertions: [[Insertion?]] = deliveries.map { d in
                riders.map { r in
                    guard !impossible.contains(d.id), r.position!.distance(to: d.pickup) <= options.radius else { return nil }
                    return Insertion.cheapest(of: d, into: [], start: r.position!, now: now, vehicle: r.vehicle,
                                              capacity: r.capacity, deliveries: [:], eta: Self.eta, options: options)
                }
            }
            let leaving: [Double] = deliveries.indices.map { i in
                var byRider: [RiderID: Insertion] = [:]
                for (j, insertion) in insertions[i].enumerated() { if let insertion { byRider[riders[j].id] = insertion } }
                return planner.deferralCost(of: deliveries[i], insertions: byRider.isEmpty ? nil : byRider, now: now)
            }
            var used = Set<Int>()
            func best(_ i: Int) -> (count: Int, cost: Double) {
                guard i < deliveries.count else { return (0, 0) }
                let skip = best(i + 1)
                var top = (count: skip.count, cost: skip.cost + (impossible.contains(deliveries[i].id) ? 0 : leaving[i]))
                for j in riders.indices where !used.contains(j) {
                    guard let c = insertions[i][j]?.cost else { continue }
                    used.insert(j)
                    let rest = best(i + 1)
                    used.remove(j)
                    let option = (rest.count + 1, rest.cost + c)
                    if option.0 > top.count || (option.0 == top.count && option.1 < top.cost) { top = option }
                }
                return top
            }
            let optimum = best(0)
            let left = plan.unassigned.filter { $0.reason != .promisedTimeImpossible }
                .map { u in leaving[deliveries.firstIndex { $0.id == u.delivery }!] }.reduce(0, +)
            #expect(plan.assignments.count == optimum.count)
            #expect(abs(plan.totalCost + left - optimum.cost) < 1e-6)
            #expect(Set(plan.assignments.map(\.rider)).count == plan.assignments.count, "one delivery per rider in batch rounds")
            insertions = []
        }
    }

    @Test("bundling puts a second order from the same store on the rider already going there, without making the first late")
    func bundling() throws {
        let store = Self.near(Self.porto, 800, 90)
        let first = Self.delivery(1, from: store, to: Self.near(store, 1500, 0), promised: 2400, status: .accepted, rider: RiderID(1))
        let second = Self.delivery(2, from: store, to: Self.near(store, 1600, 10), promised: 2700)
        let busy = Self.rider(1, at: Self.near(store, 300, 270), route: [RouteStop(.pickup, 1), RouteStop(.drop, 1)])
        // An idle rider farther away: bundling is cheaper.
        let idle = Self.rider(2, at: Self.near(store, 2500, 180))
        let plan = Self.plan([busy, idle], [first, second])
        let a = try #require(plan.assignments.first)
        #expect(a.rider == RiderID(1) && a.bundled)
        let route = try #require(plan.routes[RiderID(1)])
        #expect(route.first == RouteStop(.pickup, 1), "the leg under way stays first")
        #expect(route.firstIndex(of: RouteStop(.pickup, 2))! < route.firstIndex(of: RouteStop(.drop, 2))!)
        let deliveries = [first.id: first, second.id: second]
        let schedule = RouteSchedule.evaluate(stops: route, start: busy.position!, now: Self.t0.timeIntervalSinceReferenceDate,
                                              vehicle: .bicycle, capacity: 3, deliveries: deliveries, eta: Self.eta)
        #expect(schedule.feasible)
        #expect(schedule.lateness[DeliveryID(1)] == 0)

        // Without bundling the idle rider takes it.
        let batch = Self.plan([busy, idle], [first, second], DispatchOptions(strategy: .batch))
        #expect(batch.assignments.map(\.rider) == [RiderID(2)])
    }

    @Test("two orders from one shop to one street ride together with the rider at the shop, not with a far idle rider")
    func sameShopSameStreet() throws {
        let store = Self.porto
        let here = Self.rider(1, at: Self.near(store, 50, 0), vehicle: .ebike), far = Self.rider(2, at: Self.near(store, 1800, 300), vehicle: .scooter)
        let a = Self.delivery(1, from: store, to: Self.near(store, 700, 330)), b = Self.delivery(2, from: store, to: Self.near(store, 760, 335))
        let bundle = Self.plan([here, far], [a, b])
        #expect(Set(bundle.assignments.map(\.rider)) == [RiderID(1)])
        #expect(bundle.routes[RiderID(1)]?.prefix(2).allSatisfy { $0.kind == .pickup } == true, "both collected at the shop")
        #expect(bundle.routes[RiderID(2)] == nil)
        // One per rider without bundling, and that costs more.
        let batch = Self.plan([here, far], [a, b], DispatchOptions(strategy: .batch))
        #expect(Set(batch.assignments.map(\.rider)) == [RiderID(1), RiderID(2)])
        #expect(bundle.totalCost < batch.totalCost)
    }

    @Test("a rider never carries more than the capacity, and a bundled delivery never makes another late")
    func capacityAndPromises() throws {
        let store = Self.near(Self.porto, 500, 0)
        // Capacity 1 with an order on board: full until it is dropped.
        let onBoard = Self.delivery(1, from: store, to: Self.near(store, 2000, 45), status: .pickedUp, rider: RiderID(1))
        let full = Self.rider(1, at: store, capacity: 1, route: [RouteStop(.drop, 1)])
        let next = Self.delivery(2, from: store, to: Self.near(store, 1000, 200))
        var plan = Self.plan([full], [onBoard, next])
        #expect(plan.assignments.isEmpty && plan.unassigned.map(\.reason) == [.noFeasibleRider])
        // Capacity 2 holds both, but it never carries a third.
        var two = full
        two.capacity = 2
        plan = Self.plan([two], [onBoard, next, Self.delivery(3, from: store, to: Self.near(store, 900, 190))])
        #expect(plan.assignments.count == 1 && plan.unassigned.map(\.reason) == [.noFeasibleRider])

        // Room for two, heading to the store for an order due so soon that carrying a second
        // one first would make it late: the second goes after its drop.
        let tight = Self.delivery(1, from: store, to: Self.near(store, 1500, 45), promised: 800, status: .accepted, rider: RiderID(1))
        let roomy = Self.rider(1, at: Self.near(store, 200, 180), capacity: 2, route: [RouteStop(.pickup, 1), RouteStop(.drop, 1)])
        let opposite = Self.delivery(2, from: store, to: Self.near(store, 1500, 225))
        plan = Self.plan([roomy], [tight, opposite])
        let route = try #require(plan.routes[RiderID(1)])
        #expect(route.prefix(2) == [RouteStop(.pickup, 1), RouteStop(.drop, 1)], "\(route)")
        let schedule = RouteSchedule.evaluate(stops: route, start: roomy.position!, now: Self.t0.timeIntervalSinceReferenceDate,
                                              vehicle: .bicycle, capacity: 2, deliveries: [tight.id: tight, opposite.id: opposite],
                                              eta: Self.eta)
        #expect(schedule.lateness[tight.id] == 0)
        // With the first order's promise loose, both ride together.
        let loose = Self.delivery(1, from: store, to: Self.near(store, 1500, 45), promised: 3600, status: .accepted, rider: RiderID(1))
        plan = Self.plan([roomy], [loose, Self.delivery(2, from: store, to: Self.near(store, 1500, 50))])
        #expect(plan.routes[RiderID(1)]?[1] == RouteStop(.pickup, 2), "picked up together at the store")
    }

    @Test("the reasons for leaving a delivery: promise impossible, nobody near, riders taken; later ready ones are deferred")
    func reasons() {
        let store = Self.porto
        let impossible = Self.delivery(1, from: store, to: Self.near(store, 5000, 0), promised: 300)
        let far = Self.delivery(2, from: Self.near(store, 20_000, 90), to: Self.near(store, 21_000, 90))
        let a = Self.delivery(3, from: store, to: Self.near(store, 1000, 0))
        let b = Self.delivery(4, from: store, to: Self.near(store, 1000, 180))
        let later = Self.delivery(5, from: store, to: Self.near(store, 1000, 90), ready: 7200, promised: 9000)
        let plan = Self.plan([Self.rider(1, at: Self.near(store, 200, 0), capacity: 1)], [impossible, far, a, b, later],
                             DispatchOptions(strategy: .batch))
        let reasons = Dictionary(uniqueKeysWithValues: plan.unassigned.map { ($0.delivery.rawValue, $0.reason) })
        #expect(reasons[1] == .promisedTimeImpossible)
        #expect(reasons[2] == .noRiderNearby)
        #expect(plan.assignments.count == 1)
        #expect(reasons[3] == .ridersTaken || reasons[4] == .ridersTaken)
        #expect(reasons[5] == nil && plan.deferred == 1)
    }

    @Test("nearest: each delivery, oldest first, goes to the nearest idle rider")
    func nearest() {
        let store = Self.porto
        let riders = [Self.rider(1, at: Self.near(store, 1000, 0)), Self.rider(2, at: Self.near(store, 200, 0)),
                      Self.rider(3, at: Self.near(store, 600, 0))]
        let d1 = Self.delivery(1, from: store, to: Self.near(store, 800, 90), ready: -60)
        let d2 = Self.delivery(2, from: store, to: Self.near(store, 800, 270))
        let plan = Self.plan(riders, [d2, d1], DispatchOptions(strategy: .nearest))
        let byDelivery = Dictionary(uniqueKeysWithValues: plan.assignments.map { ($0.delivery.rawValue, $0.rider.rawValue) })
        #expect(byDelivery == [1: 2, 2: 3])
    }

    @Test("a route's schedule waits for the goods, serves each stop, and flags a drop before its pickup")
    func schedule() {
        let store = Self.porto, home = Self.near(store, 1300, 0)
        let d = Self.delivery(1, from: store, to: home, ready: 600, promised: 900)
        let s = RouteSchedule.evaluate(stops: [RouteStop(.pickup, 1), RouteStop(.drop, 1)], start: store,
                                       now: Self.t0.timeIntervalSinceReferenceDate, vehicle: .bicycle, capacity: 1,
                                       deliveries: [d.id: d], eta: Self.eta)
        let expectedDrop = 600 + Self.eta.pickupServiceSeconds + Self.eta.travelSeconds(from: store, to: home, by: .bicycle) + Self.eta.dropServiceSeconds
        #expect(abs(s.dropTimes[d.id]! - Self.t0.timeIntervalSinceReferenceDate - expectedDrop) < 1e-6)
        #expect(abs(s.lateness[d.id]! - (expectedDrop - 900)) < 1e-6)
        #expect(s.feasible)
        let backwards = RouteSchedule.evaluate(stops: [RouteStop(.drop, 1), RouteStop(.pickup, 1)], start: store,
                                               now: Self.t0.timeIntervalSinceReferenceDate, vehicle: .bicycle, capacity: 1,
                                               deliveries: [d.id: d], eta: Self.eta)
        #expect(!backwards.feasible)
    }
}

@Suite("A simulated day")
struct SimulationTests {
    /// A small city: stores on a ring around a centre, homes scattered within 3 km.
    static func city() -> SimulationCity {
        var rng = SeededRandom(seed: 5)
        let centre = PlannerTests.porto
        let stores = (0..<12).map { centre.destination(distance: 1200, bearing: Double($0) * 30) }
        let homes = (0..<400).map { _ in centre.destination(distance: Double.random(in: 0...3000, using: &rng), bearing: Double.random(in: 0..<360, using: &rng)) }
        return SimulationCity(name: "ring", stores: stores, homes: homes)
    }

    static func run(_ strategy: DispatchStrategy, orders: Int = 300, riders: Int, seed: UInt64 = 3) throws -> SimulationResult {
        try DaySimulation(city: city(), settings: SimulationSettings(orders: orders, riders: riders, strategy: strategy, seed: seed),
                          eta: HaversineETAModel(detourFactor: 1.3)).run()
    }

    @Test("the same seed gives the same day; every order is delivered once")
    func deterministic() throws {
        var a = try Self.run(.bundle, riders: 10), b = try Self.run(.bundle, riders: 10)
        // Everything but the wall-clock time of the rounds.
        a.meanRoundMilliseconds = 0; a.maximumRoundMilliseconds = 0; b.meanRoundMilliseconds = 0; b.maximumRoundMilliseconds = 0
        #expect(a == b)
        #expect(a.delivered == a.orders && a.onTime <= a.delivered)
        #expect(a.p90ClickToDoorMinutes >= a.meanClickToDoorMinutes * 0.8 && a.meanClickToDoorMinutes > 5)
        #expect(try Self.run(.bundle, riders: 10, seed: 4) != a)
    }

    @Test("under pressure, optimal batches beat nearest-rider and bundling beats both on time and on kilometres")
    func strategiesUnderPressure() throws {
        var results: [DispatchStrategy: SimulationResult] = [:]
        for s in DispatchStrategy.allCases {
            results[s] = try Self.run(s, orders: 200, riders: 8)
        }
        let nearest = results[.nearest]!, batch = results[.batch]!, bundle = results[.bundle]!
        #expect(batch.onTimeRate >= nearest.onTimeRate)
        #expect(bundle.onTimeRate > nearest.onTimeRate && bundle.onTimeRate >= batch.onTimeRate)
        #expect(bundle.kilometresPerOrder < nearest.kilometresPerOrder)
        #expect(bundle.bundledShare > 0 && nearest.bundledShare == 0 && batch.bundledShare == 0)
    }

    @Test("bad settings are refused with the option named")
    func badSettings() {
        #expect(throws: DomainError.self) { try Self.run(.bundle, orders: 0, riders: 3) }
        #expect(throws: DomainError.self) {
            try DaySimulation(city: SimulationCity(name: "empty", stores: [], homes: []),
                              settings: SimulationSettings(orders: 5, riders: 1, strategy: .batch, seed: 1)).run()
        }
    }
}

extension PlannerTests {
    @Test("when riders are scarce, the delivery that has waited and is due goes first")
    func urgencyWins() {
        let store = Self.porto
        let rider = Self.rider(1, at: Self.near(store, 150, 0))
        var old = Self.delivery(1, from: store, to: Self.near(store, 2500, 90), promised: 1500)
        old.createdAt = Self.t0.addingTimeInterval(-1500)
        let fresh = Self.delivery(2, from: Self.near(store, 100, 0), to: Self.near(store, 600, 0), promised: 2700)
        let plan = Self.plan([rider], [old, fresh], DispatchOptions(strategy: .batch))
        #expect(plan.assignments.map(\.delivery) == [1])
    }
}
