import Foundation
import Testing
import GeoCore
import O2OTestSupport
@testable import NationalData
import Stores

@Suite("National-scale synthetic data")
struct NationalDatasetTests {
    static let cities = DemoFixture.geoData.appendingPathComponent("geonames/cities-top300.csv")
    static let small = NationalDataset.Configuration(storeCount: 2_000, skuCount: 500, skusPerStore: 40)

    @Test("the same seed gives the same data; stores follow population; zones hold their store")
    func deterministic() throws {
        let a = try NationalDataset(citiesCSV: Self.cities, configuration: Self.small)
        let b = try NationalDataset(citiesCSV: Self.cities, configuration: Self.small)
        #expect(a.stores == b.stores)
        #expect(a.zones == b.zones)
        #expect(a.stores.count == 2_000)
        #expect(a.cities.count == 300)
        // Shanghai, the most populous, gets the most stores.
        let shanghai = a.stores.filter { $0.name.hasPrefix("Shanghai ") }.count
        let last = a.stores.filter { $0.name.hasPrefix("\(a.cities[299].name) ") }.count
        #expect(shanghai > 5 * max(1, last))
        for zone in a.zones where zone.kind == .delivery {
            let store = a.stores[Int(zone.storeID.rawValue) - 1]
            #expect(zone.area.contains(store.location))
            #expect((25...49).contains(zone.area.polygons[0].exterior.coordinates.count))
        }
        var rowsA: [Int] = [], rowsB: [Int] = []
        a.stockRows { s, k, q, _ in rowsA += [s, k, q] }
        b.stockRows { s, k, q, _ in rowsB += [s, k, q] }
        #expect(rowsA == rowsB)
        #expect(rowsA.count == 3 * 2_000 * 40)
    }

    @Test("each store holds distinct SKUs, popular ones most often")
    func zipf() throws {
        let data = try NationalDataset(citiesCSV: Self.cities, configuration: Self.small)
        var carriers = [Int](repeating: 0, count: 500)
        var perStore: [Int: Set<Int>] = [:]
        data.stockRows { store, sku, _, _ in
            carriers[sku] += 1
            #expect(perStore[store, default: []].insert(sku).inserted)
        }
        #expect(carriers[0] > carriers[10])
        #expect(carriers[10] > carriers[400])
    }

    @Test("the finder answers national queries as brute force does")
    func finderMatchesBruteForce() throws {
        let data = try NationalDataset(citiesCSV: Self.cities, configuration: Self.small)
        let finder = StoreFinder()
        var available: [Int: Int] = [:]
        finder.load(stores: data.stores, zones: data.zones, skus: data.skus) { emit in
            data.stockRows { s, k, q, r in
                emit(s, k, q, r)
                available[s * 1_000 + k] = q - r
            }
        }
        let zonesOf = Dictionary(grouping: data.zones, by: \.storeID)
        var nonEmpty = 0
        for q in data.queries(count: 100) {
            let got = try finder.nearby(q, now: Date())
            let sku = data.skus.firstIndex { $0.code == q.items[0].sku }!
            let expected = data.stores.enumerated().filter { i, store in
                (available[i * 1_000 + sku] ?? 0) >= 1
                    && zonesOf[store.id, default: []].contains { $0.kind == .delivery && $0.area.contains(q.point) }
                    && !zonesOf[store.id, default: []].contains { $0.kind == .exclusion && $0.area.contains(q.point) }
            }.map { ($0.element.id, q.point.distance(to: $0.element.location)) }.sorted { $0.1 < $1.1 }.prefix(10)
            #expect(got.map(\.store.id) == expected.map(\.0))
            if !got.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 20)
    }
}
