import GeoCore
import Testing
import TestRandom
@testable import SpatialIndex

@Suite("Moving point index against brute force")
struct MovingPointIndexTests {
    @Test("after random moves and removals, nearest with radius and filter equals brute force")
    func matchesBruteForce() {
        var rng = SeededRandom(seed: 8)
        var index = MovingPointIndex(cellMeters: 400)
        var truth: [Int32: Coordinate] = [:]
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        func randomPoint() -> Coordinate {
            Coordinate(latitude: center.latitude + Double.random(in: -0.08...0.08, using: &rng),
                       longitude: center.longitude + Double.random(in: -0.1...0.1, using: &rng))
        }
        for step in 0..<20_000 {
            let id = Int32.random(in: 0..<600, using: &rng)
            if Int.random(in: 0..<10, using: &rng) == 0 {
                index.remove(id); truth[id] = nil
            } else {
                // Mostly small moves, like a rider riding; sometimes a jump.
                let p = truth[id].map { Int.random(in: 0..<5, using: &rng) == 0 ? randomPoint()
                    : $0.destination(distance: Double.random(in: 0...300, using: &rng), bearing: Double.random(in: 0..<360, using: &rng)) }
                    ?? randomPoint()
                index.update(id, to: p); truth[id] = p
            }
            #expect(index.count == truth.count)
            guard step % 50 == 0 else { continue }
            let q = randomPoint(), limit = Int.random(in: 1...15, using: &rng)
            let radius: Meters = Bool.random(using: &rng) ? .infinity : Double.random(in: 200...5_000, using: &rng)
            let parity = Int32.random(in: 0...2, using: &rng)
            let got = index.nearest(to: q, limit: limit, within: radius) { $0 % 3 != parity }
            let expected = truth.filter { $0.key % 3 != parity }
                .map { Neighbor(id: $0.key, distance: q.distance(to: $0.value)) }
                .filter { $0.distance <= radius }
                .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }.prefix(limit)
            #expect(got == Array(expected), "step \(step)")
        }
    }

    @Test("across the antimeridian and near a pole")
    func edges() {
        var index = MovingPointIndex(cellMeters: 1_000)
        index.update(0, to: Coordinate(latitude: 0, longitude: 179.999))
        index.update(1, to: Coordinate(latitude: 0, longitude: -179.99))
        index.update(2, to: Coordinate(latitude: 89.9, longitude: 10))
        let near = index.nearest(to: Coordinate(latitude: 0, longitude: -179.999), limit: 2)
        #expect(near.map(\.id) == [0, 1])
        #expect(index.nearest(to: Coordinate(latitude: 89.95, longitude: -170), limit: 1).map(\.id) == [2])
        index.remove(0)
        #expect(index.nearest(to: Coordinate(latitude: 0, longitude: 179.999), limit: 1).map(\.id) == [1])
        #expect(index.position(of: 0) == nil && index.count == 2)
    }
}
