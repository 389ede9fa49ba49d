import Benchmark
import Foundation
import Dispatch
import GeoCore
import GRDB
import Kernel
import Persistence
import SpatialIndex
import StoreImport
import Stores

/// The demo city in memory and a fixed set of seeded queries over it.
final class Fixture: @unchecked Sendable {
    static let shared = Fixture()

    let city: (stores: [Store], zones: [DeliveryZone], skus: [SKU], stock: [(StoreID, SKUCode, StockLevel)])
    let finder = StoreFinder()
    let points: [Coordinate]
    let commonSKUs: [SKUCode]
    let rareSKUs: [SKUCode]
    let openAt = Date(timeIntervalSince1970: 1_767_603_600 + 10 * 3600) // a Monday, 10:00 UTC
    var next = 0

    init() {
        let geoData = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GeoData")
        city = try! DemoCity.inMemory(geoData: geoData)
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        var rng = SplitMix64(seed: 7)
        // Query points spread over the extract's bounding box.
        points = (0..<4096).map { _ in
            Coordinate(latitude: 41.1237 + Double(rng.next() % 33_000) / 1_000_000,
                       longitude: -8.6216 + Double(rng.next() % 28_000) / 1_000_000)
        }
        var carriers: [SKUCode: Int] = [:]
        for (_, sku, level) in city.stock where level.onHand > 0 { carriers[sku, default: 0] += 1 }
        let ranked = carriers.sorted { $0.value > $1.value }.map(\.key)
        commonSKUs = Array(ranked.prefix(10))
        rareSKUs = Array(ranked.suffix(10))
    }

    /// The same city in a SpatiaLite database (imported through the real import), for the peer.
    lazy var spatialite: SpatiaLiteDatabase = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("o2o-bench-\(UUID().uuidString)")
        let database = try! SpatiaLiteDatabase(path: folder.appendingPathComponent("o2o.sqlite").path)
        let service = StoreService(repository: SpatiaLiteStoreRepository(database: database), finder: StoreFinder())
        let geoData = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GeoData")
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = try! await Importer(service: service).importDemoCity(geoData: geoData)
            done.signal()
        }
        done.wait()
        return database
    }()

    func point() -> Coordinate {
        next = (next + 1) & (points.count - 1)
        return points[next]
    }
}

let benchmarks: @Sendable () -> Void = {
    let fixture = Fixture.shared
    let perQuery = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 1000,
        maxDuration: .seconds(5),
        maxIterations: 200_000)

    Benchmark("Index build: demo city (\(fixture.city.stores.count) stores, \(fixture.city.zones.count) zones, \(fixture.city.stock.count) stock rows)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 200)) { benchmark in
        let finder = StoreFinder()
        benchmark.startMeasurement()
        finder.load(stores: fixture.city.stores, zones: fixture.city.zones, skus: fixture.city.skus, stock: fixture.city.stock)
        benchmark.stopMeasurement()
        blackHole(finder)
    }

    let scratch = FinderScratch()
    func run(_ benchmark: Benchmark, _ make: (Coordinate) -> NearbyQuery) {
        for _ in benchmark.scaledIterations {
            try! fixture.finder.search(make(fixture.point()), scratch: scratch)
            blackHole(scratch.hits.count)
        }
    }

    Benchmark("Nearby: 10 nearest, no filter", configuration: perQuery) { benchmark in
        run(benchmark) { NearbyQuery(point: $0, limit: 10) }
    }

    let index = PointIndex(fixture.city.stores.map(\.location))
    let nearestScratch = NearestScratch()
    var neighbors: [Neighbor] = []
    neighbors.reserveCapacity(100)
    // Peer: the same query in SpatiaLite SQL on the same city, in the same run (no hours: SQL
    // has none). The finder's answers equal these (PersistenceTests).
    let sqlBasket = [NearbyQuery.Item(sku: fixture.commonSKUs[0], quantity: 1), NearbyQuery.Item(sku: fixture.commonSKUs[1], quantity: 1)]
    Benchmark("Same query, finder: 10 nearest, 2-item basket, delivers, 3 km", configuration: perQuery) { benchmark in
        run(benchmark) { NearbyQuery(point: $0, limit: 10, radius: 3000, mustDeliver: true, items: sqlBasket) }
    }
    var sqlConfiguration = perQuery
    sqlConfiguration.maxIterations = 2000
    sqlConfiguration.warmupIterations = 20
    sqlConfiguration.timeUnits = .microseconds
    Benchmark("Same query, SpatiaLite SQL: 10 nearest, 2-item basket, delivers, 3 km", configuration: sqlConfiguration) { benchmark in
        let database = fixture.spatialite
        try database.writer.read { db in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let rows = try SpatiaLiteNearbySQL.run(
                    NearbyQuery(point: fixture.point(), limit: 10, radius: 3000, mustDeliver: true, items: sqlBasket), in: db)
                blackHole(rows.count)
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Point index alone: 10 nearest of \(fixture.city.stores.count)", configuration: perQuery) { benchmark in
        for _ in benchmark.scaledIterations {
            index.nearest(to: fixture.point(), limit: 10, scratch: nearestScratch, into: &neighbors) { _ in true }
            blackHole(neighbors.count)
        }
    }

    var batch = perQuery
    batch.scalingFactor = .kilo
    batch.maxIterations = 2000
    Benchmark("Nearby: 10 nearest, no filter, 1000 per sample", configuration: batch) { benchmark in
        run(benchmark) { NearbyQuery(point: $0, limit: 10) }
    }

    // The basket arrays are built once: a query itself allocates nothing.
    let common = fixture.commonSKUs.map { [NearbyQuery.Item(sku: $0, quantity: 2)] }
    let rare = fixture.rareSKUs.map { [NearbyQuery.Item(sku: $0, quantity: 1)] }
    let basket = [NearbyQuery.Item(sku: fixture.commonSKUs[0], quantity: 1), NearbyQuery.Item(sku: fixture.commonSKUs[1], quantity: 1)]
    var turn = 0

    Benchmark("Nearby with stock: 10 nearest having a common SKU ×2", configuration: perQuery) { benchmark in
        run(benchmark) { turn += 1; return NearbyQuery(point: $0, limit: 10, items: common[turn % common.count]) }
    }

    Benchmark("Nearby with stock: 10 nearest having a rare SKU", configuration: perQuery) { benchmark in
        run(benchmark) { turn += 1; return NearbyQuery(point: $0, limit: 10, items: rare[turn % rare.count]) }
    }

    Benchmark("Nearby with stock, delivers, open: 10 nearest, 2-item basket, 3 km", configuration: perQuery) { benchmark in
        run(benchmark) { NearbyQuery(point: $0, limit: 10, radius: 3000, mustDeliver: true, openAt: fixture.openAt, items: basket) }
    }
}
