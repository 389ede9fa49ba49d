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
