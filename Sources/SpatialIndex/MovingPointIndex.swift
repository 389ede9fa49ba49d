import Foundation
import GeoCore

/// Points that move (riders): a hash grid of latitude/longitude cells, so a position update is
/// a write to the point's slot and, when it crosses into another cell, a swap-remove from one
/// bucket and an append to another; nothing is rebuilt. Nearest searches expand ring by ring
/// around the query's cell and stop once no unvisited cell can hold anything closer, using a
/// lower bound on the great-circle distance to the next ring. Not thread-safe: the owner locks.
public struct MovingPointIndex: Sendable {
    /// Cell side in degrees (latitude and longitude alike).
    public let cellDegrees: Double
    private var buckets: [Int64: [Int32]] = [:]
    private var positions: [Coordinate?] = []
    /// Each point as a unit vector: the squared chord between two of them orders pairs as the
    /// great-circle distance does, for a few multiplications instead of the haversine's
    /// trigonometry.
    private var vectors: [UnitVector] = []
    private var cellOf: [Int64] = []
    private var slotInBucket: [Int32] = []
    /// The occupied cell range, grown as points arrive (a bound for the ring search).
    private var minCellY = Int.max, maxCellY = Int.min
    private var columnsAround: Int

    /// `cellMeters` sets the cell side at the equator (about 500 m suits a city's riders).
    public init(cellMeters: Meters = 500) {
        precondition(cellMeters > 0)
        cellDegrees = cellMeters / (earthMeanRadius * .pi / 180)
        columnsAround = Int((360 / cellDegrees).rounded(.up))
    }

    public private(set) var count = 0

    public func position(of id: Int32) -> Coordinate? {
        Int(id) < positions.count ? positions[Int(id)] : nil
    }

    private func cell(_ c: Coordinate) -> (x: Int, y: Int) {
        let x = Int(((c.longitude + 180) / cellDegrees).rounded(.down)) % columnsAround
        let y = Int(((c.latitude + 90) / cellDegrees).rounded(.down))
        return (x, y)
    }

    private static func key(_ x: Int, _ y: Int) -> Int64 { Int64(y) << 32 | Int64(x) }

    /// Places or moves point `id` (ids are small non-negative integers, like slots).
    public mutating func update(_ id: Int32, to coordinate: Coordinate) {
        let i = Int(id)
        if i >= positions.count {
            positions += Array(repeating: nil, count: i + 1 - positions.count)
            vectors += Array(repeating: UnitVector(x: 0, y: 0, z: 0), count: i + 1 - vectors.count)
            cellOf += Array(repeating: 0, count: i + 1 - cellOf.count)
            slotInBucket += Array(repeating: -1, count: i + 1 - slotInBucket.count)
        }
        let (x, y) = cell(coordinate)
        let key = Self.key(x, y)
        if positions[i] != nil {
            if cellOf[i] == key { positions[i] = coordinate; vectors[i] = UnitVector(coordinate); return }
            detach(id)
        } else {
            count += 1
        }
        positions[i] = coordinate
        vectors[i] = UnitVector(coordinate)
        cellOf[i] = key
        slotInBucket[i] = Int32(buckets[key, default: []].count)
        buckets[key, default: []].append(id)
        minCellY = min(minCellY, y); maxCellY = max(maxCellY, y)
    }

    /// Takes point `id` out (a rider going offline).
    public mutating func remove(_ id: Int32) {
        let i = Int(id)
        guard i < positions.count, positions[i] != nil else { return }
        detach(id)
        positions[i] = nil
        count -= 1
    }

    private mutating func detach(_ id: Int32) {
        let i = Int(id), key = cellOf[i], slot = Int(slotInBucket[i])
        var bucket = buckets.removeValue(forKey: key) ?? []
        let last = bucket.removeLast()
        if slot < bucket.count {
            bucket[slot] = last
            slotInBucket[Int(last)] = Int32(slot)
        }
        if !bucket.isEmpty { buckets[key] = bucket }
        slotInBucket[i] = -1
    }

    static let maximumRings = 256

    func scanAll(_ q: Coordinate, limit: Int, within radius: Meters, where accept: (Int32) -> Bool) -> [Neighbor] {
        var all: [Neighbor] = []
        for (i, p) in positions.enumerated() {
            guard let p else { continue }
            let d = q.distance(to: p)
            if d <= radius, accept(Int32(i)) { all.append(Neighbor(id: Int32(i), distance: d)) }
        }
        return Array(all.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }.prefix(limit))
    }

    /// The `limit` nearest points accepted by `accept`, nearest first (ties by id), within
    /// `radius` metres.
    public func nearest(to q: Coordinate, limit: Int, within radius: Meters = .infinity,
                        where accept: (Int32) -> Bool = { _ in true }) -> [Neighbor] {
        guard limit > 0, count > 0 else { return [] }
        // Candidates ranked by squared chord (id breaks ties); metres only for the answers.
        var found: [(chord2: Double, id: Int32)] = []
        found.reserveCapacity(min(limit, 64) + 1)
        let qv = UnitVector(q)
        // A hair wide, so that rounding never drops a point the haversine puts inside.
        let radiusChord2 = radius >= .pi * earthMeanRadius ? Double.infinity : Chord.squared(forMeters: radius) * (1 + 1e-9)
        let (cx, cy) = cell(q)
        let δ = cellDegrees * .pi / 180
        var ring = 0
        func before(_ a: (chord2: Double, id: Int32), _ b: (chord2: Double, id: Int32)) -> Bool { (a.chord2, a.id) < (b.chord2, b.id) }
        var visited = Set<Int>()
        while true {
            // Every cell at Chebyshev distance `ring` from the query's cell, only rows that hold
            // points: whole edge rows, and the two end cells of the rows between.
            let low = max(cy - ring, minCellY), high = min(cy + ring, maxCellY)
            // Once a ring is wider than the world, wrapped columns repeat: visit each once.
            let wraps = 2 * ring + 1 > columnsAround
            for y in stride(from: low, through: high, by: 1) {
                let edgeRow = y == cy - ring || y == cy + ring
                let step = edgeRow || ring == 0 ? 1 : 2 * ring
                if wraps { visited.removeAll(keepingCapacity: true) }
                for rawX in stride(from: cx - ring, through: cx + ring, by: step) {
                    let x = ((rawX % columnsAround) + columnsAround) % columnsAround
                    if wraps {
                        guard abs(rawX - cx) <= columnsAround / 2, visited.insert(x).inserted else { continue }
                    }
                    guard let bucket = buckets[Self.key(x, y)] else { continue }
                    for id in bucket {
                        let v = vectors[Int(id)]
                        let c2 = qv.chordSquared(v.x, v.y, v.z)
                        // Distance first: the filter (which may be costly) only sees points
                        // that would make the list.
                        guard c2 <= radiusChord2 else { continue }
                        let n = (chord2: c2, id: id)
                        if found.count == limit, !before(n, found[limit - 1]) { continue }
                        guard accept(id) else { continue }
                        if found.count == limit { found.removeLast() }
                        var at = found.count
                        while at > 0, before(n, found[at - 1]) { at -= 1 }
                        found.insert(n, at: at)
                    }
                }
            }
            // Anything in a later ring is at least `bound` away (latitude gap or longitude gap
            // of ring × cell, the latter at the highest latitude the ring reaches).
            let r = Double(ring)
            let highest = min(90, abs(q.latitude) + (r + 1) * cellDegrees) * .pi / 180
            let lonGap = min(Double.pi, r * δ)
            let bound = min(earthMeanRadius * r * δ, 2 * earthMeanRadius * asin(min(1, cos(highest) * sin(lonGap / 2))))
            if found.count == limit, Chord.meters(forSquared: found[limit - 1].chord2) <= bound { break }
            if bound > radius { break }
            // Past the occupied rows and all the way round: nothing is left.
            if cy - ring <= minCellY, cy + ring >= maxCellY, 2 * ring + 1 >= columnsAround { break }
            ring += 1
            // Far from everything (or at a pole, where a ring's longitude gap bounds nothing):
            // past this many rings, one pass over every point is cheaper than more rings.
            if ring > Self.maximumRings { return scanAll(q, limit: limit, within: radius, where: accept) }
        }
        // Metres by the haversine, as everywhere else; order by them (ties by id).
        return found.map { Neighbor(id: $0.id, distance: q.distance(to: positions[Int($0.id)]!)) }
            .filter { $0.distance <= radius }
            .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }
}
