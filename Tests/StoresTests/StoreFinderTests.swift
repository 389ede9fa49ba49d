import Kernel
import TestRandom
import Foundation
import Testing
import GeoCore
@testable import Stores

/// A seeded random city: stores with tiered zones and exclusions, hours and stock.
struct RandomCity {
    var stores: [Store] = []
    var zones: [DeliveryZone] = []
    var skus: [SKU] = []
    var stock: [(StoreID, SKUCode, StockLevel)] = []
    let center = Coordinate(latitude: 41.15, longitude: -8.61)

    init(seed: UInt64, storeCount: Int = 400, skuCount: Int = 40) {
        var rng = SeededRandom(seed: seed)
        let hours = [nil, "24/7", "Mo-Fr 08:00-20:00; Sa 09:00-14:00", "Mo-Su 10:00-22:00", "Tu-Su 22:00-04:00", "Mo-Sa 09:00-13:00, 15:00-19:00"]
        skus = (0..<skuCount).map { SKU(code: SKUCode("SKU-\($0)"), name: "Item \($0)") }
        var zoneID: Int64 = 1
        for i in 0..<storeCount {
            let location = Coordinate(latitude: center.latitude + Double.random(in: -0.05...0.05, using: &rng),
                                      longitude: center.longitude + Double.random(in: -0.06...0.06, using: &rng))
            let id = StoreID(Int64(i + 1))
            stores.append(Store(id: id, externalRef: "s\(i)", name: "Store \(i)", kind: "convenience",
                                openingHours: hours.randomElement(using: &rng)!,
                                timeZone: i % 7 == 0 ? "Asia/Shanghai" : "Europe/Lisbon", location: location))
            let outer = Double.random(in: 500...4000, using: &rng)
            zones.append(DeliveryZone(id: ZoneID(zoneID), storeID: id, area: MultiPolygon([.circle(center: location, radius: outer, segments: 24)]),
                                      feeMinor: 399, minimumOrderMinor: 1000, promisedMinutes: 45))
            zoneID += 1
            if Bool.random(using: &rng) {
                zones.append(DeliveryZone(id: ZoneID(zoneID), storeID: id, area: MultiPolygon([.circle(center: location, radius: outer / 2, segments: 24)]),
                                          feeMinor: 199, promisedMinutes: 30))
                zoneID += 1
            }
            if Int.random(in: 0..<5, using: &rng) == 0 {
                let spot = location.destination(distance: outer / 2, bearing: Double.random(in: 0..<360, using: &rng))
                zones.append(DeliveryZone(id: ZoneID(zoneID), storeID: id, kind: .exclusion,
                                          area: MultiPolygon([.circle(center: spot, radius: outer / 3, segments: 12)])))
                zoneID += 1
            }
            for sku in skus where Int.random(in: 0..<3, using: &rng) == 0 {
                let onHand = Int.random(in: 0...20, using: &rng)
                stock.append((id, sku.code, StockLevel(onHand: onHand, reserved: Int.random(in: 0...onHand, using: &rng))))
            }
        }
        // A SKU nearly every store carries is stored densely, by slot.
        skus.append(SKU(code: "COMMON", name: "Common item"))
        for store in stores where Int.random(in: 0..<10, using: &rng) != 0 {
            stock.append((store.id, "COMMON", StockLevel(onHand: Int.random(in: 0...5, using: &rng))))
        }
        // One rare SKU, held by a handful of stores, takes the posting-list path.
        skus.append(SKU(code: "RARE", name: "Rare item"))
        for i in stride(from: 0, to: storeCount, by: 37) { stock.append((stores[i].id, "RARE", StockLevel(onHand: 3))) }
    }

    /// The answer by brute force, from the plain values and GeoCore's geometry.
    func bruteForce(_ q: NearbyQuery) -> [(StoreID, Double, ZoneID?)] {
        var rows: [(StoreID, Double, ZoneID?)] = []
        var levels: [String: StockLevel] = [:]
        for (store, sku, level) in stock { levels["\(store)/\(sku)"] = level }
        for store in stores {
            let d = q.point.distance(to: store.location)
            if let r = q.radius, d > r { continue }
            let available = q.items.allSatisfy { item in
                let level = levels["\(store.id)/\(item.sku)"]
                return (level?.available ?? 0) >= item.quantity
            }
            if !available { continue }
            if let at = q.openAt {
                guard let text = store.openingHours, let hours = try? OpeningHours(parsing: text) else { continue }
                if !hours.isOpen(minuteOfWeek: WeekClock.minuteOfWeek(at, in: TimeZone(identifier: store.timeZone)!)) { continue }
            }
            let own = zones.filter { $0.storeID == store.id && $0.area.contains(q.point) }
            var serving: DeliveryZone? = nil
            if !own.contains(where: { $0.kind == .exclusion }) {
                serving = own.filter { $0.kind == .delivery }.min { ($0.feeMinor, $0.promisedMinutes, $0.id) < ($1.feeMinor, $1.promisedMinutes, $1.id) }
            }
            if q.mustDeliver, serving == nil { continue }
            rows.append((store.id, d, serving?.id))
        }
        return Array(rows.sorted { $0.1 < $1.1 }.prefix(q.limit))
    }
}

@Suite("Store finder against brute force")
struct StoreFinderTests {
    @Test("random queries with every filter match brute force", arguments: [UInt64(11), 12, 13])
    func matchesBruteForce(seed: UInt64) throws {
        let city = RandomCity(seed: seed)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        var rng = SeededRandom(seed: seed &+ 100)
        let base = Date(timeIntervalSince1970: 1_767_603_600)
        var nonEmpty = 0
        for n in 0..<300 {
            finder.postingScan = [.never, .always, .automatic][n % 3]
            let point = Coordinate(latitude: city.center.latitude + Double.random(in: -0.06...0.06, using: &rng),
                                   longitude: city.center.longitude + Double.random(in: -0.07...0.07, using: &rng))
            var items: [NearbyQuery.Item] = []
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                items.append(.init(sku: city.skus.randomElement(using: &rng)!.code, quantity: Int.random(in: 1...5, using: &rng)))
            }
            let q = NearbyQuery(
                point: point, limit: Int.random(in: 1...20, using: &rng),
                radius: Bool.random(using: &rng) ? nil : Double.random(in: 300...6000, using: &rng),
                mustDeliver: Bool.random(using: &rng),
                openAt: Bool.random(using: &rng) ? nil : base.addingTimeInterval(Double(Int.random(in: 0..<(7 * 24), using: &rng)) * 3600 + 1800),
                items: items)
            let got = try finder.nearby(q, now: base)
            let expected = city.bruteForce(q)
            #expect(got.map(\.store.id) == expected.map(\.0), "query \(q)")
            for (g, e) in zip(got, expected) {
                #expect(abs(g.distance - e.1) < 1e-6)
                #expect(g.zone?.id == e.2)
            }
            if !got.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 100, "the random queries should mostly find something")
    }

    @Test("stock changes are seen at once and never rebuild the tree")
    func stockUpdates() throws {
        let city = RandomCity(seed: 5, storeCount: 50)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: [])
        let q = NearbyQuery(point: city.center, limit: 5, items: [.init(sku: "SKU-1", quantity: 2)])
        #expect(try finder.nearby(q, now: Date()).isEmpty)
        let target = city.stores[10]
        finder.apply(stock: [("SKU-1", StockLevel(onHand: 2))], of: target.id)
        #expect(try finder.nearby(q, now: Date()).map(\.store.id) == [target.id])
        finder.apply(stock: [("SKU-1", StockLevel(onHand: 2, reserved: 1))], of: target.id)
        #expect(try finder.nearby(q, now: Date()).isEmpty, "reserved units are not available")
    }

    @Test("a densely stored SKU takes updates, new carriers and deletions")
    func denseUpdates() throws {
        let city = RandomCity(seed: 8, storeCount: 60)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        let lacking = city.stores.first { store in !city.stock.contains { $0.0 == store.id && $0.1 == "COMMON" } }!
        #expect(finder.available("COMMON", at: lacking.id) == 0)
        finder.apply(stock: [("COMMON", StockLevel(onHand: 9, reserved: 2))], of: lacking.id)
        #expect(finder.available("COMMON", at: lacking.id) == 7)
        let q = NearbyQuery(point: lacking.location, limit: 1, items: [.init(sku: "COMMON", quantity: 7)])
        #expect(try finder.nearby(q, now: Date()).first?.store.id == lacking.id)
        var added = city.stores[0]
        added.id = StoreID(10_000)
        added.externalRef = "new"
        finder.apply(store: added)
        finder.apply(stock: [("COMMON", StockLevel(onHand: 4))], of: added.id)
        #expect(finder.available("COMMON", at: added.id) == 4)
        finder.remove(storeID: lacking.id)
        #expect(finder.available("COMMON", at: lacking.id) == nil)
    }

    @Test("searches run on while stores come, move and go; the last change wins")
    func searchesDuringChanges() async throws {
        let city = RandomCity(seed: 9, storeCount: 300)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        let queries = (0..<50).map { i in
            NearbyQuery(point: city.stores[i].location, limit: 10, mustDeliver: i % 2 == 0,
                        items: i % 3 == 0 ? [.init(sku: "RARE", quantity: 1)] : [])
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for reader in 0..<3 {
                group.addTask {
                    var answered = 0
                    for round in 0..<200 {
                        let rows = try finder.nearby(queries[(reader * 7 + round) % queries.count], now: Date())
                        answered += rows.isEmpty ? 0 : 1
                    }
                    return answered
                }
            }
            group.addTask {
                for i in 0..<40 {
                    var store = city.stores[i]
                    store.location = city.center.destination(distance: Double(i) * 10, bearing: 45)
                    finder.apply(store: store)
                    let added = Store(id: StoreID(Int64(5_000 + i)), externalRef: "added-\(i)", name: "Added \(i)", kind: "bakery",
                                      timeZone: "Europe/Lisbon", location: city.center)
                    finder.apply(store: added)
                    finder.apply(stock: [("RARE", StockLevel(onHand: 1))], of: added.id)
                    if i % 2 == 0 { finder.remove(storeID: added.id) }
                }
                return 0
            }
            var total = 0
            for try await answered in group { total += answered }
            #expect(total > 0)
        }
        #expect(finder.storeCount == 300 + 20)
        #expect(finder.store(city.stores[39].id)?.location == city.center.destination(distance: 390, bearing: 45))
        let near = try finder.nearby(NearbyQuery(point: city.center, limit: 100, items: [.init(sku: "RARE", quantity: 1)]), now: Date())
        let kept: [StoreID] = (0..<40).filter { $0 % 2 == 1 }.map { StoreID(Int64(5_000 + $0)) }
        let found = Set(near.map(\.store.id))
        #expect(found.isSuperset(of: kept))
    }

    @Test("unknown SKUs and bad ranges are refused with the field named")
    func badQueries() {
        let finder = StoreFinder()
        let p = Coordinate(latitude: 41.15, longitude: -8.61)
        func field(_ q: NearbyQuery) -> String? {
            do { _ = try finder.nearby(q, now: Date()); return nil } catch { return error.field }
        }
        #expect(field(NearbyQuery(point: p, items: [.init(sku: "NOPE")])) == "sku")
        #expect(field(NearbyQuery(point: p, limit: 0)) == "limit")
        #expect(field(NearbyQuery(point: p, limit: 101)) == "limit")
        #expect(field(NearbyQuery(point: p, radius: -1)) == "radius_m")
        #expect(field(NearbyQuery(point: Coordinate(latitude: .nan, longitude: 0))) == "lat")
        #expect(field(NearbyQuery(point: Coordinate(latitude: 0, longitude: 181))) == "lon")
    }

    @Test("deleting a store drops it from answers; moving it re-ranks it")
    func storeChanges() throws {
        let city = RandomCity(seed: 6, storeCount: 30)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        let q = NearbyQuery(point: city.center, limit: 1)
        let first = try finder.nearby(q, now: Date())[0].store
        finder.remove(storeID: first.id)
        #expect(try finder.nearby(q, now: Date())[0].store.id != first.id)
        var moved = city.stores[20]
        moved.location = city.center
        finder.apply(store: moved)
        #expect(try finder.nearby(q, now: Date())[0].store.id == moved.id)
        #expect(finder.zones(containing: city.center).contains { $0.store.id == moved.id } == (finder.zones(of: moved.id)!.contains { $0.area.contains(city.center) }))
    }
}
