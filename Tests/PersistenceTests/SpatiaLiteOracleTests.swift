import Foundation
import GRDB
import Testing
import GeoCore
import O2OTestSupport
@testable import Persistence
import StoreImport
import Stores

/// The store finder against SpatiaLite SQL on the same demo database: R*Tree prefilter,
/// ST_Contains on the zones, the stock join, ORDER BY haversine distance.
@Suite("Store finder equals SpatiaLite SQL on the demo city")
struct SpatiaLiteOracleTests {
    @Test("300 seeded queries give the same stores, distances and zones")
    func finderEqualsSQL() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        var rng = SplitMix64(seed: 42)
        let skus = DemoCatalog.skus.map(\.code)
        var nonEmpty = 0, checkedRows = 0
        for n in 0..<300 {
            let point = Coordinate(latitude: 41.118 + Double(rng.next() % 45_000) / 1_000_000,
                                   longitude: -8.628 + Double(rng.next() % 40_000) / 1_000_000)
            var items: [NearbyQuery.Item] = []
            for _ in 0..<Int(rng.next() % 3) {
                items.append(.init(sku: skus[Int(rng.next() % UInt64(skus.count))], quantity: 1 + Int(rng.next() % 30)))
            }
            // Queries with and without the strategy that scans a rare SKU's stores.
            service.finder.postingScan = [.never, .always, .automatic][n % 3]
            let q = NearbyQuery(point: point, limit: 1 + Int(rng.next() % 20),
                                radius: rng.next() % 2 == 0 ? nil : Double(200 + rng.next() % 3000),
                                mustDeliver: rng.next() % 2 == 0, items: items)
            let got = try service.finder.nearby(q, now: Date())
            let expected = try await db.writer.read { db in try SpatiaLiteNearbySQL.run(q, in: db) }
            #expect(got.map(\.store.id) == expected.map(\.storeID), "\(q)")
            for (g, e) in zip(got, expected) {
                #expect(abs(g.distance - e.distance) < 1e-6, "\(q)")
                #expect(g.zone?.id == e.zoneID, "\(q)")
                checkedRows += 1
            }
            if !got.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 150)
        #expect(checkedRows > 1000)
    }
}
