import Foundation
import GeoCore
import Kernel
import Routing

/// The timing of a rider's route from where the rider is now: when each stop is reached,
/// when each delivery is handed over and how late, and whether the load ever exceeds the
/// capacity. Times are seconds since the reference date.
public struct RouteSchedule: Hashable, Sendable {
    /// When each stop's service ends, in route order.
    public var departures: [Double]
    /// When each stop is reached, in route order.
    public var arrivals: [Double]
    /// Seconds past the promise, by delivery dropped on this route.
    public var lateness: [DeliveryID: Double]
    /// Handover time (end of drop service) by delivery.
    public var dropTimes: [DeliveryID: Double]
    /// Whether every stop keeps the load within the capacity and every drop follows its pickup.
    public var feasible: Bool
    /// Metres ridden over the whole route.
    public var meters: Double

    public var end: Double { departures.last ?? 0 }
    public var totalLateness: Double { lateness.values.reduce(0, +) }

    /// Times `stops` for a rider at `start` at time `now`. Deliveries whose pickup is not on the
    /// route are on board already and count against the capacity from the start.
    /// `extra` is a delivery not (yet) in `deliveries`, as when trying an insertion.
    public static func evaluate(stops: [RouteStop], start: Coordinate, now: Double, vehicle: VehicleType, capacity: Int,
                                deliveries: [DeliveryID: Delivery], extra: Delivery? = nil, eta: any ETAModel) -> RouteSchedule {
        func lookup(_ id: DeliveryID) -> Delivery? { id == extra?.id ? extra : deliveries[id] }
        var pickupsOnRoute = Set<DeliveryID>()
        for stop in stops where stop.kind == .pickup { pickupsOnRoute.insert(stop.delivery) }
        var load = 0
        for stop in stops where stop.kind == .drop && !pickupsOnRoute.contains(stop.delivery) {
            load += lookup(stop.delivery)?.size ?? 0
        }
        var feasible = load <= capacity
        var t = now, here = start, meters = 0.0
        var arrivals: [Double] = [], departures: [Double] = []
        arrivals.reserveCapacity(stops.count); departures.reserveCapacity(stops.count)
        var lateness: [DeliveryID: Double] = [:], dropTimes: [DeliveryID: Double] = [:]
        var picked = Set<DeliveryID>()
        for stop in stops {
            guard let d = lookup(stop.delivery) else { feasible = false; arrivals.append(t); departures.append(t); continue }
            let point = stop.kind == .pickup ? d.pickup : d.drop
            t += eta.travelSeconds(from: here, to: point, by: vehicle)
            meters += eta.travelMeters(from: here, to: point)
            here = point
            arrivals.append(t)
            switch stop.kind {
            case .pickup:
                t = max(t, d.readyAt.timeIntervalSinceReferenceDate) + eta.pickupServiceSeconds
                load += d.size
                picked.insert(d.id)
                if load > capacity { feasible = false }
            case .drop:
                if pickupsOnRoute.contains(d.id), !picked.contains(d.id) { feasible = false }
                t += eta.dropServiceSeconds
                load -= d.size
                dropTimes[d.id] = t
                lateness[d.id] = max(0, t - d.promisedBy.timeIntervalSinceReferenceDate)
            }
            departures.append(t)
        }
        return RouteSchedule(departures: departures, arrivals: arrivals, lateness: lateness, dropTimes: dropTimes,
                             feasible: feasible, meters: meters)
    }
}

/// The cheapest way to fit one more delivery into a rider's route.
public struct Insertion: Hashable, Sendable {
    public var stops: [RouteStop]
    public var schedule: RouteSchedule
    /// Seconds from now until the rider reaches the new pickup.
    public var pickupETA: Double
    /// Seconds the new delivery will be late (0 when on time).
    public var lateness: Double
    /// Seconds by which the rider's other handovers are pushed back, summed.
    public var delayToOthers: Double
    /// The round's cost of this choice (see ``DispatchOptions``).
    public var cost: Double

    /// The cheapest place for the delivery's pickup and drop on the rider's route, found by
    /// Routing's ``FleetInsertion`` (the route optimizer's insertion): every position for the
    /// pickup and, after it, for the drop, the first stop of a non-empty route kept in place
    /// (that leg is under way). Feasible when the orders held (on board or still to collect) stay
    /// within the capacity and — with `keepPromises` — no other delivery becomes later than it
    /// already was; a dispatcher's hand assignment (`keepPromises` false) only keeps the load on
    /// board within capacity. Nil when nothing fits.
    public static func cheapest(of delivery: Delivery, into stops: [RouteStop], start: Coordinate, now: Double,
                                vehicle: VehicleType, capacity: Int, deliveries: [DeliveryID: Delivery],
                                eta: any ETAModel, options: DispatchOptions, keepPromises: Bool = true) -> Insertion? {
        let view = FleetView.single(start: start, now: now, vehicle: vehicle, capacity: capacity, stops: stops, deliveries: deliveries,
                                    extra: delivery, eta: eta)
        guard let found = FleetInsertion.cheapest(view.requestOf[delivery.id]!, into: view.route(stops), vehicle: 0, problem: view.problem,
                                                  weights: options.fleetWeights, keepPromises: keepPromises) else { return nil }
        let chosen = view.stops(found.route)
        let schedule = RouteSchedule.evaluate(stops: chosen, start: start, now: now, vehicle: vehicle, capacity: capacity,
                                              deliveries: deliveries, extra: delivery, eta: eta)
        return Insertion(stops: chosen, schedule: schedule, pickupETA: found.pickupETA, lateness: found.lateness,
                         delayToOthers: found.delayToOthers, cost: found.cost)
    }
}
