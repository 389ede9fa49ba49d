import TestRandom
import Testing
import GeoCore
@testable import SpatialIndex

@Suite("Ring index point-in-polygon against the plain ray test")
struct RingIndexTests {
    @Test("stars, circles and a C shape whose box centre lies outside it")
    func matchesPlainRayCrossing() throws {
        var rng = SeededRandom(seed: 5)
        var rings: [[Coordinate]] = []
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        for _ in 0..<30 {
            let n = Int.random(in: 5...48, using: &rng)
            var ring = (0..<n).map { i in
                center.destination(distance: Double.random(in: 300...3000, using: &rng), bearing: 360 - Double(i) * 360 / Double(n))
            }
            ring.append(ring[0])
            rings.append(ring)
        }
        rings.append(Polygon.circle(center: center, radius: 1500).exterior.coordinates)
        // A C open to the east: its bounding-box centre is in the gap, outside the ring.
        let c: [(Double, Double)] = [(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3), (0, 0)]
        rings.append(c.map { Coordinate(latitude: 41.14 + $0.1 * 0.01, longitude: -8.62 + $0.0 * 0.01) })
        let index = RingIndex(rings)
        let plain = try rings.map { try LinearRing($0) }
        for _ in 0..<20_000 {
            let p = Coordinate(latitude: center.latitude + Double.random(in: -0.04...0.04, using: &rng),
                               longitude: center.longitude + Double.random(in: -0.05...0.05, using: &rng))
            let r = Int.random(in: 0..<rings.count, using: &rng)
            #expect(index.ring(r, contains: p.longitude, p.latitude) == plain[r].contains(p), "ring \(r) at \(p)")
        }
        let gap = Coordinate(latitude: 41.155, longitude: -8.605)
        #expect(!index.ring(rings.count - 1, contains: gap.longitude, gap.latitude))
    }
}
