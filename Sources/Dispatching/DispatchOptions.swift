import GeoCore
import Kernel

/// How rounds choose riders.
public enum DispatchStrategy: String, CaseIterable, Hashable, Sendable, Codable {
    /// Each ready delivery, oldest first, goes to the nearest idle rider: the baseline.
    case nearest
    /// Optimal assignment of ready deliveries to idle riders, one each.
    case batch
    /// Optimal assignment to idle riders and to busy riders' routes (cheapest insertion),
    /// repeated while riders have room.
    case bundle
}

/// The knobs of a dispatch round. Costs are in seconds.
public struct DispatchOptions: Hashable, Sendable {
    public var strategy: DispatchStrategy
    /// Riders farther than this from the store are not considered.
    public var radius: Meters
    /// The nearest riders considered per delivery.
    public var candidatesPerDelivery: Int
    /// Cost per second a delivery will be late.
    public var latenessWeight: Double
    /// Cost per second another delivery on the rider's route is pushed back.
    public var delayWeight: Double
    /// Deliveries ready later than this many seconds from now wait for a later round.
    public var readyHorizon: Double
    /// How long a rider has to accept an offer before the delivery returns to the pool.
    public var offerTimeout: Double
    /// Assignment passes per round; each may give a rider one more delivery (bundle only).
    public var maximumPasses: Int
    /// Whether a delivery whose promise can no longer be kept is still assigned (late, at the
    /// least lateness). By default it is left for a dispatcher, reported with its reason.
    public var assignLate = false
    /// How much later a delivery left for another round is expected to be served, seconds.
    public var deferralSeconds: Double = 300
    /// Cost per second a rider waits at a store for goods not yet ready.
    public var waitWeight: Double = 1

    public init(strategy: DispatchStrategy = .bundle, radius: Meters = 5_000, candidatesPerDelivery: Int = 20,
                latenessWeight: Double = 10, delayWeight: Double = 1, readyHorizon: Double = 1_200,
                offerTimeout: Double = 60, maximumPasses: Int = 4) {
        self.strategy = strategy; self.radius = radius; self.candidatesPerDelivery = candidatesPerDelivery
        self.latenessWeight = latenessWeight; self.delayWeight = delayWeight; self.readyHorizon = readyHorizon
        self.offerTimeout = offerTimeout; self.maximumPasses = maximumPasses
    }

    public func validate() throws(DomainError) {
        guard radius.isFinite, radius > 0, radius <= 100_000 else {
            throw DomainError(.invalid, field: "radius_m", "radius_m must be above 0 and at most 100000")
        }
        guard (1...500).contains(candidatesPerDelivery) else {
            throw DomainError(.invalid, field: "candidates", "candidates must be between 1 and 500")
        }
        guard latenessWeight.isFinite, latenessWeight >= 0, latenessWeight <= 1000 else {
            throw DomainError(.invalid, field: "lateness_weight", "lateness_weight must be between 0 and 1000")
        }
        guard readyHorizon.isFinite, readyHorizon >= 0, readyHorizon <= 86_400 else {
            throw DomainError(.invalid, field: "ready_horizon_s", "ready_horizon_s must be between 0 and 86400")
        }
    }
}
