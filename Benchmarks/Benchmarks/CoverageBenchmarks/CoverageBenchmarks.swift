import Benchmark
import Coverage
import Foundation
import GeoCore
import NationalData

let benchmarks: @Sendable () -> Void = {
    let points = Int(ProcessInfo.processInfo.environment["O2O_COVERAGE_POINTS"] ?? "") ?? 1_000_000
    let (stores, demand) = SyntheticCoverageCity.make(zones: 2_000, points: points, seed: 5)
    if let folder = ProcessInfo.processInfo.environment["O2O_COVERAGE_EXPORT"] {
        try! SyntheticCoverageCity.export(stores, demand, to: URL(fileURLWithPath: folder))
    }
    let analysis = CoverageAnalysis(stores: stores, minutes: [10], vehicles: [.ebike])
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
                                                timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 5)
    Benchmark("Coverage: \(points) demand points × 2,000 zones, the stores serving each point", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(analysis.serving(demand))
        }
    }
    Benchmark("Coverage: \(points) demand points × 2,000 zones, every metric (reach by store and zone, overlaps, minutes)",
              configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let metrics = analysis.run(demand)
            // The answers the shapely comparison checks.
            FileHandle.standardError.write(Data("o2o: points in ≥ 1 zone \(metrics.coveredPoints), in ≥ 2 zones \(metrics.coveredTwicePoints)\n".utf8))
            blackHole(metrics)
        }
    }
}
