import TestRandom
import Testing
import GeoCore
@testable import SpatialIndex

@Suite("Node summaries and reach boxes prune without losing answers")
struct SummaryTests {
    @Test("nearest with a required bit and a reach box equals brute force")
    func prunedNearestMatchesBruteForce() {
        var rng = SeededRandom(seed: 77)
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        let points = PointIndexTests.randomPoints(2000, seed: 78, around: center, spread: 0.2)
        // Each item has one random bit of 100 and a reach box of random size around it.
        let bits = points.indices.map { _ in Int.random(in: 0..<100, using: &rng) }
        let reach = points.map { p -> BoundingBox? in
            Int.random(in: 0..<10, using: &rng) == 0 ? nil : BoundingBox(around: p, radius: Double.random(in: 500...8000, using: &rng))
        }
        let index = PointIndex(points)
        let summaries = index.summaries(words: 2) { id, mask in mask[bits[Int(id)] >> 6] |= 1 << UInt64(bits[Int(id)] & 63) }
        let boxes = index.boxes { reach[Int($0)] }
        let scratch = NearestScratch()
        var results: [Neighbor] = []
        var nonEmpty = 0
        for _ in 0..<300 {
            let q = Coordinate(latitude: center.latitude + Double.random(in: -0.25...0.25, using: &rng),
                               longitude: center.longitude + Double.random(in: -0.25...0.25, using: &rng))
            let bit = Int.random(in: 0..<100, using: &rng) % 7 // a few bits, so that answers exist
            let useBit = Bool.random(using: &rng), useReach = Bool.random(using: &rng)
            index.nearest(to: q, limit: 5, scratch: scratch, into: &results,
                          requiring: useBit ? (summaries, bit) : nil, reaching: useReach ? boxes : nil) { _ in true }
            let expected = points.indices
                .filter { !useBit || bits[$0] == bit }
                .filter { !useReach || (reach[$0]?.contains(q) ?? false) }
                .map { (id: Int32($0), d: q.distance(to: points[$0])) }
                .sorted { $0.d < $1.d }
                .prefix(5)
            #expect(results.map(\.id) == expected.map(\.id))
            if !results.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 100)
    }
}
