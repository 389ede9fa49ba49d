import Foundation
import GeoCore
import Kernel
import StoreImport
import Stores

/// A national-scale synthetic data set, generated from a seed so that every run sees the same
/// data: stores placed around the most populous GeoNames cities in proportion to population,
/// each with an irregular delivery zone (and sometimes an exclusion area) and opening hours; a
/// catalog with Zipf popularity, each store stocking a fixed number of distinct SKUs drawn by
/// popularity; and customer queries drawn by population with a Zipf-drawn SKU.
///
/// Stock rows are not kept: ``stockRows(_:)`` regenerates them store by store from the seed,
/// so 100 million rows cost no memory until the finder stores them.
public struct NationalDataset: Sendable {
    public struct Configuration: Sendable {
        public var storeCount = 50_000
        public var skuCount = 100_000
        public var skusPerStore = 2_000
        public var cityCount = 300
        /// Zipf exponent of SKU popularity.
        public var zipfExponent = 1.0
        public var seed: UInt64 = 20_261_125

        public init(storeCount: Int = 50_000, skuCount: Int = 100_000, skusPerStore: Int = 2_000, cityCount: Int = 300) {
            self.storeCount = storeCount; self.skuCount = skuCount
            self.skusPerStore = min(skusPerStore, skuCount); self.cityCount = cityCount
        }
    }

    public struct City: Sendable {
        public var name: String
        public var location: Coordinate
        public var population: Int
        public var timeZone: String
    }

    public let configuration: Configuration
    public let cities: [City]
    public let stores: [Store]
    public let zones: [DeliveryZone]
    public let skus: [SKU]
    let popularity: AliasTable
    let cityWeights: AliasTable

    static let hourTemplates: [String?] = [
        "Mo-Su 08:00-22:00", "Mo-Sa 08:00-21:00; Su 09:00-13:00", "24/7", "Mo-Fr 07:00-20:00; Sa 08:00-14:00",
        "Mo-Su 07:00-23:00", "Mo-Sa 09:00-13:00, 15:00-20:00", "Mo-Su 10:00-02:00", nil,
    ]

    /// Generates the data set from the cities file (`GeoData/geonames/cities-top300.csv`).
    public init(citiesCSV: URL, configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        let table = try CSVTable(text: String(contentsOf: citiesCSV, encoding: .utf8),
                                 required: ["name", "lat", "lon", "population", "timezone"])
        cities = table.rows.prefix(configuration.cityCount).compactMap { row in
            guard let lat = table.value(row, "lat").flatMap(Double.init), let lon = table.value(row, "lon").flatMap(Double.init),
                  let population = table.value(row, "population").flatMap(Int.init) else { return nil }
            return City(name: table.value(row, "name") ?? "", location: Coordinate(latitude: lat, longitude: lon),
                        population: population, timeZone: table.value(row, "timezone") ?? "UTC")
        }
        cityWeights = AliasTable(weights: cities.map { Double($0.population) })
        popularity = AliasTable(weights: (0..<configuration.skuCount).map { 1 / pow(Double($0 + 1), configuration.zipfExponent) })

        // Stores per city by largest remainder, in proportion to population.
        let total = Double(cities.reduce(0) { $0 + $1.population })
        let exact = cities.map { Double($0.population) / total * Double(configuration.storeCount) }
        var counts = exact.map { Int($0) }
        let order = exact.indices.sorted { exact[$0] - Double(counts[$0]) > exact[$1] - Double(counts[$1]) }
        for i in order.prefix(configuration.storeCount - counts.reduce(0, +)) { counts[i] += 1 }

        var rng = SplitMix64(seed: configuration.seed)
        var stores: [Store] = [], zones: [DeliveryZone] = []
        stores.reserveCapacity(configuration.storeCount)
        for (c, city) in cities.enumerated() {
            let spread = 2_000 * (Double(city.population) / 1_000_000).squareRoot()
            for _ in 0..<counts[c] {
                let id = StoreID(Int64(stores.count + 1))
                let location = Self.scatter(around: city.location, spread: spread, &rng)
                let hours = Self.hourTemplates[Int(rng.next() % UInt64(Self.hourTemplates.count))]
                stores.append(Store(id: id, externalRef: "nat:\(id.rawValue)", name: "\(city.name) store \(id.rawValue)",
                                    kind: rng.next() % 3 == 0 ? "supermarket" : "convenience", openingHours: hours,
                                    timeZone: city.timeZone, location: location))
                let radius = 1_500 + Double(rng.next() % 3_501)
                let vertices = 24 + Int(rng.next() % 25)
                zones.append(DeliveryZone(
                    id: ZoneID(Int64(zones.count + 1)), storeID: id, kind: .delivery, name: "\(Int(radius)) m",
                    area: MultiPolygon([Self.star(around: location, radius: radius, vertices: vertices, &rng)]),
                    feeMinor: 99 + Int(rng.next() % 401), minimumOrderMinor: 1_000, promisedMinutes: 20 + Int(rng.next() % 41)))
                if rng.next() % 10 == 0 {
                    let spot = location.destination(distance: radius * 0.6, bearing: Double(rng.next() % 360))
                    zones.append(DeliveryZone(
                        id: ZoneID(Int64(zones.count + 1)), storeID: id, kind: .exclusion, name: "exclusion",
                        area: MultiPolygon([Self.star(around: spot, radius: 300 + Double(rng.next() % 500), vertices: 12, &rng)])))
                }
            }
        }
        self.stores = stores
        self.zones = zones
        skus = (0..<configuration.skuCount).map { i in
            SKU(code: SKUCode("N\(String(i + 1).leftPadded(to: 6))"), name: "Product \(i + 1)", category: "national")
        }
    }

    /// Every stock row, store by store in id order: `emit(store index, sku index, on hand, reserved)`.
    /// Each store holds `skusPerStore` distinct SKUs drawn by popularity; one in ten is out of stock.
    public func stockRows(_ emit: (Int, Int, Int, Int) -> Void) {
        var stamp = [Int32](repeating: -1, count: configuration.skuCount)
        for store in stores.indices {
            var rng = SplitMix64(seed: configuration.seed ^ (UInt64(store) &* 0x9E37_79B9_7F4A_7C15))
            var held = 0
            while held < configuration.skusPerStore {
                let sku = popularity.draw(&rng)
                if stamp[sku] == Int32(store) { continue }
                stamp[sku] = Int32(store)
                held += 1
                let onHand = rng.next() % 10 == 0 ? 0 : 1 + Int(rng.next() % 50)
                emit(store, sku, onHand, 0)
            }
        }
    }

    /// `count` customer queries: a point drawn by population, one Zipf-drawn SKU, k = 10,
    /// delivering here, quantity 1.
    public func queries(count: Int, seed: UInt64 = 7) -> [NearbyQuery] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let city = cities[cityWeights.draw(&rng)]
            let spread = 2_000 * (Double(city.population) / 1_000_000).squareRoot()
            let point = Self.scatter(around: city.location, spread: spread, &rng)
            return NearbyQuery(point: point, limit: 10, mustDeliver: true,
                               items: [NearbyQuery.Item(sku: skus[popularity.draw(&rng)].code, quantity: 1)])
        }
    }

    /// A point at a Rayleigh-distributed distance (scale `spread` metres) in a uniform direction.
    static func scatter(around center: Coordinate, spread: Double, _ rng: inout SplitMix64) -> Coordinate {
        let u = max(1e-12, Double(rng.next() >> 11) / Double(1 << 53))
        let distance = spread * (-2 * log(u)).squareRoot()
        return center.destination(distance: distance, bearing: Double(rng.next() % 360_000) / 1000)
    }

    /// A star-shaped polygon: vertices at evenly spaced bearings (jittered by less than half a
    /// step) and radii between 70% and 100% of `radius`, so the ring never crosses itself.
    static func star(around center: Coordinate, radius: Double, vertices: Int, _ rng: inout SplitMix64) -> Polygon {
        let step = 360.0 / Double(vertices)
        var points: [Coordinate] = (0..<vertices).map { i in
            let jitter = (Double(rng.next() % 1000) / 1000 - 0.5) * step * 0.8
            let r = radius * (0.7 + 0.3 * Double(rng.next() % 1000) / 1000)
            // Counter-clockwise: bearings decrease.
            return center.destination(distance: r, bearing: 360 - (Double(i) * step + jitter + step / 2))
        }
        points.append(points[0])
        return Polygon(exterior: try! LinearRing(points))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
