import Benchmark
import Dispatching
import Foundation
import GeoCore
import Kernel
import NationalData
import Persistence
import SpatialIndex
import StoreImport

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 20)
    let dense = SyntheticAssignment.make(orders: 1_000, riders: 2_000, nearest: nil, seed: 1)
    Benchmark("Assignment, dense: 1,000 orders × 2,000 riders (2 M edges)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(AssignmentSolver.solve(dense)) }
    }
    let sparse = SyntheticAssignment.make(orders: 20_000, riders: 40_000, nearest: 20, seed: 2)
    Benchmark("Assignment, sparse: 20,000 orders × 40,000 riders, 20 nearest riders each (400 k edges)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(AssignmentSolver.solve(sparse)) }
    }

    // 40,000 riders over Porto's 20 km square, moving 10–200 m per update.
    var rng = SplitMix64(seed: 3)
    var riders = MovingPointIndex(cellMeters: 500)
    let origin = Coordinate(latitude: 41.05, longitude: -8.75)
    var where_ = (0..<40_000).map { _ in
        origin.destination(distance: Double.random(in: 0..<20_000, using: &rng), bearing: Double.random(in: 0..<90, using: &rng))
    }
    for (i, p) in where_.enumerated() { riders.update(Int32(i), to: p) }
    let moves = (0..<4096).map { _ in (Double.random(in: 10...200, using: &rng), Double.random(in: 0..<360, using: &rng)) }
    var turn = 0
    let fast = Benchmark.Configuration(metrics: [.wallClock, .throughput], timeUnits: .nanoseconds, maxDuration: .seconds(5), maxIterations: 1_000_000)
    Benchmark("Rider location update, 40,000 riders (a 10–200 m move)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            turn &+= 1
            let id = turn % 40_000, move = moves[turn & 4095]
            let p = where_[id].destination(distance: move.0, bearing: move.1)
            where_[id] = p
            riders.update(Int32(id), to: p)
        }
    }
    Benchmark("Riders nearby: 10 nearest of 40,000 idle-filtered (every other rider)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            turn &+= 1
            let m = moves[turn & 4095]
            blackHole(riders.nearest(to: origin.destination(distance: m.0 * 50, bearing: m.1 / 4), limit: 10) { $0 % 2 == 0 })
        }
    }

    // The same updates through the dispatch service, as PUT /v1/riders/{id}/location makes them:
    // the lock, the rider's record, the index and the unsaved set (the database is not touched).
    let service = DispatchService(storage: SpatiaLiteDispatchRepository(database: try! SpatiaLiteDatabase(path: nil)))
    let serviceRiders: [RiderID] = (0..<10_000).map { RiderID(Int64($0 + 1)) }
    Benchmark("Rider location update through the dispatch service, 10,000 riders", configuration: fast) { benchmark in
        if service.riderCount == 0 {
            for (i, id) in serviceRiders.enumerated() {
                _ = try await service.register(RiderDraft(name: "r\(id)", vehicle: .ebike, capacity: 3, shiftStart: Date(),
                                                          shiftEnd: Date().addingTimeInterval(3_600), position: where_[i]))
            }
        }
        for _ in benchmark.scaledIterations {
            turn &+= 1
            let i = turn % 10_000, move = moves[turn & 4095]
            blackHole(try service.updateLocation(serviceRiders[i], to: where_[i].destination(distance: move.0, bearing: move.1)))
        }
    }

    // A dispatch round at a big city's evening peak: 2,000 riders over a 10 km square, half of
    // them busy with an order on board, and 500 pending orders from 200 stores.
    let round = peakRound(riders: 2_000, pending: 500, stores: 200, seed: 4)
    let roundConfiguration = Benchmark.Configuration(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 50)
    for strategy in DispatchStrategy.allCases {
        let planner = DispatchPlanner(options: DispatchOptions(strategy: strategy), eta: HaversineETAModel(detourFactor: 1.3))
        Benchmark("Dispatch round (\(strategy.rawValue)): 500 pending orders, 2,000 riders, half busy", configuration: roundConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.plan(now: round.now, riders: round.riders, deliveries: round.deliveries, locator: round.locator))
            }
        }
    }
}

/// Riders, deliveries and a locator for one round, seeded.
func peakRound(riders count: Int, pending: Int, stores: Int, seed: UInt64)
    -> (now: Date, riders: [RiderID: Rider], deliveries: [DeliveryID: Delivery], locator: RiderLocator) {
    var rng = SplitMix64(seed: seed)
    let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
    let origin = Coordinate(latitude: 41.10, longitude: -8.68)
    func somewhere() -> Coordinate {
        origin.destination(distance: Double.random(in: 0..<10_000, using: &rng), bearing: Double.random(in: 0..<90, using: &rng))
    }
    let shops = (0..<stores).map { _ in somewhere() }
    var riders: [RiderID: Rider] = [:], deliveries: [DeliveryID: Delivery] = [:]
    var locator = RiderLocator()
    var next: Int64 = 1
    func order(ready: Double, status: DeliveryStatus, rider: RiderID?) -> Delivery {
        let shop = shops[Int.random(in: 0..<stores, using: &rng)]
        defer { next += 1 }
        return Delivery(id: DeliveryID(next), storeID: 1, pickup: shop,
                        drop: shop.destination(distance: Double.random(in: 300...3_000, using: &rng), bearing: Double.random(in: 0..<360, using: &rng)),
                        size: 1, readyAt: now.addingTimeInterval(ready), promisedBy: now.addingTimeInterval(ready + 2_400),
                        status: status, rider: rider, createdAt: now.addingTimeInterval(-300))
    }
    for i in 1...count {
        let id = RiderID(Int64(i))
        var route: [RouteStop] = []
        if i % 2 == 0 {
            let carried = order(ready: -600, status: .pickedUp, rider: id)
            deliveries[carried.id] = carried
            route = [RouteStop(.drop, carried.id)]
        }
        let at = somewhere()
        riders[id] = Rider(id: id, name: "r\(i)", vehicle: .ebike, capacity: 3, shiftStart: now.addingTimeInterval(-3_600),
                           shiftEnd: now.addingTimeInterval(3_600 * 6), position: at, positionAt: now, route: route)
        locator.update(id, to: at)
    }
    for _ in 0..<pending {
        let d = order(ready: Double.random(in: 0...900, using: &rng), status: .pending, rider: nil)
        deliveries[d.id] = d
    }
    return (now, riders, deliveries, locator)
}
