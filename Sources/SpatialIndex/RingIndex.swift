import Foundation
import GeoCore

/// Closed rings in flat arrays, each with its edges bucketed by latitude band, for fast
/// point-in-ring tests: a ray-crossing test only needs the edges whose latitude span holds the
/// point's latitude, and those are exactly the edges listed in the point's band. A 64-gon
/// split into 16 bands tests a handful of edges instead of 64.
public struct RingIndex: Sendable {
    /// lon, lat pairs of every ring, one after another.
    @usableFromInline let vertices: [Double]
    @usableFromInline let ringStart: [Int32]
    @usableFromInline let ringMinLatitude: [Double]
    @usableFromInline let ringMaxLatitude: [Double]
    /// Bands per degree of latitude, per ring.
    @usableFromInline let ringBandScale: [Double]
    @usableFromInline let ringBandCount: [Int32]
    /// The first band of each ring in `bandEdgeStart`.
    @usableFromInline let ringFirstBand: [Int32]
    /// Edges of band b are `bandEdges[bandEdgeStart[b]..<bandEdgeStart[b+1]]`, as the index of
    /// their first vertex.
    @usableFromInline let bandEdgeStart: [Int32]
    @usableFromInline let bandEdges: [Int32]
    /// Per ring: a centre (lon, lat), the longitude scale at it (cos φ), and the squared radii,
    /// in scaled degrees, of a circle surely inside the ring and one surely holding it. A point
    /// inside the first or outside the second needs no edge test.
    @usableFromInline internal(set) var ringCircles: [Double]

    public var count: Int { ringStart.count - 1 }

    /// Indexes `rings`; each must be closed (first position equal to last).
    public init(_ rings: [[Coordinate]]) {
        var vertices: [Double] = [], ringStart: [Int32] = [0]
        var minLats: [Double] = [], maxLats: [Double] = [], scales: [Double] = [], counts: [Int32] = [], firstBands: [Int32] = []
        var bandEdgeStart: [Int32] = [0], bandEdges: [Int32] = []
        for ring in rings {
            let base = vertices.count / 2
            for c in ring { vertices.append(c.longitude); vertices.append(c.latitude) }
            ringStart.append(Int32(vertices.count / 2))
            let lats = ring.map(\.latitude)
            let minLat = lats.min() ?? 0, maxLat = lats.max() ?? 0
            let edgeCount = max(0, ring.count - 1)
            // About two bands per edge: a band then holds a few edges even where they crowd into
            // a small part of the ring's latitude span (a river line along a huge bank polygon).
            let bands = maxLat > minLat ? max(1, min(4096, 2 * edgeCount)) : 1
            let scale = maxLat > minLat ? Double(bands) / (maxLat - minLat) : 0
            minLats.append(minLat); maxLats.append(maxLat); scales.append(scale); counts.append(Int32(bands))
            firstBands.append(Int32(bandEdgeStart.count - 1))
            var perBand = [[Int32]](repeating: [], count: bands)
            for i in 0..<edgeCount {
                let y0 = ring[i].latitude, y1 = ring[i + 1].latitude
                let b0 = Self.band(min(y0, y1), minLat, scale, bands), b1 = Self.band(max(y0, y1), minLat, scale, bands)
                for b in b0...b1 { perBand[b].append(Int32(base + i)) }
            }
            for edges in perBand {
                bandEdges += edges
                bandEdgeStart.append(Int32(bandEdges.count))
            }
        }
        var circles: [Double] = []
        circles.reserveCapacity(rings.count * 5)
        for ring in rings {
            guard let box = BoundingBox(enclosing: ring) else { circles += [0, 0, 1, -1, -1]; continue }
            let cx = (box.southWest.longitude + box.northEast.longitude) / 2
            let cy = (box.southWest.latitude + box.northEast.latitude) / 2
            let k = cos(cy * .pi / 180)
            var outer = 0.0, inner = Double.infinity
            for i in 0..<max(0, ring.count - 1) {
                let ax = (ring[i].longitude - cx) * k, ay = ring[i].latitude - cy
                let bx = (ring[i + 1].longitude - cx) * k, by = ring[i + 1].latitude - cy
                outer = max(outer, ax * ax + ay * ay)
                // Squared distance from the centre (the origin here) to the edge segment.
                let dx = bx - ax, dy = by - ay
                let length2 = dx * dx + dy * dy
                let t = length2 > 0 ? max(0, min(1, -(ax * dx + ay * dy) / length2)) : 0
                let px = ax + t * dx, py = ay + t * dy
                inner = min(inner, px * px + py * py)
            }
            circles += [cx, cy, k, inner, outer]
        }
        self.vertices = vertices; self.ringStart = ringStart
        ringMinLatitude = minLats; ringMaxLatitude = maxLats; ringBandScale = scales; ringBandCount = counts
        ringFirstBand = firstBands; self.bandEdgeStart = bandEdgeStart; self.bandEdges = bandEdges
        // The inner circle counts only when its centre is inside the ring (a concave ring may
        // leave its box centre outside); the outer circle always holds the ring.
        ringCircles = circles
        var checked = circles
        for r in 0..<rings.count where checked[5 * r + 3] > 0 {
            if !Self.bandTest(self, r, circles[5 * r], circles[5 * r + 1]) { checked[5 * r + 3] = 0 }
        }
        ringCircles = checked
    }

    @inline(__always) @usableFromInline
    static func band(_ lat: Double, _ minLat: Double, _ scale: Double, _ bands: Int) -> Int {
        min(bands - 1, max(0, Int((lat - minLat) * scale)))
    }

    /// Even–odd ray crossing against ring `r`; points on the boundary may fall either way.
    @inlinable
    public func ring(_ r: Int, contains lon: Double, _ lat: Double) -> Bool {
        let dx = (lon - ringCircles[5 * r]) * ringCircles[5 * r + 2], dy = lat - ringCircles[5 * r + 1]
        let d2 = dx * dx + dy * dy
        // Strict margins keep floating-point doubt on the side of the exact test.
        if d2 < ringCircles[5 * r + 3] * 0.999_999 { return true }
        if d2 > ringCircles[5 * r + 4] * 1.000_001 { return false }
        return Self.bandTest(self, r, lon, lat)
    }

    @inlinable
    static func bandTest(_ index: RingIndex, _ r: Int, _ lon: Double, _ lat: Double) -> Bool {
        index.bandTest(r, lon, lat)
    }

    @inlinable
    func bandTest(_ r: Int, _ lon: Double, _ lat: Double) -> Bool {
        guard lat >= ringMinLatitude[r], lat < ringMaxLatitude[r] else { return false }
        let b = Int(ringFirstBand[r]) + Self.band(lat, ringMinLatitude[r], ringBandScale[r], Int(ringBandCount[r]))
        return vertices.withUnsafeBufferPointer { v in
            bandEdges.withUnsafeBufferPointer { edges in
                var inside = false
                for e in Int(bandEdgeStart[b])..<Int(bandEdgeStart[b + 1]) {
                    let i = Int(edges[e])
                    let xi = v[2 * i], yi = v[2 * i + 1], xj = v[2 * i + 2], yj = v[2 * i + 3]
                    if (yi > lat) != (yj > lat), lon < (xj - xi) * (lat - yi) / (yj - yi) + xi { inside.toggle() }
                }
                return inside
            }
        }
    }
}
