/// Quantities by SKU and store slot, in per-SKU posting lists sorted by slot.
///
/// Membership (which stores carry a SKU) and quantities live side by side in flat buffers, so
/// a stock change for a pair that exists is an in-place write, a new pair is one sorted insert,
/// and no spatial structure is touched. The buffers are raw memory owned by each list, so a
/// lookup on the hot path is a binary search over plain loads, with no reference counting.
final class StockTable: @unchecked Sendable {
    /// One SKU's carriers: slots ascending, with on-hand and reserved counts at the same index.
    final class Posting {
        private(set) var count = 0
        private(set) var capacity = 0
        private(set) var slots: UnsafeMutablePointer<Int32>
        private(set) var onHand: UnsafeMutablePointer<Int32>
        private(set) var reserved: UnsafeMutablePointer<Int32>

        init() {
            slots = .allocate(capacity: 1); onHand = .allocate(capacity: 1); reserved = .allocate(capacity: 1)
            capacity = 1
        }

        deinit {
            slots.deallocate(); onHand.deallocate(); reserved.deallocate()
        }

        /// Where `slot` is, or would go.
        @inline(__always)
        func position(of slot: Int32) -> (index: Int, found: Bool) {
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if slots[mid] < slot { lo = mid + 1 } else { hi = mid }
            }
            return (lo, lo < count && slots[lo] == slot)
        }

        @inline(__always)
        func available(_ slot: Int32) -> Int {
            let (i, found) = position(of: slot)
            return found ? max(0, Int(onHand[i]) - Int(reserved[i])) : 0
        }

        func set(_ slot: Int32, onHand h: Int32, reserved r: Int32) {
            let (i, found) = position(of: slot)
            if !found {
                if count == capacity { grow() }
                let tail = count - i
                (slots + i + 1).update(from: slots + i, count: tail)
                (onHand + i + 1).update(from: onHand + i, count: tail)
                (reserved + i + 1).update(from: reserved + i, count: tail)
                slots[i] = slot
                count += 1
            }
            onHand[i] = h
            reserved[i] = r
        }

        func remove(_ slot: Int32) {
            let (i, found) = position(of: slot)
            guard found else { return }
            let tail = count - i - 1
            slots.advanced(by: i).update(from: slots + i + 1, count: tail)
            onHand.advanced(by: i).update(from: onHand + i + 1, count: tail)
            reserved.advanced(by: i).update(from: reserved + i + 1, count: tail)
            count -= 1
        }

        /// Gives back unused capacity (after a bulk load).
        func shrinkToFit() {
            guard capacity > max(1, count) else { return }
            resize(to: max(1, count))
        }

        private func grow() { resize(to: capacity * 2) }

        private func resize(to newCapacity: Int) {
            func moved(_ old: UnsafeMutablePointer<Int32>) -> UnsafeMutablePointer<Int32> {
                let new = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
                new.initialize(from: old, count: count)
                old.deallocate()
                return new
            }
            slots = moved(slots); onHand = moved(onHand); reserved = moved(reserved)
            capacity = newCapacity
        }
    }

    private(set) var postings: [Posting] = []

    func ensureSKUCount(_ count: Int) {
        while postings.count < count { postings.append(Posting()) }
    }

    /// Available quantity (on hand less reserved, not below zero); 0 when the store never had it.
    @inline(__always)
    func available(sku: Int, slot: Int32) -> Int { postings[sku].available(slot) }

    /// How many stores carry the SKU at all.
    func storeCount(sku: Int) -> Int { postings[sku].count }

    func set(sku: Int, slot: Int32, onHand: Int, reserved: Int) {
        postings[sku].set(slot, onHand: Int32(clamping: onHand), reserved: Int32(clamping: reserved))
    }

    /// Gives back the spare capacity of every posting list.
    func shrinkToFit() {
        for posting in postings { posting.shrinkToFit() }
    }

    /// Bytes held per stored row, counting unused capacity.
    var bytesPerRow: Double {
        let rows = postings.reduce(0) { $0 + $1.count }
        let bytes = postings.reduce(0) { $0 + $1.capacity * 3 * MemoryLayout<Int32>.size }
        return rows == 0 ? 0 : Double(bytes) / Double(rows)
    }

    /// Drops a store from every posting list (when the store is deleted).
    func removeAll(slot: Int32) {
        for posting in postings { posting.remove(slot) }
    }
}
