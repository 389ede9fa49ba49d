import Benchmark
import Dispatch
import Foundation
import GeoCore
import Kernel
import Persistence
import StoreImport
import Stores

/// Basket availability on the demo city, and durable stock writes to a SpatiaLite file.
final class StockFixture: @unchecked Sendable {
    static let shared = StockFixture()

    let service: StoreService
    let skus: [SKUCode]
    let stores: [StoreID]
    var points: [Coordinate] = []
    var next = 0

    init() {
        let geoData = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GeoData")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("o2o-stock-bench-\(UUID().uuidString)")
        let database = try! SpatiaLiteDatabase(path: folder.appendingPathComponent("o2o.sqlite").path)
        let service = StoreService(repository: SpatiaLiteStoreRepository(database: database), finder: StoreFinder())
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = try! await Importer(service: service).importDemoCity(geoData: geoData)
            done.signal()
        }
        done.wait()
        self.service = service
        skus = DemoCatalog.skus.map(\.code)
        stores = service.finder.stores(after: nil, limit: 1_000).map(\.id)
        let (first, sku) = (stores[0], skus[0])
        let stocked = DispatchSemaphore(value: 0)
        Task {
            _ = try! await service.writeStock(of: first, [(sku, 1_000_000)], mode: .set)
            stocked.signal()
        }
        stocked.wait()
        var rng = SplitMix64(seed: 11)
        points = (0..<4096).map { _ in
            Coordinate(latitude: 41.1237 + Double(rng.next() % 33_000) / 1_000_000,
                       longitude: -8.6216 + Double(rng.next() % 28_000) / 1_000_000)
        }
        print("stock index: \(String(format: "%.1f", service.finder.stockBytesPerRow)) bytes per stock row (demo city)")
    }

    func point() -> Coordinate {
        next = (next + 1) & (points.count - 1)
        return points[next]
    }

    /// `count` baskets of `size` distinct SKUs, quantities 1 to 3, from a fixed seed.
    func baskets(size: Int, count: Int = 256) -> [[Reservation.Item]] {
        var rng = SplitMix64(seed: UInt64(size))
        return (0..<count).map { _ in
            var chosen: [SKUCode] = []
            while chosen.count < size {
                let sku = skus[Int(rng.next() % UInt64(skus.count))]
                if !chosen.contains(sku) { chosen.append(sku) }
            }
            return chosen.map { Reservation.Item(sku: $0, quantity: Int(rng.next() % 3) + 1) }
        }
    }
}

func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> T {
    let result = LockedResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task { result.value = try! await body(); done.signal() }
    done.wait()
    return result.value!
}

final class LockedResult<T>: @unchecked Sendable { var value: T? }

let benchmarks: @Sendable () -> Void = {
    let fixture = StockFixture.shared
    let perQuery = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 200,
        maxDuration: .seconds(5),
        maxIterations: 50_000)

    for size in [1, 5, 20] {
        let baskets = fixture.baskets(size: size)
        var turn = 0
        for fulfilment in BasketQuery.Fulfilment.allCases {
            Benchmark("Basket availability, \(fulfilment.rawValue): \(size) item\(size == 1 ? "" : "s")", configuration: perQuery) { benchmark in
                let now = Date()
                for _ in benchmark.scaledIterations {
                    turn += 1
                    let query = BasketQuery(point: fixture.point(), items: baskets[turn % baskets.count], fulfilment: fulfilment,
                                            limit: 10, radius: 2_000, maxStores: 3)
                    blackHole(try! fixture.service.finder.basket(query, now: now))
                }
            }
        }
    }

    let durable = Benchmark.Configuration(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(5),
        maxIterations: 2_000)
    let service = fixture.service
    let store = fixture.stores[0]
    Benchmark("Stock write, durable: 1 row per transaction (PATCH)", configuration: durable) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(blocking { try await service.writeStock(of: store, [(fixture.skus[0], 1)], mode: .adjust) })
        }
    }
    var sequence: Int64 = 0
    let rowsPerBatch = 12 * fixture.skus.count
    Benchmark("Stock write, durable: till batches of \(rowsPerBatch) rows (12 stores × \(fixture.skus.count) SKUs) per transaction",
              configuration: durable) { benchmark in
        for _ in benchmark.scaledIterations {
            sequence += 1
            let seq = sequence
            let batches = fixture.stores.prefix(12).map { id in
                StockBatch(storeID: id, kind: .delta, sequence: seq, lines: fixture.skus.enumerated().map {
                    StockBatch.Line(sku: $1, quantity: 1, field: "items[\($0)]")
                })
            }
            blackHole(blocking { try await service.apply(batches) })
        }
    }
    Benchmark("Reservation: hold then release, durable (2 transactions)", configuration: durable) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(blocking {
                let r = try await service.reserve(store: store, items: [.init(sku: fixture.skus[0], quantity: 1)], ttl: 60)
                return try await service.release(r.id)
            })
        }
    }
}
