import TestRandom
import Testing
import GeoCore
@testable import SpatialIndex

@Suite("Point index against brute force")
struct PointIndexTests {
    static func randomPoints(_ n: Int, seed: UInt64, around c: Coordinate, spread: Double) -> [Coordinate] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in
            Coordinate(latitude: c.latitude + Double.random(in: -spread...spread, using: &rng),
                       longitude: c.longitude + Double.random(in: -spread...spread, using: &rng))
        }
    }

    @Test("k nearest with a filter and a radius equals brute force", arguments: [
        (UInt64(1), Coordinate(latitude: 41.15, longitude: -8.61), 0.05),
        (UInt64(2), Coordinate(latitude: 0, longitude: 179.99), 0.05),
        (UInt64(3), Coordinate(latitude: 89.9, longitude: 0), 0.2),
        (UInt64(4), Coordinate(latitude: 40, longitude: -3), 5.0),
    ])
    func nearestMatchesBruteForce(seed: UInt64, center: Coordinate, spread: Double) {
        var points = Self.randomPoints(3000, seed: seed, around: center, spread: spread)
        points = points.map { Coordinate(latitude: min(90, max(-90, $0.latitude)),
                                         longitude: $0.longitude > 180 ? $0.longitude - 360 : $0.longitude) }
        let index = PointIndex(points, nodeSize: 8)
        let scratch = NearestScratch()
        var results: [Neighbor] = []
        var rng = SeededRandom(seed: seed &* 31)
        for _ in 0..<200 {
            let q = Coordinate(latitude: min(90, center.latitude + Double.random(in: -spread...spread, using: &rng)),
                               longitude: center.longitude + Double.random(in: -spread...spread, using: &rng))
            let k = Int.random(in: 1...25, using: &rng)
            let radius = Bool.random(using: &rng) ? Double.infinity : Double.random(in: 100...20_000, using: &rng)
            let modulus = Int32.random(in: 1...4, using: &rng)
            index.nearest(to: q, limit: k, within: radius, scratch: scratch, into: &results) { id in id % modulus == 0 }
            let expected = points.indices
                .filter { Int32($0) % modulus == 0 }
                .map { (id: $0, d: q.distance(to: points[$0])) }
                .filter { $0.d <= radius }
                .sorted { $0.d < $1.d }
                .prefix(k)
            #expect(results.count == expected.count)
            for (r, e) in zip(results, expected) {
                #expect(abs(r.distance - e.d) < 1e-6, "distance order differs at \(q)")
            }
            #expect(Set(results.map(\.id)) == Set(expected.map { Int32($0.id) }) || results.last?.distance == expected.last?.d)
        }
    }

    @Test("within a radius returns exactly the points in range")
    func withinRadius() {
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        let points = Self.randomPoints(2000, seed: 9, around: center, spread: 0.03)
        let index = PointIndex(points)
        var results: [Neighbor] = []
        index.within(1500, of: center, into: &results)
        let expected = Set(points.indices.filter { center.distance(to: points[$0]) <= 1500 }.map { Int32($0) })
        #expect(Set(results.map(\.id)) == expected)
        #expect(!expected.isEmpty)
    }

    @Test("an empty index and a zero limit return nothing")
    func emptyCases() {
        var results = [Neighbor(id: 1, distance: 1)]
        PointIndex([]).nearest(to: Coordinate(latitude: 0, longitude: 0), limit: 5, scratch: NearestScratch(), into: &results) { _ in true }
        #expect(results.isEmpty)
        PointIndex([Coordinate(latitude: 0, longitude: 0)]).nearest(to: Coordinate(latitude: 0, longitude: 0), limit: 0, scratch: NearestScratch(), into: &results) { _ in true }
        #expect(results.isEmpty)
    }
}

@Suite("Box index against brute force")
struct BoxIndexTests {
    @Test("boxes intersecting a query equal brute force", arguments: [1, 2, 15, 16, 17, 300, 5000])
    func searchMatchesBruteForce(count: Int) {
        var rng = SeededRandom(seed: UInt64(count))
        let boxes = (0..<count).map { _ -> BoundingBox in
            let lat = Double.random(in: 41...41.3, using: &rng), lon = Double.random(in: -8.8 ... -8.5, using: &rng)
            let h = Double.random(in: 0...0.02, using: &rng), w = Double.random(in: 0...0.02, using: &rng)
            return BoundingBox(southWest: Coordinate(latitude: lat, longitude: lon),
                               northEast: Coordinate(latitude: lat + h, longitude: lon + w))
        }
        let index = BoxIndex(boxes)
        var found: [Int32] = []
        for _ in 0..<100 {
            let lat = Double.random(in: 40.95...41.3, using: &rng), lon = Double.random(in: -8.85 ... -8.5, using: &rng)
            let q = BoundingBox(southWest: Coordinate(latitude: lat, longitude: lon),
                                northEast: Coordinate(latitude: lat + Double.random(in: 0...0.1, using: &rng),
                                                      longitude: lon + Double.random(in: 0...0.1, using: &rng)))
            index.search(q, into: &found)
            let expected = Set(boxes.indices.filter { boxes[$0].intersects(q) }.map { Int32($0) })
            #expect(Set(found) == expected)
            #expect(found.count == expected.count, "no item reported twice")
        }
    }
}
