import Foundation
import GeoCore

/// One answer of a nearest search: an item and its great-circle distance.
public struct Neighbor: Hashable, Sendable {
    public var id: Int32
    public var distance: Meters

    public init(id: Int32, distance: Meters) {
        self.id = id
        self.distance = distance
    }
}

/// Reusable working memory for nearest searches, so that a search allocates nothing once the
/// buffers have grown to fit. Not thread-safe: one per thread or task at a time.
public final class NearestScratch {
    @usableFromInline var heap: [QueueEntry] = []
    @usableFromInline var nodes: [PendingNode] = []

    public init(capacity: Int = 256) {
        heap.reserveCapacity(capacity)
        nodes.reserveCapacity(capacity)
    }
}

/// A node or an item waiting in the best-first queue, keyed by squared chord: 16 bytes, so
/// that sifting moves little memory.
@usableFromInline
struct QueueEntry {
    @usableFromInline var key: Double
    /// `-1 - position` for an item; for a node, its index in the pending-node list.
    @usableFromInline var ref: Int32

    @usableFromInline
    init(key: Double, ref: Int32) { self.key = key; self.ref = ref }
}

/// A node's range and box, kept beside the queue rather than in it.
@usableFromInline
struct PendingNode {
    @usableFromInline var left: Int32
    @usableFromInline var right: Int32
    @usableFromInline var box: Box3

    @usableFromInline
    init(left: Int32, right: Int32, box: Box3) { self.left = left; self.right = right; self.box = box }
}

extension PointIndex {
    /// The nearest items to `point`, nearest first, keeping only those for which `accept`
    /// returns true and stopping at `limit` of them or at `radius` metres.
    ///
    /// This is best-first search (Hjaltason & Samet): nodes and items share one priority queue
    /// keyed by their lower-bound distance, so items leave it in exact distance order and
    /// `accept` runs only on the items that reach the front: the filter sits inside the
    /// traversal and nothing is gathered only to be dropped. Results go into `results`
    /// (cleared first), and `scratch` holds the queue between calls. With `requiring`, subtrees
    /// whose summary lacks the bit are never entered; with `reaching`, neither are subtrees
    /// whose box does not contain `point`; items failing either never enter the queue.
    @inlinable
    public func nearest(
        to point: Coordinate, limit: Int, within radius: Meters = .infinity,
        scratch: NearestScratch, into results: inout [Neighbor],
        requiring bit: (summaries: NodeSummaries, bit: Int)? = nil,
        reaching reach: NodeBoxes? = nil,
        where accept: (Int32) -> Bool
    ) {
        results.removeAll(keepingCapacity: true)
        guard limit > 0, !ids.isEmpty else { return }
        let q = UnitVector(point)
        let maxChord2 = radius.isFinite ? Chord.squared(forMeters: radius) : 4.0
        let rootKey = rootBox.distanceSquared(q)
        guard rootKey <= maxChord2 else { return }
        if let bit, !bit.summaries.has(key: summaryKey(0, ids.count - 1), bit: bit.bit) { return }
        let lon = point.longitude, lat = point.latitude
        if let reach, !reach.node(key: summaryKey(0, ids.count - 1), contains: lon, lat) { return }
        // The queue leaves the scratch for the search (its buffer moves, nothing is copied), so
        // that pushes and pops touch local arrays rather than class properties.
        var heap = scratch.heap, nodes = scratch.nodes
        scratch.heap = []; scratch.nodes = []
        heap.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        defer { scratch.heap = heap; scratch.nodes = nodes }
        ids.withUnsafeBufferPointer { ids in
        xyz.withUnsafeBufferPointer { xyz in
        splitAxis.withUnsafeBufferPointer { axes in
            nodes.append(PendingNode(left: 0, right: Int32(ids.count - 1), box: rootBox))
            Self.push(&heap, QueueEntry(key: rootKey, ref: 0))
            while let top = Self.pop(&heap) {
                if top.key > maxChord2 { break }
                if top.ref < 0 {
                    // An item: its key is its exact chord, and nothing left in the queue is nearer.
                    let position = Int(-1 - top.ref)
                    if accept(ids[position]) {
                        results.append(Neighbor(id: ids[position], distance: Chord.meters(forSquared: top.key)))
                        if results.count == limit { break }
                    }
                    continue
                }
                let node = nodes[Int(top.ref)]
                let left = Int(node.left), right = Int(node.right)
                if right - left < nodeSize {
                    for i in left...right {
                        if let bit, !bit.summaries.item(at: i, has: bit.bit) { continue }
                        if let reach, !reach.item(at: i, contains: lon, lat) { continue }
                        let d = q.chordSquared(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2])
                        if d <= maxChord2 { Self.push(&heap, QueueEntry(key: d, ref: Int32(-1 - i))) }
                    }
                    continue
                }
                let m = (left + right) >> 1
                let axis = Int(axes[m])
                let split = xyz[3 * m + axis]
                let d = q.chordSquared(xyz[3 * m], xyz[3 * m + 1], xyz[3 * m + 2])
                if d <= maxChord2, bit.map({ $0.summaries.item(at: m, has: $0.bit) }) ?? true,
                   reach?.item(at: m, contains: lon, lat) ?? true {
                    Self.push(&heap, QueueEntry(key: d, ref: Int32(-1 - m)))
                }
                var lowBox = node.box, highBox = node.box
                switch axis {
                case 0: lowBox.maxX = split; highBox.minX = split
                case 1: lowBox.maxY = split; highBox.minY = split
                default: lowBox.maxZ = split; highBox.minZ = split
                }
                if m - 1 >= left, bit.map({ $0.summaries.has(key: summaryKey(left, m - 1), bit: $0.bit) }) ?? true,
                   reach?.node(key: summaryKey(left, m - 1), contains: lon, lat) ?? true {
                    let k = lowBox.distanceSquared(q)
                    if k <= maxChord2 {
                        nodes.append(PendingNode(left: Int32(left), right: Int32(m - 1), box: lowBox))
                        Self.push(&heap, QueueEntry(key: k, ref: Int32(nodes.count - 1)))
                    }
                }
                if right >= m + 1, bit.map({ $0.summaries.has(key: summaryKey(m + 1, right), bit: $0.bit) }) ?? true,
                   reach?.node(key: summaryKey(m + 1, right), contains: lon, lat) ?? true {
                    let k = highBox.distanceSquared(q)
                    if k <= maxChord2 {
                        nodes.append(PendingNode(left: Int32(m + 1), right: Int32(right), box: highBox))
                        Self.push(&heap, QueueEntry(key: k, ref: Int32(nodes.count - 1)))
                    }
                }
            }
        }}}
    }

    /// Every item within `radius` metres of `point`, in no particular order.
    public func within(_ radius: Meters, of point: Coordinate, into results: inout [Neighbor]) {
        results.removeAll(keepingCapacity: true)
        guard !ids.isEmpty else { return }
        let q = UnitVector(point)
        let maxChord2 = Chord.squared(forMeters: radius)
        var stack: [(Int, Int, Box3)] = [(0, ids.count - 1, rootBox)]
        while let (left, right, box) = stack.popLast() {
            if box.distanceSquared(q) > maxChord2 { continue }
            if right - left < nodeSize {
                for i in left...right {
                    let d = q.chordSquared(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2])
                    if d <= maxChord2 { results.append(Neighbor(id: ids[i], distance: Chord.meters(forSquared: d))) }
                }
                continue
            }
            let m = (left + right) >> 1
            let axis = Int(splitAxis[m]), split = xyz[3 * m + axis]
            let d = q.chordSquared(xyz[3 * m], xyz[3 * m + 1], xyz[3 * m + 2])
            if d <= maxChord2 { results.append(Neighbor(id: ids[m], distance: Chord.meters(forSquared: d))) }
            var lowBox = box, highBox = box
            switch axis {
            case 0: lowBox.maxX = split; highBox.minX = split
            case 1: lowBox.maxY = split; highBox.minY = split
            default: lowBox.maxZ = split; highBox.minZ = split
            }
            if m - 1 >= left { stack.append((left, m - 1, lowBox)) }
            if right >= m + 1 { stack.append((m + 1, right, highBox)) }
        }
    }

    @inlinable @inline(__always)
    static func push(_ heap: inout [QueueEntry], _ entry: QueueEntry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if heap[parent].key <= entry.key { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    @inlinable @inline(__always)
    static func pop(_ heap: inout [QueueEntry]) -> QueueEntry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        let count = heap.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, heap[child + 1].key < heap[child].key { child += 1 }
            if last.key <= heap[child].key { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}
