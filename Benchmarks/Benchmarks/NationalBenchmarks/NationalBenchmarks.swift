import Benchmark
import Foundation
import GeoCore
import NationalData
import Stores

/// The national-scale data set in memory: 50,000 stores and 100 million stock rows by default;
/// `O2O_NATIONAL_STORES` and `O2O_NATIONAL_SKUS_PER_STORE` shrink it for quick runs.
final class NationalFixture: @unchecked Sendable {
    static let shared = NationalFixture()

    let data: NationalDataset
    let finder = StoreFinder()
    let queries: [NearbyQuery]
    let loadSeconds: Double
    var next = 0

    init() {
        let environment = ProcessInfo.processInfo.environment
        let stores = environment["O2O_NATIONAL_STORES"].flatMap(Int.init) ?? 50_000
        let perStore = environment["O2O_NATIONAL_SKUS_PER_STORE"].flatMap(Int.init) ?? 2_000
        let cities = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GeoData/geonames/cities-top300.csv")
        let data = try! NationalDataset(citiesCSV: cities, configuration: .init(storeCount: stores, skusPerStore: perStore))
        self.data = data
        let start = Date()
        finder.load(stores: data.stores, zones: data.zones, skus: data.skus) { emit in data.stockRows(emit) }
        loadSeconds = Date().timeIntervalSince(start)
        queries = data.queries(count: 8192)
    }

    func query() -> NearbyQuery {
        next = (next + 1) & (queries.count - 1)
        return queries[next]
    }
}

let benchmarks: @Sendable () -> Void = {
    let fixture = NationalFixture.shared
    let rows = fixture.data.stores.count * fixture.data.configuration.skusPerStore
    let scale = "\(fixture.data.stores.count) stores, \(rows) stock rows"

    Benchmark("National: finder load (\(scale))",
              configuration: .init(metrics: [.custom("seconds", polarity: .prefersSmaller, useScalingFactor: false),
                                             .custom("bytes per stock row", polarity: .prefersSmaller, useScalingFactor: false)],
                                   maxIterations: 1)) { benchmark in
        // Loaded once in the fixture (generation included); reported here.
        benchmark.measurement(.custom("seconds", polarity: .prefersSmaller, useScalingFactor: false), Int(fixture.loadSeconds.rounded()))
        benchmark.measurement(.custom("bytes per stock row", polarity: .prefersSmaller, useScalingFactor: false),
                              Int(fixture.finder.stockBytesPerRow.rounded()))
    }

    let scratch = FinderScratch()
    Benchmark("National: nearby with stock, k = 10, delivers here, stock ≥ 1 (\(scale))",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .nanoseconds,
                                   warmupIterations: 1000, maxDuration: .seconds(10), maxIterations: 200_000)) { benchmark in
        for _ in benchmark.scaledIterations {
            try! fixture.finder.search(fixture.query(), scratch: scratch)
            blackHole(scratch.hits.count)
        }
    }
}
