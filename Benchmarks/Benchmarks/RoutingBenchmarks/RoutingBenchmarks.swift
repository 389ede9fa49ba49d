import Benchmark
import Foundation
import Routing

/// The route optimizer on the 56 Li & Lim 100-customer instances at a 1 s budget each
/// (O2O_ROUTING_SECONDS to change it): quality beside time, against the best known solutions.
/// One sample is the whole set; the table of every instance goes to standard error.
let benchmarks: @Sendable () -> Void = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("GeoData/vrp/lilim100")
    let seconds = ProcessInfo.processInfo.environment["O2O_ROUTING_SECONDS"].flatMap(Double.init) ?? 1
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock,
                  .custom("instances at best known vehicles", polarity: .prefersLarger, useScalingFactor: false),
                  .custom("extra vehicles, total", useScalingFactor: false),
                  .custom("distance gap, mean (0.01 %)", useScalingFactor: false),
                  .custom("infeasible plans", useScalingFactor: false)],
        timeUnits: .seconds, warmupIterations: 0, maxDuration: .seconds(3_600), maxIterations: 1)
    Benchmark("Li & Lim 100, \(seconds) s per instance, seed 1", configuration: configuration) { benchmark in
        let known = BestKnown.read(folder.appendingPathComponent("bks.csv")) ?? []
        var atBest = 0, extra = 0, gapSum = 0.0, infeasible = 0
        var table = "instance  bks veh  veh   bks distance   distance   gap %\n"
        for bks in known.sorted(by: { $0.name < $1.name }) {
            let name = bks.name
            let instance = try PDPTWInstance.load(path: folder.appendingPathComponent("\(name).txt").path)
            let result = PDPTWSolver().solve(instance, timeLimit: seconds, seed: 1)
            if !PlanChecker.check(result.plan, instance: instance).isEmpty { infeasible += 1 }
            if result.vehicles <= bks.vehicles { atBest += 1 }
            extra += max(0, result.vehicles - bks.vehicles)
            let gap = bks.distanceGapPercent(result.distance)
            gapSum += gap
            table += String(format: "%-8@ %7d %4d %14.2f %10.2f %7.2f\n", name as NSString, bks.vehicles, result.vehicles,
                            bks.distance, result.distance, gap)
        }
        let meanGap = gapSum / Double(known.count)
        table += String(format: "mean distance gap %.2f %%, %d of %d at best known vehicles, %d extra vehicles, %d infeasible\n",
                        meanGap, atBest, known.count, extra, infeasible)
        FileHandle.standardError.write(Data(table.utf8))
        benchmark.measurement(.custom("instances at best known vehicles", polarity: .prefersLarger, useScalingFactor: false), atBest)
        benchmark.measurement(.custom("extra vehicles, total", useScalingFactor: false), extra)
        benchmark.measurement(.custom("distance gap, mean (0.01 %)", useScalingFactor: false), Int((meanGap * 100).rounded()))
        benchmark.measurement(.custom("infeasible plans", useScalingFactor: false), infeasible)
    }
}
