import Foundation
import GRDB
import Kernel
import Testing
import GeoCore
import O2OTestSupport
@testable import Persistence
import Stores

@Suite("SpatiaLite repository, in memory and on disk")
struct RepositoryTests {
    static let lisbon = "Europe/Lisbon"

    func draft(_ ref: String, lat: Double = 41.15, lon: Double = -8.61) -> StoreDraft {
        StoreDraft(externalRef: ref, name: "Store \(ref)", kind: "convenience", timeZone: Self.lisbon,
                   location: Coordinate(latitude: lat, longitude: lon))
    }

    @Test("stores, zones and stock round-trip exactly; refusals roll back", arguments: [true, false])
    func roundTrip(onDisk: Bool) async throws {
        let (db, _) = try DemoFixture.emptyDatabase(onDisk: onDisk)
        let service = DemoFixture.service(db)
        try await service.upsert(skus: [SKU(code: "A", name: "a"), SKU(code: "B", name: "b")])
        let ring = Polygon.circle(center: Coordinate(latitude: 41.15, longitude: -8.61), radius: 777.7, segments: 33)
        let (store, zones) = try await service.create(draft("x"), zones: [ZoneDraft(area: MultiPolygon([ring]), feeMinor: 250)])
        // Geometry comes back bit for bit: WKB both ways.
        let stored = try await service.repository.allZones()
        #expect(stored == zones)
        #expect(try await service.repository.store(store.id) == store)
        #expect(try await db.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == (onDisk ? "wal" : "memory"))

        _ = try await service.writeStock(of: store.id, [("A", 5), ("B", 1)], mode: .set)
        await #expect(throws: DomainError.self) {
            _ = try await service.writeStock(of: store.id, [("A", 9), ("B", -2)], mode: .adjust)
        }
        let page = try await service.repository.stock(of: store.id, after: nil, limit: 10)
        #expect(page.lines.map(\.level.onHand) == [5, 1], "the refused write left A as it was")
        #expect(service.finder.available("A", at: store.id) == 5)

        await #expect(throws: DomainError.self) { _ = try await service.create(draft("x")) }
        #expect(try await service.repository.allStores().count == 1)
        try await service.delete(store.id)
        #expect(try await service.repository.allZones().isEmpty)
        #expect(try await service.repository.allStock().isEmpty)
        try db.close()
    }

    @Test("concurrent stock writes reach the finder in commit order")
    func concurrentWrites() async throws {
        let (db, _) = try DemoFixture.emptyDatabase()
        let service = DemoFixture.service(db)
        try await service.upsert(skus: [SKU(code: "A", name: "a")])
        let (store, _) = try await service.create(draft("x"))
        _ = try await service.writeStock(of: store.id, [("A", 100)], mode: .set)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask { _ = try await service.writeStock(of: store.id, [("A", i % 2 == 0 ? 3 : -1)], mode: .adjust) }
            }
            try await group.waitForAll()
        }
        let inDatabase = try await service.repository.stock(of: store.id, after: nil, limit: 1).lines[0].level
        #expect(inDatabase.onHand == 100 + 20 * 3 - 20)
        #expect(inDatabase.version == 41)
        #expect(service.finder.available("A", at: store.id) == inDatabase.onHand)
    }
}
