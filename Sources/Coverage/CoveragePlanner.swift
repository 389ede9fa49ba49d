import Dispatching
import Foundation
import GeoCore
import Kernel
import Projection

/// One set of stores measured: the metrics on demand, the areas and the gaps.
public struct CoverageResult: Sendable {
    public var name: String
    public var stores: [CoverageStore]
    public var metrics: CoverageMetrics
    public var areas: AreaMetrics
    public var gaps: [GapArea]
}

/// The baseline and every scenario, with the table of deltas.
public struct CoverageReport: Sendable {
    public var city: String
    public var demand: Demand
    public var minutes: [Double]
    public var vehicles: [VehicleType]
    public var cellMeters: Double
    public var baseline: CoverageResult
    public var scenarios: [CoverageResult]

    /// One line of the comparison: a headline figure for the baseline and for each scenario.
    public struct Headline: Sendable {
        public var key: String
        public var label: String
        public var unit: String
        public var value: @Sendable (CoverageResult) -> Double
    }

    public var headlines: [Headline] {
        var list: [Headline] = [
            Headline(key: "stores", label: "stores", unit: "") { Double($0.stores.count) },
            Headline(key: "covered_share", label: "demand covered by ≥ 1 store", unit: "%") { $0.metrics.coveredShare * 100 },
            Headline(key: "covered_twice_share", label: "demand covered by ≥ 2 stores", unit: "%") { $0.metrics.coveredTwiceShare * 100 },
            Headline(key: "uncovered_weight", label: "demand left out", unit: "") { $0.metrics.totalWeight - $0.metrics.covered },
            Headline(key: "covered_km2", label: "area covered", unit: "km²") { $0.areas.coveredKm2 },
            Headline(key: "gaps", label: "gap areas", unit: "") { Double($0.gaps.count) },
            Headline(key: "mean_cheapest_fee_minor", label: "cheapest fee on offer, mean", unit: "cents") { $0.metrics.meanCheapestFeeMinor },
        ]
        for vehicle in vehicles {
            for m in minutes {
                list.append(Headline(key: "within_\(Int(m))_min_\(vehicle.rawValue)", label: "within \(Int(m)) min by \(vehicle.rawValue)", unit: "%") { r in
                    (r.metrics.reach.first { $0.vehicle == vehicle && $0.minutes == m }?.share ?? 0) * 100
                })
            }
        }
        return list
    }
}

/// Measures a city's stores and zones, and each what-if, on the same demand.
public struct CoveragePlanner: Sendable {
    public var engine: any GeometryEngine
    public var eta: any ETAModel
    public var minutes: [Double]
    public var vehicles: [VehicleType]
    public var cellMeters: Double

    public init(engine: any GeometryEngine, eta: any ETAModel = HaversineETAModel(), minutes: [Double] = [10, 15, 20],
                vehicles: [VehicleType] = [.walk, .bicycle, .ebike, .scooter, .car], cellMeters: Double = 250) {
        self.engine = engine; self.eta = eta; self.minutes = minutes; self.vehicles = vehicles; self.cellMeters = cellMeters
    }

    public func validate() throws(DomainError) {
        guard !minutes.isEmpty, minutes.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 240 }) else {
            throw DomainError(.unprocessable, field: "minutes", "minutes must be between 0 and 240 (exclusive of 0)")
        }
        guard cellMeters.isFinite, (10...10_000).contains(cellMeters) else {
            throw DomainError(.unprocessable, field: "cell_m", "the gap cell side must be between 10 and 10000 m")
        }
    }

    public func report(city: String, baseline: [CoverageStore], demand: Demand, scenarios: [Scenario] = [],
                       progress: (@Sendable (String) throws -> Void)? = nil) throws -> CoverageReport {
        try validate()
        guard !demand.points.isEmpty else { throw DomainError(.unprocessable, field: "demand", "no demand points") }
        // One projection for every scenario, so that areas compare: the demand's extent.
        let box = BoundingBox(enclosing: demand.points.map(\.coordinate) + baseline.map(\.location))!
        let projection = try CoverageAreas.projection(for: box)
        // Every scenario is checked before anything is measured: no partial report.
        var sets: [(String, [CoverageStore])] = [("baseline", baseline)]
        for s in scenarios { sets.append((s.name, try s.apply(to: baseline))) }
        for (name, stores) in sets {
            for store in stores {
                for zone in store.zones {
                    if let reason = try engine.invalidReason(zone.area) {
                        throw DomainError(.unprocessable, field: "\(name): store \(store.id) zone \(zone.id)", "invalid geometry: \(reason)")
                    }
                }
            }
        }
        var results: [CoverageResult] = []
        for (name, stores) in sets {
            try progress?("\(name): \(stores.count) stores against \(demand.points.count) demand points")
            let metrics = CoverageAnalysis(stores: stores, eta: eta, minutes: minutes, vehicles: vehicles).run(demand)
            try progress?("\(name): areas in \(projection.target)")
            let areas = try CoverageAreas.measure(stores, projection: projection, engine: engine)
            try progress?("\(name): \(metrics.uncovered.count) uncovered points into gap cells of \(Int(cellMeters)) m")
            let gaps = try CoverageAreas.gaps(demand, uncovered: metrics.uncovered, cellMeters: cellMeters,
                                              projection: projection, engine: engine)
            results.append(CoverageResult(name: name, stores: stores, metrics: metrics, areas: areas, gaps: gaps))
        }
        return CoverageReport(city: city, demand: demand, minutes: minutes, vehicles: vehicles, cellMeters: cellMeters,
                              baseline: results[0], scenarios: Array(results.dropFirst()))
    }
}
