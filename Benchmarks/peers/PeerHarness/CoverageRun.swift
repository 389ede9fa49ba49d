import Coverage
import Foundation
import NationalData

/// Coverage of 1,000,000 demand points by 2,000 zones (the coverage benchmark's seeded city):
/// the stores serving each point, on one thread (as shapely runs) and on every core, median of
/// 3 each; the points in at least one and in at least two zones, which shapely must match. Writes the city (zones.wkt, points.csv)
/// and coverage-o2o.json to DIR.
func coverage(_ folder: URL, points: Int) throws {
    let (stores, demand) = SyntheticCoverageCity.make(zones: 2_000, points: points, seed: 5)
    try SyntheticCoverageCity.export(stores, demand, to: folder)
    let analysis = CoverageAnalysis(stores: stores, minutes: [10], vehicles: [.ebike])
    let clock = ContinuousClock()
    func median(threads: Int) -> Double {
        var times: [Double] = []
        for _ in 0..<3 {
            let t0 = clock.now
            let table = analysis.serving(demand, threads: threads)
            let t = clock.now - t0
            times.append(Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18)
            precondition(table.offsets.count == demand.points.count + 1)
        }
        return times.sorted()[1]
    }
    let one = median(threads: 1), all = median(threads: ProcessInfo.processInfo.activeProcessorCount)
    let metrics = analysis.run(demand)
    let result: [String: Any] = ["system": "o2o", "points": demand.points.count, "zones": stores.count, "seconds": one,
                                 "seconds_all_cores": all, "cores": ProcessInfo.processInfo.activeProcessorCount,
                                 "covered": metrics.coveredPoints, "covered_twice": metrics.coveredTwicePoints]
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("coverage-o2o.json"))
    log(String(format: "o2o coverage: %d points × %d zones in %.2f s on one thread, %.2f s on every core; in ≥ 1 zone %d, in ≥ 2 zones %d",
               demand.points.count, stores.count, one, all, metrics.coveredPoints, metrics.coveredTwicePoints))
}
