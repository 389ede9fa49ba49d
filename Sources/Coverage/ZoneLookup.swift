import Foundation
import GeoCore
import SpatialIndex

/// Finds the zones that contain a point: a uniform grid of cells over the zones' boxes lists,
/// for each cell, the zones that hold all of it (no test needed) and the zones whose boundary
/// crosses it (tested with `RingIndex`, where a circle inside and one around each ring decide
/// most points without an edge test); zones that miss the cell are not listed.
struct ZoneLookup: Sendable {
    struct Entry: Sendable {
        var store: Int32
        var zoneID: Int64
        var feeMinor: Int
        var isExclusion: Bool
        /// Polygons as (exterior ring, first hole, end of holes) into `rings`.
        var polygons: [(exterior: Int32, holes: Range<Int32>)]
    }

    let entries: [Entry]
    let rings: RingIndex
    let minLat: Double, minLon: Double, cell: Double
    let columns: Int, rows: Int
    let cellStart: [Int32]
    /// Entry e as e when the point must be tested, as -(e + 1) when the cell lies inside it.
    let cellEntries: [Int32]

    init(_ stores: [CoverageStore]) {
        var entries: [Entry] = [], rings: [[Coordinate]] = [], boxes: [BoundingBox] = []
        for (s, store) in stores.enumerated() {
            for zone in store.zones {
                var polygons: [(Int32, Range<Int32>)] = []
                for p in zone.area.polygons {
                    let exterior = Int32(rings.count)
                    rings.append(p.exterior.coordinates)
                    let first = Int32(rings.count)
                    for h in p.holes { rings.append(h.coordinates) }
                    polygons.append((exterior, first..<Int32(rings.count)))
                }
                guard let box = zone.area.boundingBox else { continue }
                entries.append(Entry(store: Int32(s), zoneID: zone.id, feeMinor: zone.feeMinor, isExclusion: zone.kind == .exclusion,
                                     polygons: polygons))
                boxes.append(box)
            }
        }
        self.entries = entries
        self.rings = RingIndex(rings)
        let all = boxes.reduce(into: Optional<BoundingBox>.none) { $0 = $0?.union($1) ?? $1 }
            ?? BoundingBox(southWest: .init(latitude: 0, longitude: 0), northEast: .init(latitude: 0, longitude: 0))
        minLat = all.southWest.latitude; minLon = all.southWest.longitude
        let height = max(all.northEast.latitude - minLat, 1e-9), width = max(all.northEast.longitude - minLon, 1e-9)
        // Cells about a thirty-second of a typical zone's side (small enough that most lie
        // wholly inside or outside a zone), and never more than 4 M of them.
        let typical = boxes.isEmpty ? 0.01 : boxes.map { $0.northEast.latitude - $0.southWest.latitude }.sorted()[boxes.count / 2]
        var cell = max(typical / 32, 1e-5)
        while (height / cell + 1) * (width / cell + 1) > 4_000_000 { cell *= 2 }
        self.cell = cell
        let rows = Int(height / cell) + 1, columns = Int(width / cell) + 1
        self.rows = rows; self.columns = columns
        // Per zone, the cells of its box: crossed by an edge of one of its rings (a closed
        // test on the edge's box, so a cell an edge only touches counts as crossed), else
        // wholly inside or wholly outside, as its centre is.
        var pairs: [(cell: Int32, tag: Int32)] = []
        for (e, b) in boxes.enumerated() {
            let r0 = max(0, Int((b.southWest.latitude - minLat) / cell)), r1 = min(rows - 1, Int((b.northEast.latitude - minLat) / cell))
            let c0 = max(0, Int((b.southWest.longitude - minLon) / cell)), c1 = min(columns - 1, Int((b.northEast.longitude - minLon) / cell))
            let width = c1 - c0 + 1
            var crossed = [Bool](repeating: false, count: (r1 - r0 + 1) * width)
            for (exterior, holes) in entries[e].polygons {
                for ring in [exterior] + Array(holes) {
                    let points = rings[Int(ring)]
                    for i in 0..<(points.count - 1) {
                        let a = points[i], z = points[i + 1]
                        let lo = max(r0, Int((min(a.latitude, z.latitude) - minLat) / cell))
                        let hi = min(r1, Int((max(a.latitude, z.latitude) - minLat) / cell))
                        let left = max(c0, Int((min(a.longitude, z.longitude) - minLon) / cell))
                        let right = min(c1, Int((max(a.longitude, z.longitude) - minLon) / cell))
                        guard lo <= hi, left <= right else { continue }
                        for r in lo...hi { for c in left...right { crossed[(r - r0) * width + c - c0] = true } }
                    }
                }
            }
            for r in r0...r1 {
                // A run of uncrossed cells along a row holds no boundary point, so one test
                // (at the first cell's centre) answers for the whole run.
                var inside: Bool? = nil
                for c in c0...c1 {
                    let index = Int32(r * columns + c)
                    if crossed[(r - r0) * width + c - c0] {
                        pairs.append((index, Int32(e)))
                        inside = nil
                        continue
                    }
                    if inside == nil {
                        inside = Self.contains(entries, self.rings, e, minLon + (Double(c) + 0.5) * cell, minLat + (Double(r) + 0.5) * cell)
                    }
                    if inside == true { pairs.append((index, -Int32(e) - 1)) }
                }
            }
        }
        // Counting sort of the pairs by cell, over buffers: the grid has up to 4 M cells.
        var counts = [Int32](repeating: 0, count: rows * columns + 1)
        var list = [Int32](repeating: 0, count: pairs.count)
        counts.withUnsafeMutableBufferPointer { counts in
            for p in pairs { counts[Int(p.cell) + 1] += 1 }
            var i = 1, sum: Int32 = 0
            while i < counts.count { sum += counts[i]; counts[i] = sum; i += 1 }
            // Each pair into its cell's next free slot, which moves each start to its end.
            list.withUnsafeMutableBufferPointer { list in
                for p in pairs { list[Int(counts[Int(p.cell)])] = p.tag; counts[Int(p.cell)] += 1 }
            }
            // Every cell's start moved up to its end, which is the next cell's start.
            i = counts.count - 1
            while i > 0 { counts[i] = counts[i - 1]; i -= 1 }
            counts[0] = 0
        }
        cellStart = counts; cellEntries = list
    }

    func contains(_ e: Int, _ lon: Double, _ lat: Double) -> Bool {
        Self.contains(entries, rings, e, lon, lat)
    }

    static func contains(_ entries: [Entry], _ rings: RingIndex, _ e: Int, _ lon: Double, _ lat: Double) -> Bool {
        for (exterior, holes) in entries[e].polygons where rings.ring(Int(exterior), contains: lon, lat) {
            if !holes.contains(where: { rings.ring(Int($0), contains: lon, lat) }) { return true }
        }
        return false
    }

    /// The delivery zones (entry indexes) that contain the point and whose store does not
    /// exclude it, appended to `hits`.
    func deliveringZones(_ c: Coordinate, into hits: inout [Int32], excluded: inout [Int32]) {
        let r = Int((c.latitude - minLat) / cell), col = Int((c.longitude - minLon) / cell)
        guard c.latitude >= minLat, c.longitude >= minLon, r < rows, col < columns else { return }
        let cellIndex = r * columns + col
        excluded.removeAll(keepingCapacity: true)
        let start = hits.count
        for k in Int(cellStart[cellIndex])..<Int(cellStart[cellIndex + 1]) {
            let tagged = Int(cellEntries[k])
            let e = tagged < 0 ? -tagged - 1 : tagged
            guard tagged < 0 || contains(e, c.longitude, c.latitude) else { continue }
            if entries[e].isExclusion { excluded.append(entries[e].store) } else { hits.append(Int32(e)) }
        }
        if !excluded.isEmpty {
            // An exclusion overrides every delivery zone of its own store.
            var kept = start
            for i in start..<hits.count where !excluded.contains(entries[Int(hits[i])].store) {
                hits[kept] = hits[i]; kept += 1
            }
            hits.removeSubrange(kept...)
        }
    }
}
