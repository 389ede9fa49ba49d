import Foundation
import GeoCore
import Kernel

/// A city to simulate: where the stores are and where customers live.
public struct SimulationCity: Sendable {
    public var name: String
    public var stores: [Coordinate]
    public var homes: [Coordinate]
    public init(name: String, stores: [Coordinate], homes: [Coordinate]) { self.name = name; self.stores = stores; self.homes = homes }
}

/// How a simulated day runs.
public struct SimulationSettings: Sendable {
    public var orders: Int
    public var riders: Int
    public var strategy: DispatchStrategy
    public var seed: UInt64
    /// Seconds from the first to the last order (10:00 to 22:00 by default).
    public var dayLength: Double = 12 * 3600
    /// Seconds between dispatch rounds.
    public var roundInterval: Double = 30
    /// Preparation time after the order, drawn uniformly, seconds.
    public var preparation: ClosedRange<Double> = 300...900
    /// Seconds from order to promised handover.
    public var promise: Double = 45 * 60
    /// Orders from one of this many stores nearest the customer.
    public var nearestStores = 5
    /// Orders a rider carries at once.
    public var riderCapacity = 3
    /// Seconds after the day's last order when the simulation stops; what is left is late.
    public var overtime: Double = 3 * 3600

    public init(orders: Int, riders: Int, strategy: DispatchStrategy, seed: UInt64) {
        self.orders = orders; self.riders = riders; self.strategy = strategy; self.seed = seed
    }

    public func validate() throws(DomainError) {
        guard (1...1_000_000).contains(orders) else { throw DomainError(.invalid, field: "--orders", "--orders must be between 1 and 1000000") }
        guard (1...100_000).contains(riders) else { throw DomainError(.invalid, field: "--riders", "--riders must be between 1 and 100000") }
    }
}

/// A day's indicators for one strategy.
public struct SimulationResult: Hashable, Sendable {
    public var strategy: DispatchStrategy
    public var orders: Int
    public var delivered: Int
    public var onTime: Int
    public var meanClickToDoorMinutes: Double
    public var p90ClickToDoorMinutes: Double
    /// Share of rider time spent with stops to make.
    public var utilisation: Double
    public var ordersPerRiderHour: Double
    public var kilometresPerOrder: Double
    /// Orders that rode with another on the same rider at once.
    public var bundledShare: Double
    public var rounds: Int
    public var meanRoundMilliseconds: Double
    public var maximumRoundMilliseconds: Double
    public var onTimeRate: Double { orders == 0 ? 0 : Double(onTime) / Double(orders) }
}

/// Replays a day on a city: orders arrive through the day from real homes to nearby stores,
/// riders ride their routes at the ETA model's speeds, and a dispatch round runs every few
/// seconds with the chosen strategy. Deterministic for a seed.
public struct DaySimulation: Sendable {
    public var city: SimulationCity
    public var settings: SimulationSettings
    public var eta: any ETAModel
    public var options: DispatchOptions

    public init(city: SimulationCity, settings: SimulationSettings, eta: any ETAModel = HaversineETAModel(),
                options: DispatchOptions = DispatchOptions()) {
        self.city = city; self.settings = settings; self.eta = eta; self.options = options
        self.options.strategy = settings.strategy
        // Nobody is there to call a customer about a broken promise: late orders still go out.
        self.options.assignLate = true
    }

    struct Order {
        var delivery: Delivery
        var placedAt: Double
    }

    /// Where a rider is on the current leg: from `origin` at `departed` to the route's first stop.
    struct Leg {
        var origin: Coordinate
        var departed: Double
        /// Set once the rider reaches the stop: when service there ends.
        var serviceEnds: Double?
    }

    /// The day's orders, the same for every strategy with the same seed.
    func orders(start: Double) -> [Order] {
        var rng = SplitMix64(seed: settings.seed)
        let storeIndex = PointSet(city.stores)
        var orders: [Order] = []
        orders.reserveCapacity(settings.orders)
        for i in 0..<settings.orders {
            // Lunch and dinner peaks over a flat base.
            let u = Double.random(in: 0..<1, using: &rng)
            var hour: Double
            if u < 0.35 { hour = 2.5 + rng.normal() * 0.75 }          // 12:30
            else if u < 0.75 { hour = 9.5 + rng.normal() * 1.0 }     // 19:30
            else { hour = Double.random(in: 0..<12, using: &rng) }
            hour = min(max(hour, 0), 11.99)
            let placed = start + hour * 3600 * settings.dayLength / (12 * 3600)
            let home = city.homes[Int.random(in: 0..<city.homes.count, using: &rng)]
            let near = storeIndex.nearest(to: home, count: settings.nearestStores)
            let store = near[Int.random(in: 0..<near.count, using: &rng)]
            let ready = placed + Double.random(in: settings.preparation, using: &rng)
            let d = Delivery(id: DeliveryID(Int64(i + 1)), storeID: Int64(store), pickup: city.stores[store], drop: home, size: 1,
                             readyAt: Date(timeIntervalSinceReferenceDate: ready),
                             promisedBy: Date(timeIntervalSinceReferenceDate: placed + settings.promise),
                             createdAt: Date(timeIntervalSinceReferenceDate: placed))
            orders.append(Order(delivery: d, placedAt: placed))
        }
        return orders.sorted { ($0.placedAt, $0.delivery.id) < ($1.placedAt, $1.delivery.id) }
    }

    public func run(progress: ((Double) -> Void)? = nil) throws -> SimulationResult {
        try settings.validate()
        guard !city.stores.isEmpty, !city.homes.isEmpty else {
            throw DomainError(.invalid, field: "--city", "the city has no stores or no homes")
        }
        let start = 800_000_000.0
        let orders = self.orders(start: start)
        var rng = SplitMix64(seed: settings.seed ^ 0x5EED)
        let mix: [VehicleType] = [.ebike, .ebike, .ebike, .ebike, .ebike, .bicycle, .bicycle, .bicycle, .scooter, .scooter]
        var riders: [RiderID: Rider] = [:]
        var legs: [RiderID: Leg] = [:]
        var locator = RiderLocator()
        let end = start + settings.dayLength + settings.overtime
        for i in 1...settings.riders {
            let id = RiderID(Int64(i))
            let home = city.stores[Int.random(in: 0..<city.stores.count, using: &rng)]
            riders[id] = Rider(id: id, name: "rider \(i)", vehicle: mix[Int.random(in: 0..<mix.count, using: &rng)],
                               capacity: settings.riderCapacity, shiftStart: Date(timeIntervalSinceReferenceDate: start),
                               shiftEnd: Date(timeIntervalSinceReferenceDate: end), position: home,
                               positionAt: Date(timeIntervalSinceReferenceDate: start))
            locator.update(id, to: home)
        }
        var active: [DeliveryID: Delivery] = [:]
        var placedAt: [DeliveryID: Double] = [:]
        var delivered: [Double] = [], onTime = 0
        var busySeconds = 0.0, metres = 0.0, bundled = 0
        var roundTimes: [Double] = []
        var next = 0
        let planner = DispatchPlanner(options: options, eta: eta)
        var t = start
        while t <= end {
            // 1. Riders ride until t: reach stops, wait for the goods, serve, go on.
            for id in riders.keys.sorted() {
                var r = riders[id]!
                guard !r.route.isEmpty else { continue }
                busySeconds += settings.roundInterval
                var leg = legs[id] ?? Leg(origin: r.position!, departed: t - settings.roundInterval)
                while let stop = r.route.first {
                    let d = active[stop.delivery]!
                    let target = stop.kind == .pickup ? d.pickup : d.drop
                    if leg.serviceEnds == nil {
                        let arrival = leg.departed + eta.travelSeconds(from: leg.origin, to: target, by: r.vehicle)
                        guard arrival <= t else {
                            // Still riding: place the rider along the leg.
                            let f = (t - leg.departed) / max(arrival - leg.departed, 1e-9)
                            r.position = Coordinate(latitude: leg.origin.latitude + (target.latitude - leg.origin.latitude) * f,
                                                    longitude: leg.origin.longitude + (target.longitude - leg.origin.longitude) * f)
                            break
                        }
                        metres += eta.travelMeters(from: leg.origin, to: target)
                        r.position = target
                        leg.serviceEnds = stop.kind == .pickup
                            ? max(arrival, d.readyAt.timeIntervalSinceReferenceDate) + eta.pickupServiceSeconds
                            : arrival + eta.dropServiceSeconds
                    }
                    guard leg.serviceEnds! <= t else { break }
                    let done = leg.serviceEnds!
                    r.route.removeFirst()
                    if stop.kind == .pickup {
                        active[d.id]!.status = .pickedUp
                        if r.route.contains(where: { $0.kind == .drop && $0.delivery != d.id }) { bundled += 1 }
                    } else {
                        active[d.id] = nil
                        let minutes = (done - placedAt[d.id]!) / 60
                        delivered.append(minutes)
                        if done <= d.promisedBy.timeIntervalSinceReferenceDate { onTime += 1 }
                    }
                    leg = Leg(origin: target, departed: done)
                }
                legs[id] = r.route.isEmpty ? nil : leg
                r.positionAt = Date(timeIntervalSinceReferenceDate: t)
                riders[id] = r
                locator.update(id, to: r.position!)
            }
            // 2. New orders join the pool.
            while next < orders.count, orders[next].placedAt <= t {
                let o = orders[next]
                active[o.delivery.id] = o.delivery
                placedAt[o.delivery.id] = o.placedAt
                next += 1
            }
            // 3. A round; riders accept at once.
            if active.values.contains(where: { $0.status == .pending }) {
                let plan = planner.plan(now: Date(timeIntervalSinceReferenceDate: t), riders: riders, deliveries: active, locator: locator)
                roundTimes.append(plan.solveSeconds * 1000)
                for a in plan.assignments {
                    active[a.delivery]!.status = .accepted
                    active[a.delivery]!.rider = a.rider
                }
                for (id, stops) in plan.routes {
                    if riders[id]!.route.isEmpty { legs[id] = Leg(origin: riders[id]!.position!, departed: t) }
                    riders[id]!.route = stops
                }
            }
            if next == orders.count, active.isEmpty { break }
            progress?(min(1, (t - start) / settings.dayLength))
            t += settings.roundInterval
        }
        let span = max(t - start, 1)
        let sorted = delivered.sorted()
        let count = settings.orders
        return SimulationResult(
            strategy: settings.strategy, orders: count, delivered: delivered.count, onTime: onTime,
            meanClickToDoorMinutes: delivered.isEmpty ? 0 : delivered.reduce(0, +) / Double(delivered.count),
            p90ClickToDoorMinutes: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.9).rounded(.up)) - 1)],
            utilisation: busySeconds / (Double(settings.riders) * span),
            ordersPerRiderHour: Double(delivered.count) / (Double(settings.riders) * span / 3600),
            kilometresPerOrder: delivered.isEmpty ? 0 : metres / 1000 / Double(delivered.count),
            bundledShare: Double(bundled) / Double(max(count, 1)),
            rounds: roundTimes.count,
            meanRoundMilliseconds: roundTimes.isEmpty ? 0 : roundTimes.reduce(0, +) / Double(roundTimes.count),
            maximumRoundMilliseconds: roundTimes.max() ?? 0)
    }
}

/// The stores nearest a point, by brute force over a small set (a city's stores).
struct PointSet {
    let points: [Coordinate]
    init(_ points: [Coordinate]) { self.points = points }
    func nearest(to q: Coordinate, count: Int) -> [Int] {
        Array(points.indices.sorted { (q.distance(to: points[$0]), $0) < (q.distance(to: points[$1]), $1) }.prefix(max(1, count)))
    }
}

/// A small seeded generator (SplitMix64), so a seed always gives the same day.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self), u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
