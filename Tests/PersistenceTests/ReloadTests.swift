import Foundation
import GeoCore
import Kernel
import O2OTestSupport
@testable import Persistence
@testable import Stores
import Testing
import TestRandom

/// The finder loaded at start streams its stock from the database: it must equal the finder
/// that wrote the database, row for row and answer for answer.
@Suite("Reloading the finder from the database")
struct ReloadTests {
    @Test("a reload streams back every stock row (on hand and reserved) and gives the same answers")
    func reloadEqualsWriter() async throws {
        let (db, _) = try DemoFixture.emptyDatabase()
        let clock = TestClock()
        let writer = DemoFixture.service(db, clock: clock)
        try await writer.reload()
        var rng = SeededRandom(seed: 44)
        // SKUs stored in an order other than their codes' order, so storage ids and the
        // finder's indexes differ.
        let codes = (0..<40).map { SKUCode(String(format: "SKU-%02d", ($0 * 17) % 40)) }
        for chunk in stride(from: 0, to: codes.count, by: 7) {
            try await writer.upsert(skus: codes[chunk..<min(chunk + 7, codes.count)].map { SKU(code: $0, name: $0.rawValue) })
        }
        var stores: [StoreID] = []
        for i in 0..<30 {
            let location = Coordinate(latitude: 41.10 + Double.random(in: 0...0.1, using: &rng), longitude: -8.65 + Double.random(in: 0...0.1, using: &rng))
            let (store, _) = try await writer.create(
                StoreDraft(externalRef: "pos:\(i)", name: "Store \(i)", kind: "convenience", timeZone: "Europe/Lisbon", location: location),
                zones: [ZoneDraft(area: MultiPolygon([.circle(center: location, radius: 2_500, segments: 12)]), feeMinor: 199)])
            let lines = codes.shuffled(using: &rng).prefix(Int.random(in: 0...25, using: &rng)).map { ($0, Int.random(in: 0...50, using: &rng)) }
            if !lines.isEmpty { _ = try await writer.writeStock(of: store.id, lines.map { (sku: $0.0, quantity: $0.1) }, mode: .set) }
            stores.append(store.id)
        }
        // Holds (reserved counts) and a deleted store (its stock rows go with it).
        var held = 0
        for store in stores.prefix(12) {
            guard let line = try await writer.repository.allStock().first(where: { $0.0 == store && $0.2.available > 1 }) else { continue }
            _ = try await writer.reserve(store: store, items: [.init(sku: line.1, quantity: 2)], ttl: 600)
            held += 1
        }
        #expect(held > 3)
        try await writer.delete(stores[5])

        let reader = DemoFixture.service(db, clock: clock)
        try await reader.reload()
        let rows = try await reader.repository.allStock()
        #expect(rows.contains { $0.2.reserved > 0 })
        for service in [writer, reader] {
            let (count, differences) = service.finder.stockDifferences(from: rows)
            #expect(count == rows.count)
            #expect(differences.isEmpty, "\(differences)")
        }
        #expect(reader.finder.storeCount == writer.finder.storeCount && reader.finder.skuCount == writer.finder.skuCount)
        for _ in 0..<200 {
            let point = Coordinate(latitude: 41.08 + Double.random(in: 0...0.14, using: &rng), longitude: -8.67 + Double.random(in: 0...0.14, using: &rng))
            let items = codes.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)).map { NearbyQuery.Item(sku: $0, quantity: 1) }
            let query = NearbyQuery(point: point, limit: 10, radius: nil, mustDeliver: Bool.random(using: &rng), openAt: nil, items: items)
            #expect(try reader.finder.nearby(query, now: clock.now) == writer.finder.nearby(query, now: clock.now))
        }
    }
}
