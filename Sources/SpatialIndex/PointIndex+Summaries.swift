import GeoCore

/// Bit masks summarising what lies below each node of a ``PointIndex``: bit b of a node is set
/// when some item in its subtree has bit b. A search that needs bit b skips every subtree whose
/// mask lacks it, without looking at the items (RESEARCH: per-node summaries prune subtrees).
public struct NodeSummaries: Sendable {
    /// 64-bit words per node.
    public let words: Int
    /// The masks, `words` per node, at the node's key: its median position, or its first
    /// position for a leaf (no position is both).
    @usableFromInline let masks: [UInt64]
    /// Each item's own mask, by tree position: an item without the bit never enters the queue.
    @usableFromInline let own: [UInt64]

    @inlinable
    func has(key: Int, bit: Int) -> Bool {
        masks[key * words + bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    @inlinable
    func item(at position: Int, has bit: Int) -> Bool {
        own[position * words + bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}

extension PointIndex {
    /// Summaries from each item's own mask (`words` words written by `mask(id, &buffer)`).
    public func summaries(words: Int, mask: (Int32, inout [UInt64]) -> Void) -> NodeSummaries {
        var masks = [UInt64](repeating: 0, count: max(1, ids.count) * words)
        var itemMask = [UInt64](repeating: 0, count: words)
        var own = [UInt64](repeating: 0, count: ids.count * words)
        for position in ids.indices {
            for w in 0..<words { itemMask[w] = 0 }
            mask(ids[position], &itemMask)
            for w in 0..<words { own[position * words + w] = itemMask[w] }
        }
        func fill(_ left: Int, _ right: Int) -> [UInt64] {
            var total = [UInt64](repeating: 0, count: words)
            if right < left { return total }
            if right - left < nodeSize {
                for p in left...right { for w in 0..<words { total[w] |= own[p * words + w] } }
                for w in 0..<words { masks[left * words + w] = total[w] }
                return total
            }
            let m = (left + right) >> 1
            let low = fill(left, m - 1), high = fill(m + 1, right)
            for w in 0..<words { total[w] = low[w] | high[w] | own[m * words + w] }
            for w in 0..<words { masks[m * words + w] = total[w] }
            return total
        }
        _ = fill(0, ids.count - 1)
        return NodeSummaries(words: words, masks: masks, own: own)
    }

    /// The summary key of the node covering `left...right`.
    @inlinable @inline(__always)
    func summaryKey(_ left: Int, _ right: Int) -> Int {
        right - left < nodeSize ? left : (left + right) >> 1
    }
}

/// A longitude/latitude box per node of a ``PointIndex`` holding the boxes of every item below
/// (say, how far each store delivers). A search for a point skips every subtree whose box does
/// not contain it, and every item whose own box does not: at a point few stores reach, the
/// search stops at the edge of their reach instead of walking the whole index.
public struct NodeBoxes: Sendable {
    /// minLon, minLat, maxLon, maxLat per node key (empty boxes are inverted and contain nothing).
    @usableFromInline let boxes: [Double]
    @usableFromInline let own: [Double]

    @inlinable
    func node(key: Int, contains lon: Double, _ lat: Double) -> Bool {
        lon >= boxes[4 * key] && lat >= boxes[4 * key + 1] && lon <= boxes[4 * key + 2] && lat <= boxes[4 * key + 3]
    }

    @inlinable
    func item(at position: Int, contains lon: Double, _ lat: Double) -> Bool {
        lon >= own[4 * position] && lat >= own[4 * position + 1] && lon <= own[4 * position + 2] && lat <= own[4 * position + 3]
    }
}

extension PointIndex {
    /// Node boxes from each item's own box (nil: the item reaches nowhere).
    public func boxes(_ box: (Int32) -> BoundingBox?) -> NodeBoxes {
        let empty = [Double.infinity, Double.infinity, -Double.infinity, -Double.infinity]
        var own = [Double](repeating: 0, count: ids.count * 4)
        for position in ids.indices {
            let b = box(ids[position])
            let values = b.map { [$0.southWest.longitude, $0.southWest.latitude, $0.northEast.longitude, $0.northEast.latitude] } ?? empty
            for k in 0..<4 { own[4 * position + k] = values[k] }
        }
        var boxes = [Double](repeating: 0, count: max(1, ids.count) * 4)
        func union(_ a: inout [Double], _ b: ArraySlice<Double>) {
            a[0] = min(a[0], b[b.startIndex]); a[1] = min(a[1], b[b.startIndex + 1])
            a[2] = max(a[2], b[b.startIndex + 2]); a[3] = max(a[3], b[b.startIndex + 3])
        }
        func fill(_ left: Int, _ right: Int) -> [Double] {
            var total = empty
            if right < left { return total }
            if right - left < nodeSize {
                for p in left...right { union(&total, own[(4 * p)..<(4 * p + 4)]) }
                for k in 0..<4 { boxes[4 * left + k] = total[k] }
                return total
            }
            let m = (left + right) >> 1
            let low = fill(left, m - 1), high = fill(m + 1, right)
            union(&total, low[...]); union(&total, high[...]); union(&total, own[(4 * m)..<(4 * m + 4)])
            for k in 0..<4 { boxes[4 * m + k] = total[k] }
            return total
        }
        _ = fill(0, ids.count - 1)
        return NodeBoxes(boxes: boxes, own: own)
    }
}
