/// One way in which fleet routes break the rules of a ``FleetProblem``. Vehicles and positions
/// are 0-based indices into the routes checked.
public enum FleetViolation: Sendable, Hashable, CustomStringConvertible {
    /// More routes than the problem has vehicles.
    case tooManyRoutes(routes: Int, vehicles: Int)
    /// A stop names a request the problem does not have.
    case unknownRequest(vehicle: Int, position: Int, request: Int)
    /// A request's pickup or drop appears more than once across the routes.
    case visitedMoreThanOnce(request: Int, pickup: Bool, times: Int)
    /// Pickup on one vehicle, drop on another.
    case splitAcrossVehicles(request: Int, pickupVehicle: Int, dropVehicle: Int)
    /// The drop comes before the pickup on the same route.
    case dropBeforePickup(vehicle: Int, request: Int)
    /// A pickup whose drop is on no route.
    case pickupWithoutDrop(vehicle: Int, request: Int)
    /// A drop with no pickup before it, of goods this vehicle does not hold.
    case dropWithoutGoods(vehicle: Int, request: Int)
    /// Goods on board of a vehicle that another route collects or drops.
    case onBoardElsewhere(request: Int, holder: Int, vehicle: Int)
    /// Goods on board of a vehicle whose route does not drop them.
    case onBoardNotDropped(request: Int, vehicle: Int)
    /// The load after a stop exceeds the vehicle's capacity.
    case capacityExceeded(vehicle: Int, position: Int, load: Int, capacity: Int)
    /// A handover time reported with the plan differs from the replay's.
    case dropTimeMismatch(request: Int, reported: Double, actual: Double)

    public var description: String {
        switch self {
        case let .tooManyRoutes(routes, vehicles): "\(routes) routes for \(vehicles) vehicles"
        case let .unknownRequest(vehicle, position, request): "vehicle \(vehicle), stop \(position): no request \(request)"
        case let .visitedMoreThanOnce(request, pickup, times): "request \(request)'s \(pickup ? "pickup" : "drop") is visited \(times) times"
        case let .splitAcrossVehicles(request, p, d): "request \(request) is picked up by vehicle \(p) and dropped by vehicle \(d)"
        case let .dropBeforePickup(vehicle, request): "vehicle \(vehicle) drops request \(request) before picking it up"
        case let .pickupWithoutDrop(vehicle, request): "vehicle \(vehicle) picks up request \(request) and never drops it"
        case let .dropWithoutGoods(vehicle, request): "vehicle \(vehicle) drops request \(request) without holding it"
        case let .onBoardElsewhere(request, holder, vehicle): "request \(request) is on board vehicle \(holder) but on vehicle \(vehicle)'s route"
        case let .onBoardNotDropped(request, vehicle): "vehicle \(vehicle) holds request \(request) and never drops it"
        case let .capacityExceeded(vehicle, position, load, capacity): "vehicle \(vehicle) carries \(load) after stop \(position), over \(capacity)"
        case let .dropTimeMismatch(request, reported, actual): "request \(request): handover reported at \(reported), replayed at \(actual)"
        }
    }
}

extension PlanChecker {
    /// Every rule the fleet routes break, route `k` being vehicle `k`'s (vehicles past the
    /// routes given keep what they carry: their goods on board are not checked). Requests on no
    /// route are unassigned, which is allowed. `reportedDrops` are handover times the planner
    /// stated, checked against a replay written apart from the solver's own.
    public static func check(_ routes: [[FleetStop]], problem: FleetProblem, reportedDrops: [Int: Double] = [:]) -> [FleetViolation] {
        var violations: [FleetViolation] = []
        if routes.count > problem.vehicles.count {
            violations.append(.tooManyRoutes(routes: routes.count, vehicles: problem.vehicles.count))
        }
        var pickupAt: [Int: [(vehicle: Int, position: Int)]] = [:], dropAt: [Int: [(vehicle: Int, position: Int)]] = [:]
        for (v, route) in routes.enumerated() {
            for (position, stop) in route.enumerated() {
                guard problem.requests.indices.contains(stop.request) else {
                    violations.append(.unknownRequest(vehicle: v, position: position, request: stop.request))
                    continue
                }
                if stop.kind == .pickup { pickupAt[stop.request, default: []].append((v, position)) }
                else { dropAt[stop.request, default: []].append((v, position)) }
            }
        }
        for (request, places) in pickupAt.sorted(by: { $0.key < $1.key }) where places.count > 1 {
            violations.append(.visitedMoreThanOnce(request: request, pickup: true, times: places.count))
        }
        for (request, places) in dropAt.sorted(by: { $0.key < $1.key }) where places.count > 1 {
            violations.append(.visitedMoreThanOnce(request: request, pickup: false, times: places.count))
        }
        for request in problem.requests.indices {
            let pickup = pickupAt[request]?.first, drop = dropAt[request]?.first
            if let holder = problem.requests[request].onBoard {
                for place in (pickupAt[request] ?? []) + (dropAt[request] ?? []) where place.vehicle != holder {
                    violations.append(.onBoardElsewhere(request: request, holder: holder, vehicle: place.vehicle))
                }
                if holder < routes.count, drop == nil { violations.append(.onBoardNotDropped(request: request, vehicle: holder)) }
                if let pickup, pickup.vehicle == holder { violations.append(.visitedMoreThanOnce(request: request, pickup: true, times: 2)) }
                continue
            }
            switch (pickup, drop) {
            case let (p?, d?) where p.vehicle != d.vehicle:
                violations.append(.splitAcrossVehicles(request: request, pickupVehicle: p.vehicle, dropVehicle: d.vehicle))
            case let (p?, d?) where d.position < p.position:
                violations.append(.dropBeforePickup(vehicle: p.vehicle, request: request))
            case let (p?, nil):
                violations.append(.pickupWithoutDrop(vehicle: p.vehicle, request: request))
            case let (nil, d?):
                violations.append(.dropWithoutGoods(vehicle: d.vehicle, request: request))
            default: break
            }
        }
        for (v, route) in routes.enumerated() where v < problem.vehicles.count {
            violations += replay(route, vehicle: v, problem: problem, reportedDrops: reportedDrops)
        }
        return violations
    }

    /// Replays one route from its vehicle's start and departure: the load after each stop
    /// (goods on board counted from the start), waiting for the goods at each pickup, service
    /// at every stop; each reported handover against the replayed one.
    private static func replay(_ route: [FleetStop], vehicle v: Int, problem: FleetProblem, reportedDrops: [Int: Double]) -> [FleetViolation] {
        var violations: [FleetViolation] = []
        let vehicle = problem.vehicles[v]
        var load = problem.requests.reduce(0) { $0 + ($1.onBoard == v ? $1.size : 0) }
        if load > vehicle.capacity { violations.append(.capacityExceeded(vehicle: v, position: -1, load: load, capacity: vehicle.capacity)) }
        var clock = vehicle.departure, at = vehicle.start
        for (position, stop) in route.enumerated() where problem.requests.indices.contains(stop.request) {
            let request = problem.requests[stop.request]
            let node = stop.kind == .pickup ? request.pickup : request.drop
            clock += problem.travel(vehicle.profile, at, node)
            at = node
            if stop.kind == .pickup {
                clock = max(clock, request.ready) + problem.pickupService
                load += request.size
                if load > vehicle.capacity {
                    violations.append(.capacityExceeded(vehicle: v, position: position, load: load, capacity: vehicle.capacity))
                }
            } else {
                clock += problem.dropService
                load -= request.size
                if let reported = reportedDrops[stop.request], abs(reported - clock) > tolerance * max(1, abs(clock)) {
                    violations.append(.dropTimeMismatch(request: stop.request, reported: reported, actual: clock))
                }
            }
        }
        return violations
    }
}
