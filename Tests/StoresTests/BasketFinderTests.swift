import Kernel
import TestRandom
import Foundation
import GeoCore
import Testing
@testable import Stores

/// Basket availability on a random city against brute force over plain values: which stores
/// serve the point, which have everything, and the best split when none does.
@Suite("Basket availability against brute force")
struct BasketFinderTests {
    struct Expected {
        var full: [(StoreID, Int)]
        var split: BasketSplitter.Cost?
        var unavailable: [SKUCode]
    }

    static func bruteForce(_ city: RandomCity, _ q: BasketQuery) -> Expected {
        var levels: [String: StockLevel] = [:]
        for (store, sku, level) in city.stock { levels["\(store)/\(sku)"] = level }
        var options: [(id: StoreID, distance: Double, fee: Int, mask: UInt64)] = []
        for store in city.stores {
            let d = q.point.distance(to: store.location)
            var fee = 0
            switch q.fulfilment {
            case .pickup:
                if d > q.radius { continue }
            case .delivery:
                let own = city.zones.filter { $0.storeID == store.id && $0.area.contains(q.point) }
                if own.contains(where: { $0.kind == .exclusion }) { continue }
                guard let serving = own.filter({ $0.kind == .delivery })
                    .min(by: { ($0.feeMinor, $0.promisedMinutes, $0.id) < ($1.feeMinor, $1.promisedMinutes, $1.id) }) else { continue }
                fee = serving.feeMinor
            }
            var mask: UInt64 = 0
            for (i, item) in q.items.enumerated() where (levels["\(store.id)/\(item.sku)"]?.available ?? 0) >= item.quantity {
                mask |= 1 << UInt64(i)
            }
            options.append((store.id, d, fee, mask))
        }
        let all: UInt64 = (1 << UInt64(q.items.count)) - 1
        let full = options.filter { $0.mask == all }.sorted {
            q.order == .distance ? ($0.distance, $0.fee, $0.id) < ($1.distance, $1.fee, $1.id)
                                 : ($0.fee, $0.distance, $0.id) < ($1.fee, $1.distance, $1.id)
        }
        var expected = Expected(full: full.prefix(q.limit).map { ($0.id, $0.fee) }, split: nil, unavailable: [])
        guard full.isEmpty else { return expected }
        let coverable = options.reduce(0) { $0 | $1.mask }
        expected.unavailable = q.items.indices.filter { coverable & (1 << UInt64($0)) == 0 }.map { q.items[$0].sku }
        let useful = options.filter { $0.mask != 0 }
        func visit(_ start: Int, _ count: Int, _ fee: Int, _ distance: Double, _ mask: UInt64) {
            if count > 0, mask == coverable {
                let cost = BasketSplitter.Cost(stores: count, fee: fee, distance: distance)
                if expected.split == nil || cost < expected.split! { expected.split = cost }
                return
            }
            guard count < q.maxStores else { return }
            for i in start..<useful.count {
                visit(i + 1, count + 1, fee + useful[i].fee, distance + useful[i].distance, mask | useful[i].mask)
            }
        }
        if coverable != 0 { visit(0, 0, 0, 0, 0) }
        return expected
    }

    @Test("delivery and pickup baskets match brute force", arguments: [UInt64(21), 22])
    func matchesBruteForce(seed: UInt64) throws {
        let city = RandomCity(seed: seed, storeCount: 150)
        let finder = StoreFinder()
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        var rng = SeededRandom(seed: seed &+ 7)
        let now = Date(timeIntervalSince1970: 1_767_603_600)
        var fullAnswers = 0, splits = 0
        for n in 0..<250 {
            let point = Coordinate(latitude: city.center.latitude + Double.random(in: -0.05...0.05, using: &rng),
                                   longitude: city.center.longitude + Double.random(in: -0.06...0.06, using: &rng))
            let codes = city.skus.map(\.code).shuffled(using: &rng).prefix(Int.random(in: 1...6, using: &rng))
            let items = codes.map { Reservation.Item(sku: $0, quantity: Int.random(in: 1...4, using: &rng)) }
            let q = BasketQuery(point: point, items: items, fulfilment: n % 2 == 0 ? .delivery : .pickup, limit: 5,
                                radius: Double.random(in: 300...3000, using: &rng), maxStores: Int.random(in: 1...3, using: &rng),
                                order: n % 3 == 0 ? .fee : .distance)
            let answer = try finder.basket(q, now: now)
            let expected = Self.bruteForce(city, q)
            #expect(answer.stores.map(\.store.id) == expected.full.map(\.0), "query \(n)")
            #expect(answer.stores.map(\.feeMinor) == expected.full.map(\.1), "query \(n)")
            if let option = answer.stores.first {
                #expect(abs(option.distance - q.point.distance(to: option.store.location)) < 1e-6)
            }
            #expect(answer.unavailable.map(\.sku) == expected.unavailable, "query \(n)")
            #expect(answer.split?.parts.count == expected.split?.stores, "query \(n)")
            #expect(answer.split?.totalFeeMinor == expected.split?.fee, "query \(n)")
            if let split = answer.split, let cost = expected.split {
                #expect(abs(split.totalDistance - cost.distance) < 1e-6, "query \(n)")
                #expect(split.isExact)
                // Every coverable item is assigned to exactly one store that has it.
                let assigned = split.parts.flatMap(\.items).map(\.sku)
                #expect(Set(assigned).count == assigned.count)
                #expect(assigned.count + answer.unavailable.count == items.count)
                for part in split.parts {
                    for item in part.items {
                        let a = part.option.available[items.firstIndex { $0.sku == item.sku }!]
                        #expect(a >= item.quantity)
                    }
                }
                splits += 1
            }
            if !answer.stores.isEmpty { fullAnswers += 1 }
        }
        #expect(fullAnswers > 30 && splits > 30, "both answers are exercised (\(fullAnswers) full, \(splits) split)")
    }

    @Test("stores at the same spot are ranked by fee even when the limit cuts between them")
    func tiesAtTheCut() throws {
        let spot = Coordinate(latitude: 41.15, longitude: -8.61)
        let stores = (1...3).map { Store(id: StoreID(Int64($0)), externalRef: "s\($0)", name: "S\($0)", kind: "convenience",
                                         timeZone: "Europe/Lisbon", location: spot) }
        let zones = stores.enumerated().map { i, s in
            DeliveryZone(id: ZoneID(Int64(i + 1)), storeID: s.id, area: MultiPolygon([.circle(center: spot, radius: 2000, segments: 16)]),
                         feeMinor: [299, 99, 199][i])
        }
        let finder = StoreFinder()
        finder.load(stores: stores, zones: zones, skus: [SKU(code: "A", name: "a")],
                    stock: stores.map { ($0.id, "A", StockLevel(onHand: 5)) })
        let near = spot.destination(distance: 300, bearing: 45)
        let one = try finder.basket(BasketQuery(point: near, items: [.init(sku: "A", quantity: 1)], limit: 1), now: Date())
        #expect(one.stores.map(\.store.id) == [StoreID(2)])
        let all = try finder.basket(BasketQuery(point: near, items: [.init(sku: "A", quantity: 1)], limit: 3), now: Date())
        #expect(all.stores.map(\.feeMinor) == [99, 199, 299])
    }

    @Test("bad baskets are refused naming the field")
    func refusals() {
        let finder = StoreFinder()
        let city = RandomCity(seed: 1, storeCount: 10)
        finder.load(stores: city.stores, zones: city.zones, skus: city.skus, stock: city.stock)
        let p = city.center
        let cases: [(BasketQuery, String)] = [
            (BasketQuery(point: p, items: []), "items"),
            (BasketQuery(point: p, items: [.init(sku: "SKU-1", quantity: 0)]), "items[0].qty"),
            (BasketQuery(point: p, items: [.init(sku: "SKU-1", quantity: 1), .init(sku: "SKU-1", quantity: 2)]), "items[1].sku"),
            (BasketQuery(point: p, items: [.init(sku: "NOPE", quantity: 1)]), "items[0].sku"),
            (BasketQuery(point: p, items: [.init(sku: "SKU-1", quantity: 1)], maxStores: 9), "max_stores"),
            (BasketQuery(point: p, items: [.init(sku: "SKU-1", quantity: 1)], fulfilment: .pickup, radius: 1e9), "radius_m"),
            (BasketQuery(point: Coordinate(latitude: 91, longitude: 0), items: [.init(sku: "SKU-1", quantity: 1)]), "lat"),
        ]
        for (query, field) in cases {
            #expect(throws: DomainError.self) { try finder.basket(query, now: Date()) }
            do { _ = try finder.basket(query, now: Date()) } catch { #expect(error.field == field) }
        }
    }
}
