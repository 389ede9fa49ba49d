import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `StoreRepository` must do, whatever stores it: stores and their zones read back
/// as written, refusals that leave nothing behind, SKUs, stock writes that never go below what
/// is held, pages of stock, and the stream the finder loads from. Each test runs on every
/// backend in `backends` (SpatiaLite in memory and on disk today).
@Suite("StoreRepository contract")
struct StoreRepositoryContractTests {
    struct World: Sendable {
        var stores: any StoreStorage
        var deliveries: any DispatchStorage
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all { db in
        World(stores: SpatiaLiteStoreRepository(database: db), deliveries: SpatiaLiteDispatchRepository(database: db))
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)
    static let porto = Coordinate(latitude: 41.15, longitude: -8.61)

    static func draft(_ ref: String, at location: Coordinate = porto) -> StoreDraft {
        StoreDraft(externalRef: ref, name: "Store \(ref)", brand: "Acme", kind: "convenience", address: "Rua 1", phone: "+351 200 000 000",
                   openingHours: "Mo-Sa 08:00-20:00", timeZone: "Europe/Lisbon", location: location)
    }

    static func zone(radius: Double, fee: Int = 250, kind: DeliveryZone.Kind = .delivery, field: String = "zones[0]") -> ZoneDraft {
        ZoneDraft(kind: kind, name: "r\(Int(radius))", area: MultiPolygon([.circle(center: porto, radius: radius, segments: 24)]), feeMinor: fee,
                  minimumOrderMinor: 1_000, promisedMinutes: 30, field: field)
    }

    /// A ring that crosses itself: no area a store could deliver to.
    static func bowTie(field: String) throws -> ZoneDraft {
        let c = porto
        let ring = try LinearRing([c, Coordinate(latitude: c.latitude + 0.01, longitude: c.longitude + 0.01),
                                   Coordinate(latitude: c.latitude, longitude: c.longitude + 0.01),
                                   Coordinate(latitude: c.latitude + 0.01, longitude: c.longitude), c])
        return ZoneDraft(area: MultiPolygon([Polygon(exterior: ring)]), field: field)
    }

    @Test("a store and its zones read back as written; a second store with the reference, or a zone that is no area, is refused with nothing left behind",
          arguments: StoreRepositoryContractTests.backends)
    func createAndRead(_ backend: Backend) async throws {
        let w = try await backend.make()
        let (store, zones) = try await w.stores.create(Self.draft("a"), zones: [Self.zone(radius: 1_500), Self.zone(radius: 300, kind: .exclusion)])
        #expect(store.draft == Self.draft("a"))
        #expect(try await w.stores.store(store.id) == store)
        #expect(zones.count == 2 && zones.allSatisfy { $0.storeID == store.id } && Set(zones.map(\.id)).count == 2)
        #expect(zones.map(\.kind) == [.delivery, .exclusion] && zones[0].feeMinor == 250 && zones[0].minimumOrderMinor == 1_000
                && zones[0].promisedMinutes == 30 && zones[0].name == "r1500")
        #expect(try await w.stores.allZones() == zones, "geometry back bit for bit")
        #expect(try await w.stores.store(StoreID(store.id.rawValue + 1_000)) == nil)

        #expect(await Contracts.refusal { _ = try await w.stores.create(Self.draft("a"), zones: []) } == .conflict)
        do {
            _ = try await w.stores.create(Self.draft("b"), zones: [Self.zone(radius: 500), try Self.bowTie(field: "features[1]")])
            Issue.record("a self-crossing ring is no zone")
        } catch let error as DomainError {
            #expect(error.kind == .unprocessable && error.field == "features[1].geometry", "\(error)")
        }
        #expect(try await w.stores.allStores().map(\.id) == [store.id], "the refused store left nothing")
        #expect(try await w.stores.allZones().count == 2)
    }

    @Test("an update applies the change whole or not at all; zones are replaced whole", arguments: StoreRepositoryContractTests.backends)
    func updateAndZones(_ backend: Backend) async throws {
        let w = try await backend.make()
        let (a, _) = try await w.stores.create(Self.draft("a"), zones: [Self.zone(radius: 1_000)])
        let (b, _) = try await w.stores.create(Self.draft("b"), zones: [])
        let renamed = try await w.stores.update(a.id) { var s = $0; s.draft.name = "Renamed"; s.draft.phone = nil; return s }
        #expect(renamed.draft.name == "Renamed" && renamed.draft.phone == nil && renamed.id == a.id)
        #expect(try await w.stores.store(a.id) == renamed)
        #expect(await Contracts.refusal { _ = try await w.stores.update(b.id) { var s = $0; s.draft.externalRef = "a"; return s } } == .conflict)
        #expect(await Contracts.refusal {
            _ = try await w.stores.update(b.id) { _ in throw DomainError(.invalid, field: "name", "refused by the caller") }
        } == .invalid)
        #expect(try await w.stores.store(b.id) == b, "a refused update changes nothing")
        #expect(await Contracts.refusal { _ = try await w.stores.update(StoreID(999)) { $0 } } == .notFound)

        let replaced = try await w.stores.replaceZones(of: a.id, with: [Self.zone(radius: 2_000, fee: 0), Self.zone(radius: 3_000, fee: 99)])
        #expect(replaced.map(\.feeMinor) == [0, 99])
        #expect(try await w.stores.allZones() == replaced)
        #expect(try await w.stores.replaceZones(of: a.id, with: []).isEmpty)
        #expect(try await w.stores.allZones().isEmpty)
        #expect(await Contracts.refusal { _ = try await w.stores.replaceZones(of: StoreID(999), with: []) } == .notFound)
    }

    @Test("SKUs upsert by code; stock is set or adjusted, never below zero nor below what is held, and paged by SKU code",
          arguments: StoreRepositoryContractTests.backends)
    func stockWrites(_ backend: Backend) async throws {
        let w = try await backend.make()
        let (shop, _) = try await w.stores.create(Self.draft("a"), zones: [])
        try await w.stores.upsert(skus: [SKU(code: "C", name: "c"), SKU(code: "A", name: "a"), SKU(code: "B", name: "b", category: "dairy", unit: "l", priceMinor: 129)])
        try await w.stores.upsert(skus: [SKU(code: "A", name: "apples")])
        #expect(try await w.stores.allSKUs().sorted { $0.code < $1.code }.map(\.name) == ["apples", "b", "c"])
        #expect(try await w.stores.allSKUs().first { $0.code == "B" } == SKU(code: "B", name: "b", category: "dairy", unit: "l", priceMinor: 129))

        let change = try await w.stores.writeStock(of: shop.id, [("A", 10), ("B", 5), ("C", 1)], mode: .set, lowThresholds: ["A": 3], at: Self.t0)
        #expect(change.lines.count == 3)
        _ = try await w.stores.writeStock(of: shop.id, [("A", -4)], mode: .adjust, lowThresholds: [:], at: Self.t0.addingTimeInterval(1))
        let a = try #require(try await w.stores.stock(of: shop.id, after: nil, limit: 10).lines.first { $0.sku == "A" }?.level)
        #expect(a.onHand == 6 && a.reserved == 0 && a.lowThreshold == 3 && a.version == 2)
        #expect(await Contracts.refusal { _ = try await w.stores.writeStock(of: shop.id, [("A", -7)], mode: .adjust, lowThresholds: [:], at: Self.t0) } == .conflict)
        #expect(await Contracts.refusal { _ = try await w.stores.writeStock(of: shop.id, [("B", 1), ("ZZZ", 1)], mode: .set, lowThresholds: [:], at: Self.t0) } == .unprocessable)
        #expect(try await w.stores.stock(of: shop.id, after: nil, limit: 10).lines.first { $0.sku == "B" }?.level.onHand == 5, "a refused write changes nothing")
        _ = try await w.stores.reserve(.random(), store: shop.id, items: [.init(sku: "A", quantity: 4)], at: Self.t0, expiresAt: Self.t0.addingTimeInterval(600),
                                       idempotencyKey: nil, contentHash: "h")
        #expect(await Contracts.refusal { _ = try await w.stores.writeStock(of: shop.id, [("A", 3)], mode: .set, lowThresholds: [:], at: Self.t0) } == .conflict,
                "never below what is held")

        let first = try await w.stores.stock(of: shop.id, after: nil, limit: 2)
        #expect(first.lines.map(\.sku) == ["A", "B"] && first.nextCursor == "B")
        let second = try await w.stores.stock(of: shop.id, after: first.nextCursor, limit: 2)
        #expect(second.lines.map(\.sku) == ["C"] && second.nextCursor == nil)
        #expect(await Contracts.refusal { _ = try await w.stores.stock(of: StoreID(999), after: nil, limit: 2) } == .notFound)
        #expect(try await w.stores.allStock().count == 3)
        #expect(try await w.stores.reservationCounts()[.held] == 1)
        try await w.stores.probeWrite()
    }

    final class Collect: StockRowSink, @unchecked Sendable {
        let lock = NSLock()
        var rows: [StockRow] = []
        func add(_ batch: [StockRow]) { lock.lock(); rows += batch; lock.unlock() }
    }

    @Test("the stock stream gives every row of the stores and SKUs asked for, as their indexes, one range of stores per sink",
          arguments: StoreRepositoryContractTests.backends)
    func stream(_ backend: Backend) async throws {
        let w = try await backend.make()
        try await w.stores.upsert(skus: [SKU(code: "A", name: "a"), SKU(code: "B", name: "b"), SKU(code: "C", name: "c")])
        var ids: [StoreID] = []
        for n in 0..<5 {
            let (s, _) = try await w.stores.create(Self.draft("s\(n)"), zones: [])
            ids.append(s.id)
            _ = try await w.stores.writeStock(of: s.id, [("A", n + 1), ("B", 10 * n)], mode: .set, lowThresholds: [:], at: Self.t0)
        }
        let sinks = [Collect(), Collect()]
        // The last store and SKU B are not asked for.
        try await w.stores.streamStock(stores: Array(ids.prefix(4)), skus: ["A", "C"], into: sinks)
        let all = (sinks[0].rows + sinks[1].rows).sorted { ($0.store, $0.sku) < ($1.store, $1.sku) }
        let expected: [StockRow] = (0..<4).map { (n: Int) -> StockRow in StockRow(store: Int32(n), sku: 0, onHand: Int32(n + 1), reserved: 0) }
        #expect(all == expected)
        #expect(!sinks[0].rows.isEmpty && !sinks[1].rows.isEmpty, "both sinks get a range")
        #expect(Set(sinks[0].rows.map(\.store)).isDisjoint(with: Set(sinks[1].rows.map(\.store))))
    }

    @Test("a store goes with its zones and stock, unless deliveries under way still need it", arguments: StoreRepositoryContractTests.backends)
    func delete(_ backend: Backend) async throws {
        let w = try await backend.make()
        try await w.stores.upsert(skus: [SKU(code: "A", name: "a")])
        let (gone, _) = try await w.stores.create(Self.draft("a"), zones: [Self.zone(radius: 1_000)])
        let (busy, _) = try await w.stores.create(Self.draft("b"), zones: [Self.zone(radius: 1_000)])
        _ = try await w.stores.writeStock(of: gone.id, [("A", 5)], mode: .set, lowThresholds: [:], at: Self.t0)
        try await w.stores.delete(gone.id)
        #expect(try await w.stores.store(gone.id) == nil)
        #expect(try await w.stores.allZones().allSatisfy { $0.storeID == busy.id })
        #expect(try await w.stores.allStock().isEmpty)
        #expect(await Contracts.refusal { try await w.stores.delete(gone.id) } == .notFound)

        _ = try await w.deliveries.createDelivery(DeliveryDraft(storeID: busy.id.rawValue, pickup: Self.porto, drop: Self.porto.destination(distance: 900, bearing: 90),
                                                                readyAt: Self.t0, promisedBy: Self.t0.addingTimeInterval(1_800)), at: Self.t0)
        #expect(await Contracts.refusal { try await w.stores.delete(busy.id) } == .conflict)
        #expect(try await w.stores.store(busy.id) != nil)
    }
}
