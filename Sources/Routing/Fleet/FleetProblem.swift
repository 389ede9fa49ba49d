/// The pickup-and-delivery problem as a live fleet has it, beside the static one of
/// ``PDPTWInstance``: each vehicle starts where it is, at its own time, perhaps carrying goods
/// already; a route ends at its last stop; a request's pickup waits for the goods to be ready;
/// and a handover after its promise is late — a cost to weigh, not a wall. Travel times come
/// from a function of the vehicle's travel profile (a bicycle is not a car), so a straight-line
/// model or a road router can stand behind it.
///
/// Dispatch builds one for a round (or for one rider's route) and uses ``FleetInsertion``,
/// ``FleetSearch`` and ``PlanChecker/check(_:problem:)`` on it.
public struct FleetProblem: Sendable {
    /// Goods to carry from one node to another.
    public struct Request: Sendable, Hashable {
        /// Node where the goods are collected.
        public var pickup: Int
        /// Node where they are handed over.
        public var drop: Int
        /// Units of vehicle capacity it takes.
        public var size: Int
        /// Earliest start of the pickup's service (the goods are ready).
        public var ready: Double
        /// The promise: handover (end of the drop's service) by then, or late.
        public var due: Double
        /// The vehicle that holds the goods already (picked up before the plan), if any.
        public var onBoard: Int?

        public init(pickup: Int, drop: Int, size: Int, ready: Double, due: Double, onBoard: Int? = nil) {
            self.pickup = pickup; self.drop = drop; self.size = size; self.ready = ready; self.due = due; self.onBoard = onBoard
        }
    }

    /// One vehicle: where and when its route starts, what it carries at most, how it travels.
    public struct Vehicle: Sendable, Hashable {
        /// Node where the vehicle is now.
        public var start: Int
        /// When it sets off.
        public var departure: Double
        public var capacity: Int
        /// Its travel profile, as ``FleetProblem/travel`` takes it.
        public var profile: Int

        public init(start: Int, departure: Double, capacity: Int, profile: Int) {
            self.start = start; self.departure = departure; self.capacity = capacity; self.profile = profile
        }
    }

    public var requests: [Request]
    public var vehicles: [Vehicle]
    /// Seconds of service at a pickup and at a drop.
    public var pickupService: Double
    public var dropService: Double
    /// Seconds from one node to another for a travel profile.
    public var travel: @Sendable (_ profile: Int, _ from: Int, _ to: Int) -> Double

    public init(requests: [Request], vehicles: [Vehicle], pickupService: Double, dropService: Double,
                travel: @escaping @Sendable (_ profile: Int, _ from: Int, _ to: Int) -> Double) {
        self.requests = requests; self.vehicles = vehicles; self.pickupService = pickupService; self.dropService = dropService
        self.travel = travel
    }
}

/// One stop of a fleet route: a request's pickup or its drop.
public struct FleetStop: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case pickup, drop }
    public var request: Int
    public var kind: Kind

    public init(_ kind: Kind, _ request: Int) { self.kind = kind; self.request = request }
}

/// How a dispatcher weighs an insertion: seconds until the vehicle reaches the new pickup count
/// once; each second it waits there for the goods counts `wait` times, each second the new
/// request is late `lateness` times, and each second it pushes the vehicle's other handovers
/// back `delay` times.
public struct FleetWeights: Sendable, Hashable {
    public var wait: Double
    public var lateness: Double
    public var delay: Double

    public init(wait: Double = 1, lateness: Double = 10, delay: Double = 1) {
        self.wait = wait; self.lateness = lateness; self.delay = delay
    }
}

/// The timing of one vehicle's route: when each stop is reached and left, each handover and
/// how late it is, whether the load stays within the capacity and every drop follows its
/// pickup (or its goods are on board), and the route's cost as ``FleetSearch`` weighs it.
public struct FleetSchedule: Sendable, Hashable {
    public var arrivals: [Double]
    public var departures: [Double]
    /// Handover time by request (end of the drop's service).
    public var dropTimes: [Int: Double]
    /// Seconds past the promise by request dropped on the route (0 when on time).
    public var lateness: [Int: Double]
    public var feasible: Bool

    public var end: Double { departures.last ?? 0 }

    /// Replays `route` for `vehicle`. A drop whose pickup is not on the route is of goods on
    /// board, which count against the capacity from the start.
    public static func evaluate(_ route: [FleetStop], vehicle v: Int, problem: FleetProblem) -> FleetSchedule {
        let vehicle = problem.vehicles[v]
        var pickedOnRoute = Set<Int>()
        for stop in route where stop.kind == .pickup { pickedOnRoute.insert(stop.request) }
        var load = 0
        for stop in route where stop.kind == .drop && !pickedOnRoute.contains(stop.request) {
            load += problem.requests.indices.contains(stop.request) ? problem.requests[stop.request].size : 0
        }
        var feasible = load <= vehicle.capacity
        var t = vehicle.departure, here = vehicle.start
        var schedule = FleetSchedule(arrivals: [], departures: [], dropTimes: [:], lateness: [:], feasible: true)
        schedule.arrivals.reserveCapacity(route.count); schedule.departures.reserveCapacity(route.count)
        var picked = Set<Int>()
        for stop in route {
            guard problem.requests.indices.contains(stop.request) else {
                feasible = false; schedule.arrivals.append(t); schedule.departures.append(t); continue
            }
            let r = problem.requests[stop.request]
            let node = stop.kind == .pickup ? r.pickup : r.drop
            t += problem.travel(vehicle.profile, here, node)
            here = node
            schedule.arrivals.append(t)
            switch stop.kind {
            case .pickup:
                t = max(t, r.ready) + problem.pickupService
                load += r.size
                picked.insert(stop.request)
                if load > vehicle.capacity { feasible = false }
            case .drop:
                if pickedOnRoute.contains(stop.request), !picked.contains(stop.request) { feasible = false }
                t += problem.dropService
                load -= r.size
                schedule.dropTimes[stop.request] = t
                schedule.lateness[stop.request] = max(0, t - r.due)
            }
            schedule.departures.append(t)
        }
        schedule.feasible = feasible
        return schedule
    }

    /// The route's cost as the search weighs it: every second of lateness `weights.lateness`
    /// times, plus every handover's seconds from the vehicle's departure.
    public func cost(weights: FleetWeights, departure: Double) -> Double {
        lateness.values.reduce(0, +) * weights.lateness + dropTimes.values.reduce(0) { $0 + ($1 - departure) }
    }
}
