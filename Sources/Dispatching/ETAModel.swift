import GeoCore
import Kernel

/// How long a rider takes between two points and at each stop. Dispatch rounds, bundling,
/// tracking and the simulator ask only this protocol, so a road-network router can replace
/// the straight-line model without touching them.
public protocol ETAModel: Sendable {
    /// Seconds of riding from `a` to `b` on `vehicle`.
    func travelSeconds(from a: Coordinate, to b: Coordinate, by vehicle: VehicleType) -> Double
    /// Metres ridden from `a` to `b` (for km-per-order figures).
    func travelMeters(from a: Coordinate, to b: Coordinate) -> Double
    /// Seconds spent at a store collecting an order.
    var pickupServiceSeconds: Double { get }
    /// Seconds spent at the door handing it over.
    var dropServiceSeconds: Double { get }
}

/// Travel time = haversine distance × a detour factor ÷ the vehicle's speed, plus service
/// times at pickup and drop. The factors are per city: streets in a grid city detour less
/// than in an old town on hills.
public struct HaversineETAModel: ETAModel, Hashable {
    /// Road distance over straight-line distance (1.3 to 1.4 is usual in European cities).
    public var detourFactor: Double
    public var pickupServiceSeconds: Double
    public var dropServiceSeconds: Double
    /// Metres per second by vehicle; a missing vehicle rides at its ``VehicleType/typicalSpeed``.
    public var speeds: [VehicleType: Double]

    public init(detourFactor: Double = 1.3, pickupServiceSeconds: Double = 120, dropServiceSeconds: Double = 120,
                speeds: [VehicleType: Double] = [:]) {
        self.detourFactor = detourFactor; self.pickupServiceSeconds = pickupServiceSeconds
        self.dropServiceSeconds = dropServiceSeconds; self.speeds = speeds
    }

    public func speed(of vehicle: VehicleType) -> Double { speeds[vehicle] ?? vehicle.typicalSpeed }

    public func travelMeters(from a: Coordinate, to b: Coordinate) -> Double { a.distance(to: b) * detourFactor }

    public func travelSeconds(from a: Coordinate, to b: Coordinate, by vehicle: VehicleType) -> Double {
        travelMeters(from: a, to: b) / speed(of: vehicle)
    }

    /// The factors of the demo cities: Porto's hills and old town detour more than
    /// Helsinki's grid.
    public static func city(_ name: String) -> HaversineETAModel? {
        switch name.lowercased() {
        case "porto": return HaversineETAModel(detourFactor: 1.4)
        case "helsinki": return HaversineETAModel(detourFactor: 1.3)
        default: return nil
        }
    }

    public func validate() throws(DomainError) {
        guard detourFactor.isFinite, (1...5).contains(detourFactor) else {
            throw DomainError(.invalid, field: "detour_factor", "the detour factor must be between 1 and 5")
        }
        for (field, seconds) in [("pickup_service_s", pickupServiceSeconds), ("drop_service_s", dropServiceSeconds)] {
            guard seconds.isFinite, (0...3600).contains(seconds) else {
                throw DomainError(.invalid, field: field, "\(field) must be between 0 and 3600 seconds")
            }
        }
        for (vehicle, speed) in speeds {
            guard speed.isFinite, speed > 0, speed <= 50 else {
                throw DomainError(.invalid, field: "speeds.\(vehicle.rawValue)", "a speed must be above 0 and at most 50 m/s")
            }
        }
    }
}
