import Dispatching

/// What a set of stores and zones does for a city's demand.
public struct CoverageMetrics: Sendable {
    public struct StoreMetrics: Hashable, Sendable {
        public var id: Int64
        public var name: String
        /// Demand inside the store's service area (its delivery zones less its exclusions).
        public var reachable: Double
        /// Demand for which this is the nearest store that delivers (what it would serve).
        public var served: Double
        /// Demand no other store reaches.
        public var exclusive: Double
        /// Demand by delivery zone (inside the zone and in none of the store's exclusions).
        public var zones: [Int64: Double]
    }

    public struct Overlap: Hashable, Sendable {
        public var storeA: Int64
        public var storeB: Int64
        /// Demand both reach.
        public var shared: Double
    }

    public struct Reach: Hashable, Sendable {
        public var vehicle: VehicleType
        public var minutes: Double
        /// Demand within `minutes` of the nearest store by `vehicle` (travel only).
        public var weight: Double
        public var share: Double
    }

    public var points: Int
    public var totalWeight: Double
    /// Demand reached by at least one store, and by at least two.
    public var covered: Double
    public var coveredTwice: Double
    public var coveredPoints: Int
    public var coveredTwicePoints: Int
    public var stores: [StoreMetrics]
    /// Pairs of stores that reach the same demand, most shared first.
    public var overlaps: [Overlap]
    public var reach: [Reach]
    /// The indexes of demand points no store reaches.
    public var uncovered: [Int]
    /// The mean over covered demand of the cheapest delivery fee on offer there, minor units.
    public var meanCheapestFeeMinor: Double
    /// How many stores reach each demand point (capped at 255), for maps.
    public var servingCount: [UInt8]

    public var coveredShare: Double { totalWeight > 0 ? covered / totalWeight : 0 }
    public var coveredTwiceShare: Double { totalWeight > 0 ? coveredTwice / totalWeight : 0 }
}
