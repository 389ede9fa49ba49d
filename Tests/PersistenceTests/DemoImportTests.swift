import Foundation
import GRDB
import Testing
import GeoCore
import O2OTestSupport
@testable import Persistence
import StoreImport
import Stores

@Suite("Demo city import")
struct DemoImportTests {
    @Test("the Porto import creates every grocery shop with zones and stock, and a second import changes nothing")
    func importIsIdempotent() async throws {
        let (db, service, first) = try await DemoFixture.demoDatabase()
        #expect(first.rowsRead == 1203)
        #expect(first.outcome.storesCreated == 222)
        #expect(first.rowsSkipped + first.rejected.count + first.outcome.storesCreated == first.rowsRead)
        #expect(first.outcome.skusWritten == DemoCatalog.skus.count)
        #expect(first.outcome.stockRowsWritten > 5000)
        #expect(first.hoursMissing + first.hoursUnknown < 222)

        let counts = try await db.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM stores")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM delivery_zones")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM stock")!)
        }
        #expect(counts.0 == 222)
        #expect(counts.1 == first.outcome.zonesWritten)
        #expect(counts.2 == first.outcome.stockRowsWritten)
        #expect(service.finder.storeCount == 222)

        let second = try await Importer(service: service).importDemoCity(geoData: DemoFixture.geoData)
        #expect(second.outcome.storesCreated == 0)
        #expect(second.outcome.storesUpdated == 0)
        #expect(second.outcome.storesUnchanged == 222)
        #expect(second.outcome.zonesWritten == 0)
        #expect(second.outcome.stockRowsWritten == 0)
        let again = try await db.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM stores")! }
        #expect(again == 222)
    }

    @Test("stores near the Douro get the far bank as an exclusion area")
    func riverExclusion() async throws {
        let (_, service, _) = try await DemoFixture.demoDatabase()
        // Ribeira, on the north bank, and the Gaia waterfront across the river.
        let gaia = Coordinate(latitude: 41.1372, longitude: -8.6120)
        let nearRiver = try service.finder.nearby(NearbyQuery(point: Coordinate(latitude: 41.1412, longitude: -8.6130), limit: 5), now: Date())
        #expect(!nearRiver.isEmpty)
        for row in nearRiver where row.store.location.latitude > 41.1420 {
            let zones = service.finder.zones(of: row.store.id)!
            #expect(zones.contains { $0.kind == .exclusion && $0.area.contains(gaia) })
        }
        let delivering = try service.finder.nearby(NearbyQuery(point: gaia, limit: 100, mustDeliver: true), now: Date())
        #expect(delivering.allSatisfy { $0.store.location.latitude < 41.1400 }, "only south-bank stores deliver in Gaia")
    }
}
