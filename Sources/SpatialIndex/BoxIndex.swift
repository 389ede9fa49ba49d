import GeoCore

/// A static packed Hilbert R-tree over latitude/longitude boxes, in the manner of flatbush:
/// items are `0..<count` in insertion order, boxes are sorted by the Hilbert value of their
/// centres and packed `nodeSize` to a node, level by level, into flat arrays; no object per node.
public struct BoxIndex: Sendable {
    public let nodeSize: Int
    /// minLon, minLat, maxLon, maxLat of every node, leaves (the items) first.
    private let boxes: [Double]
    /// For a leaf: the item id; for an inner node: the position of its first child.
    private let indices: [Int32]
    /// One past the last node of each level, leaves first, root last.
    private let levelEnds: [Int]
    public let count: Int

    /// Builds the tree; item `i` is `boxes[i]`.
    public init(_ items: [BoundingBox], nodeSize: Int = 16) {
        precondition(nodeSize >= 2)
        self.nodeSize = nodeSize
        count = items.count
        guard !items.isEmpty else {
            boxes = []; indices = []; levelEnds = [0]
            return
        }
        var bounds = items[0]
        for b in items.dropFirst() { bounds = bounds.union(b) }
        // Hilbert sort of the centres on a 2^16 grid over the whole extent.
        let width = max(bounds.northEast.longitude - bounds.southWest.longitude, 1e-12)
        let height = max(bounds.northEast.latitude - bounds.southWest.latitude, 1e-12)
        let hilbertMax = Double((1 << 16) - 1)
        var order = items.indices.map { i -> (UInt32, Int32) in
            let b = items[i]
            let cx = ((b.southWest.longitude + b.northEast.longitude) / 2 - bounds.southWest.longitude) / width
            let cy = ((b.southWest.latitude + b.northEast.latitude) / 2 - bounds.southWest.latitude) / height
            return (hilbert(UInt32(cx * hilbertMax), UInt32(cy * hilbertMax)), Int32(i))
        }
        order.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }

        // levelEnds[k]: one past the last node of level k, leaves (level 0) first, root last.
        var levelEnds = [items.count]
        var n = items.count, total = items.count
        repeat {
            n = (n + nodeSize - 1) / nodeSize
            total += n
            levelEnds.append(total)
        } while n > 1
        var boxes = [Double](repeating: 0, count: total * 4)
        var indices = [Int32](repeating: 0, count: total)
        for (pos, (_, id)) in order.enumerated() {
            let b = items[Int(id)]
            boxes[4 * pos] = b.southWest.longitude; boxes[4 * pos + 1] = b.southWest.latitude
            boxes[4 * pos + 2] = b.northEast.longitude; boxes[4 * pos + 3] = b.northEast.latitude
            indices[pos] = id
        }
        // Each parent takes the union of `nodeSize` consecutive children and points at the first.
        var write = items.count, levelStart = 0
        for level in 0..<(levelEnds.count - 1) {
            let levelEnd = levelEnds[level]
            var child = levelStart
            while child < levelEnd {
                var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
                for j in child..<min(child + nodeSize, levelEnd) {
                    minX = min(minX, boxes[4 * j]); minY = min(minY, boxes[4 * j + 1])
                    maxX = max(maxX, boxes[4 * j + 2]); maxY = max(maxY, boxes[4 * j + 3])
                }
                boxes[4 * write] = minX; boxes[4 * write + 1] = minY
                boxes[4 * write + 2] = maxX; boxes[4 * write + 3] = maxY
                indices[write] = Int32(child)
                write += 1
                child += nodeSize
            }
            levelStart = levelEnd
        }
        self.boxes = boxes
        self.indices = indices
        self.levelEnds = levelEnds
    }

    /// Calls `visit` with every item whose box intersects `query`; stop early by returning false.
    public func search(_ query: BoundingBox, _ visit: (Int32) -> Bool) {
        guard count > 0 else { return }
        let qMinX = query.southWest.longitude, qMinY = query.southWest.latitude
        let qMaxX = query.northEast.longitude, qMaxY = query.northEast.latitude
        // Pending nodes as (first child position, level of those children).
        var pending: [(Int, Int)] = [(levelEnds[levelEnds.count - 1] - 1, levelEnds.count - 1)]
        pending.reserveCapacity(32)
        while let (first, level) = pending.popLast() {
            let end = min(first + nodeSize, levelEnds[level])
            let isRoot = level == levelEnds.count - 1
            for pos in first..<(isRoot ? first + 1 : end) {
                if qMaxX < boxes[4 * pos] || qMaxY < boxes[4 * pos + 1]
                    || qMinX > boxes[4 * pos + 2] || qMinY > boxes[4 * pos + 3] { continue }
                if level == 0 {
                    if !visit(indices[pos]) { return }
                } else {
                    pending.append((Int(indices[pos]), level - 1))
                }
            }
        }
    }

    /// The ids of every item whose box intersects `query`, into `results` (cleared first).
    public func search(_ query: BoundingBox, into results: inout [Int32]) {
        results.removeAll(keepingCapacity: true)
        search(query) { results.append($0); return true }
    }

    /// The ids of every item whose box contains `point`.
    public func search(containing point: Coordinate, into results: inout [Int32]) {
        search(BoundingBox(southWest: point, northEast: point), into: &results)
    }
}

/// The Hilbert curve index of (x, y) on a 2^16 × 2^16 grid (after Warren, "Hacker's Delight"
/// and flatbush's bit-twiddling form).
func hilbert(_ x: UInt32, _ y: UInt32) -> UInt32 {
    var a = x ^ y
    var b = 0xFFFF ^ a
    var c = 0xFFFF ^ (x | y)
    var d = x & (y ^ 0xFFFF)
    var A = a | (b >> 1)
    var B = (a >> 1) ^ a
    var C = ((c >> 1) ^ (b & (d >> 1))) ^ c
    var D = ((a & (c >> 1)) ^ (d >> 1)) ^ d

    a = A; b = B; c = C; d = D
    A = (a & (a >> 2)) ^ (b & (b >> 2))
    B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2))
    C ^= (a & (c >> 2)) ^ (b & (d >> 2))
    D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2))

    a = A; b = B; c = C; d = D
    A = (a & (a >> 4)) ^ (b & (b >> 4))
    B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4))
    C ^= (a & (c >> 4)) ^ (b & (d >> 4))
    D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4))

    a = A; b = B; c = C; d = D
    C ^= (a & (c >> 8)) ^ (b & (d >> 8))
    D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8))

    a = C ^ (C >> 1)
    b = D ^ (D >> 1)

    var i0 = x ^ y
    var i1 = b | (0xFFFF ^ (i0 | a))

    i0 = (i0 | (i0 << 8)) & 0x00FF00FF
    i0 = (i0 | (i0 << 4)) & 0x0F0F0F0F
    i0 = (i0 | (i0 << 2)) & 0x33333333
    i0 = (i0 | (i0 << 1)) & 0x55555555

    i1 = (i1 | (i1 << 8)) & 0x00FF00FF
    i1 = (i1 | (i1 << 4)) & 0x0F0F0F0F
    i1 = (i1 | (i1 << 2)) & 0x33333333
    i1 = (i1 | (i1 << 1)) & 0x55555555

    return (i1 << 1) | i0
}
