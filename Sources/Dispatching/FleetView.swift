import Foundation
import GeoCore
import Kernel
import Routing

/// Riders and deliveries as `Routing` sees them: a ``FleetProblem`` whose vehicles are the
/// riders (starting where each is, now, with their capacity and vehicle's travel profile) and
/// whose requests are the deliveries (ready at `readyAt`, promised by `promisedBy`, on board of
/// their rider once picked up), travel timed by the ETA model. Live dispatch inserts, improves
/// and checks its routes through it, with the same optimizer the command line's route solver is.
struct FleetView {
    var problem: FleetProblem
    var riders: [RiderID]
    var deliveries: [DeliveryID]
    var vehicleOf: [RiderID: Int]
    var requestOf: [DeliveryID: Int]

    /// The vehicles, in the order given (each with a position), and the deliveries.
    init(riders: [(id: RiderID, position: Coordinate, vehicle: VehicleType, capacity: Int)], deliveries: [Delivery],
         now: Double, eta: any ETAModel) {
        var points: [Coordinate] = riders.map(\.position)
        var vehicleOf: [RiderID: Int] = [:]
        for (v, r) in riders.enumerated() { vehicleOf[r.id] = v }
        var requestOf: [DeliveryID: Int] = [:]
        var requests: [FleetProblem.Request] = []
        for d in deliveries {
            requestOf[d.id] = requests.count
            points.append(d.pickup); points.append(d.drop)
            let onBoard = d.status == .pickedUp ? d.rider.flatMap { vehicleOf[$0] } : nil
            requests.append(.init(pickup: points.count - 2, drop: points.count - 1, size: d.size, ready: d.readyAt.timeIntervalSinceReferenceDate,
                                  due: d.promisedBy.timeIntervalSinceReferenceDate, onBoard: onBoard))
        }
        let profiles = VehicleType.allCases
        let vehicles = riders.enumerated().map { v, r in
            FleetProblem.Vehicle(start: v, departure: now, capacity: r.capacity, profile: profiles.firstIndex(of: r.vehicle) ?? 0)
        }
        let frozen = points
        problem = FleetProblem(requests: requests, vehicles: vehicles, pickupService: eta.pickupServiceSeconds, dropService: eta.dropServiceSeconds) {
            profile, a, b in eta.travelSeconds(from: frozen[a], to: frozen[b], by: profiles[profile])
        }
        self.riders = riders.map(\.id); self.deliveries = deliveries.map(\.id)
        self.vehicleOf = vehicleOf; self.requestOf = requestOf
    }

    /// One rider's route with the deliveries it names (those not in `deliveries` are unknown to
    /// the problem, which makes the route infeasible, as a route naming them is) and `extra`.
    static func single(start: Coordinate, now: Double, vehicle: VehicleType, capacity: Int, stops: [RouteStop],
                       deliveries: [DeliveryID: Delivery], extra: Delivery?, eta: any ETAModel) -> FleetView {
        var involved: [Delivery] = [], seen = Set<DeliveryID>()
        for stop in stops where seen.insert(stop.delivery).inserted {
            if stop.delivery == extra?.id, let extra { involved.append(extra) } else if let d = deliveries[stop.delivery] { involved.append(d) }
        }
        if let extra, seen.insert(extra.id).inserted { involved.append(extra) }
        // Goods on board are told by the route (a drop with no pickup before it), as RouteSchedule reads it.
        return FleetView(riders: [(RiderID(0), start, vehicle, capacity)], deliveries: involved.map { var d = $0; d.status = .pending; return d },
                         now: now, eta: eta)
    }

    func route(_ stops: [RouteStop]) -> [FleetStop] {
        stops.map { FleetStop($0.kind == .pickup ? .pickup : .drop, requestOf[$0.delivery] ?? -1) }
    }

    func stops(_ route: [FleetStop]) -> [RouteStop] {
        route.map { RouteStop($0.kind == .pickup ? .pickup : .drop, deliveries[$0.request]) }
    }
}

extension DispatchOptions {
    /// The weights of an insertion, as Routing takes them.
    var fleetWeights: FleetWeights { FleetWeights(wait: waitWeight, lateness: latenessWeight, delay: delayWeight) }
}
