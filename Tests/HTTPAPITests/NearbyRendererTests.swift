import Foundation
import GeoCore
@testable import HTTPAPI
import Kernel
import O2OAPI
import Stores
import Testing
import TestRandom

@Suite("The nearby search's JSON written straight to bytes")
struct NearbyRendererTests {
    static let names = ["Loja", "Caf\u{e9} \"Central\"", "A\\B", "Line\nbreak", "Mercado / Norte", "店", ""]

    static func store(_ id: Int64, _ rng: inout SeededRandom) -> Store {
        Store(id: StoreID(id), externalRef: "osm:node/\(id)", name: names.randomElement(using: &rng)!,
              brand: Bool.random(using: &rng) ? "Brand \(id % 3)" : nil, kind: ["supermarket", "bakery"].randomElement(using: &rng)!,
              address: Bool.random(using: &rng) ? "Rua \(id)" : nil, phone: nil,
              openingHours: [nil, "Mo-Su 08:00-20:00", "not hours"].randomElement(using: &rng)!, timeZone: "Europe/Lisbon",
              location: Coordinate(latitude: Double.random(in: 41...41.2, using: &rng), longitude: Double.random(in: -8.7 ... -8.5, using: &rng)))
    }

    static func zone(_ id: Int64, store: Store, _ rng: inout SeededRandom) -> DeliveryZone {
        DeliveryZone(id: ZoneID(id), storeID: store.id, name: Bool.random(using: &rng) ? "\(id) m" : nil,
                     area: MultiPolygon([.circle(center: store.location, radius: 1500, segments: 8)]),
                     feeMinor: Int.random(in: 0...999, using: &rng), minimumOrderMinor: Int.random(in: 0...5000, using: &rng),
                     promisedMinutes: Int.random(in: 10...90, using: &rng))
    }

    static func distance(_ rng: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Double(Int.random(in: 0...10_000, using: &rng))
        case 1: return Double.random(in: 0...0.2, using: &rng)
        case 2: return Double.random(in: 0...1e7, using: &rng)
        default: return Double.random(in: 0...5_000, using: &rng)
        }
    }

    @Test("the same bytes as nearbyJSON serialized, as stores and zones change under the cache")
    func sameBytes() {
        var rng = SeededRandom(seed: 17)
        var stores = (1...30).map { Self.store(Int64($0), &rng) }
        var zones = stores.map { Self.zone($0.id.rawValue * 10, store: $0, &rng) }
        let renderer = NearbyRenderer()
        for round in 0..<400 {
            // Now and then a store or a zone is edited: the next response must show the edit.
            if round % 7 == 3 {
                let i = Int.random(in: 0..<stores.count, using: &rng)
                stores[i].name = "Edited \(round)"
                zones[i].feeMinor += 1
            }
            let results = (0..<Int.random(in: 0...10, using: &rng)).map { _ in
                let i = Int.random(in: 0..<stores.count, using: &rng)
                let skus = (0..<Int.random(in: 0...3, using: &rng)).map { k in
                    NearbyResult.Availability(sku: SKUCode(k == 1 ? "WINE-\"7\"" : "SKU-\(k)"), available: Int.random(in: 0...500, using: &rng))
                }
                return NearbyResult(store: stores[i], distance: Self.distance(&rng), zone: Bool.random(using: &rng) ? zones[i] : nil,
                                    availability: skus, isOpen: [nil, true, false].randomElement(using: &rng)!)
            }
            let expected = nearbyJSON(results).serialized()
            let got = renderer.render(results)
            #expect(got == expected, "round \(round): \(String(decoding: got, as: UTF8.self)) ≠ \(String(decoding: expected, as: UTF8.self))")
        }
    }

    /// A document with its null members left out, as the generated types write it.
    static func withoutNulls(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o): .object(o.filter { $0.value != .null }.mapValues(withoutNulls))
        case .array(let a): .array(a.map(withoutNulls))
        default: v
        }
    }

    @Test("its bytes decode to the generated NearbyResponse of openapi.yaml, which encodes back to the same document")
    func matchesTheContract() throws {
        var rng = SeededRandom(seed: 23)
        let stores = (1...30).map { Self.store(Int64($0), &rng) }
        let zones = stores.map { Self.zone($0.id.rawValue * 10, store: $0, &rng) }
        let renderer = NearbyRenderer()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for round in 0..<200 {
            let results = (0..<Int.random(in: 0...10, using: &rng)).map { _ in
                let i = Int.random(in: 0..<stores.count, using: &rng)
                let skus = (0..<Int.random(in: 0...3, using: &rng)).map { k in
                    NearbyResult.Availability(sku: SKUCode("SKU-\(k)"), available: Int.random(in: 0...500, using: &rng))
                }
                return NearbyResult(store: stores[i], distance: Self.distance(&rng), zone: Bool.random(using: &rng) ? zones[i] : nil,
                                    availability: skus, isOpen: [nil, true, false].randomElement(using: &rng)!)
            }
            let bytes = Data(renderer.render(results))
            let typed = try JSONDecoder().decode(Components.Schemas.NearbyResponse.self, from: bytes)
            #expect(typed.count == results.count && typed.results.count == results.count, "round \(round)")
            let sent = try JSONDecoder().decode(JSONValue.self, from: bytes)
            let back = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(typed))
            #expect(Self.withoutNulls(sent) == back, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
