/// Quantities by SKU and store slot, in per-SKU posting lists sorted by slot.
///
/// Membership (which stores carry a SKU) and quantities live side by side in flat buffers, so
/// a stock change for a pair that exists is an in-place write, a new pair is one sorted insert,
/// and no spatial structure is touched. The buffers are raw memory owned by each list, so a
/// lookup on the hot path is a binary search over plain loads, with no reference counting.
final class StockTable: @unchecked Sendable {
    /// One SKU's carriers: slots ascending, with on-hand counts at the same index (8 bytes a
    /// carrier); or, for a SKU most stores carry, on hand indexed by slot directly (dense: no
    /// search, 4 bytes a store), with -1 where the store lacks it. Reserved counts, held only
    /// while reservations are open, sit apart by slot and cost nothing when there are none.
    final class Posting {
        private(set) var isDense = false
        private(set) var count = 0
        private(set) var capacity = 0
        private(set) var slots: UnsafeMutablePointer<Int32>
        private(set) var onHand: UnsafeMutablePointer<Int32>
        /// Reserved count by slot, for the slots that have any; nil when none has.
        private(set) var holds: [Int32: Int32]?

        init() {
            slots = .allocate(capacity: 1); onHand = .allocate(capacity: 1)
            capacity = 1
        }

        deinit {
            slots.deallocate(); onHand.deallocate()
        }

        @inline(__always)
        private func reserved(_ slot: Int32) -> Int {
            guard let holds else { return 0 }
            return Int(holds[slot] ?? 0)
        }

        private func setReserved(_ slot: Int32, _ r: Int32) {
            if r > 0 {
                if holds == nil { holds = [:] }
                holds![slot] = r
            } else if holds != nil {
                holds![slot] = nil
                if holds!.isEmpty { holds = nil }
            }
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
            if isDense {
                let s = Int(slot)
                guard s < capacity, onHand[s] >= 0 else { return 0 }
                return max(0, Int(onHand[s]) - reserved(slot))
            }
            let (i, found) = position(of: slot)
            return found ? max(0, Int(onHand[i]) - reserved(slot)) : 0
        }

        /// On hand and reserved at `slot`, nil when the store lacks the SKU.
        func level(_ slot: Int32) -> (onHand: Int, reserved: Int)? {
            if isDense {
                let s = Int(slot)
                guard s < capacity, onHand[s] >= 0 else { return nil }
                return (Int(onHand[s]), reserved(slot))
            }
            let (i, found) = position(of: slot)
            return found ? (Int(onHand[i]), reserved(slot)) : nil
        }

        func set(_ slot: Int32, onHand h: Int32, reserved r: Int32) {
            if isDense {
                let s = Int(slot)
                if s >= capacity { resizeDense(to: max(s + 1, capacity * 2)) }
                if onHand[s] < 0 { count += 1 }
                onHand[s] = max(0, h)
                setReserved(slot, r)
                return
            }
            // Past the last slot (a bulk load, store by store): appended without a search, which
            // on a cold list would cost a cache miss per step.
            if count == 0 || slots[count - 1] < slot {
                if count == capacity { grow() }
                slots[count] = slot
                onHand[count] = h
                count += 1
                setReserved(slot, r)
                return
            }
            let (i, found) = position(of: slot)
            if !found {
                if count == capacity { grow() }
                let tail = count - i
                (slots + i + 1).update(from: slots + i, count: tail)
                (onHand + i + 1).update(from: onHand + i, count: tail)
                slots[i] = slot
                count += 1
            }
            onHand[i] = h
            setReserved(slot, r)
        }

        func remove(_ slot: Int32) {
            if isDense {
                let s = Int(slot)
                if s < capacity, onHand[s] >= 0 { onHand[s] = -1; setReserved(slot, 0); count -= 1 }
                return
            }
            let (i, found) = position(of: slot)
            guard found else { return }
            let tail = count - i - 1
            slots.advanced(by: i).update(from: slots + i + 1, count: tail)
            onHand.advanced(by: i).update(from: onHand + i + 1, count: tail)
            setReserved(slot, 0)
            count -= 1
        }

        /// After a bulk load: goes dense when more than two stores in three carry the SKU,
        /// else gives back unused capacity.
        func compact(slotCount: Int) {
            if !isDense, slotCount > 0, count * 3 > slotCount * 2 {
                let denseOnHand = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
                denseOnHand.initialize(repeating: -1, count: slotCount)
                for i in 0..<count { denseOnHand[Int(slots[i])] = onHand[i] }
                onHand.deallocate()
                onHand = denseOnHand
                capacity = slotCount
                isDense = true
                return
            }
            guard !isDense, capacity > max(1, count) else { return }
            resize(to: max(1, count))
        }

        private func resizeDense(to newCapacity: Int) {
            let newOnHand = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
            newOnHand.initialize(from: onHand, count: capacity)
            (newOnHand + capacity).initialize(repeating: -1, count: newCapacity - capacity)
            onHand.deallocate()
            onHand = newOnHand
            capacity = newCapacity
        }

        private func grow() { resize(to: capacity * 2) }

        /// Appends another list's entries, all past this one's last slot (a load split by store
        /// ranges, joined in order). Both lists are still sparse.
        func append(contentsOf other: Posting) {
            precondition(!isDense && !other.isDense, "only lists still loading are joined")
            guard other.count > 0 else { return }
            precondition(count == 0 || slots[count - 1] < other.slots[0], "the joined list must come after this one")
            if count + other.count > capacity { resize(to: count + other.count) }
            (slots + count).initialize(from: other.slots, count: other.count)
            (onHand + count).initialize(from: other.onHand, count: other.count)
            count += other.count
            if let theirs = other.holds {
                if holds == nil { holds = [:] }
                holds!.merge(theirs) { _, new in new }
            }
        }

        private func resize(to newCapacity: Int) {
            func moved(_ old: UnsafeMutablePointer<Int32>) -> UnsafeMutablePointer<Int32> {
                let new = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
                new.initialize(from: old, count: count)
                old.deallocate()
                return new
            }
            slots = moved(slots); onHand = moved(onHand)
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

    /// Stock rows held, over every SKU.
    var rowCount: Int { postings.reduce(0) { $0 + $1.count } }

    /// How many stores carry the SKU at all.
    func storeCount(sku: Int) -> Int { postings[sku].count }

    func set(sku: Int, slot: Int32, onHand: Int, reserved: Int) {
        postings[sku].set(slot, onHand: Int32(clamping: onHand), reserved: Int32(clamping: reserved))
    }

    /// Sets many rows (a bulk load's), borrowing each list rather than retaining it per row.
    func set(_ rows: [StockRow]) {
        postings.withUnsafeBufferPointer { lists in
            for row in rows {
                lists[Int(row.sku)].set(row.store, onHand: row.onHand, reserved: row.reserved)
            }
        }
    }

    /// Appends every list of `other` to this one's (see ``Posting/append(contentsOf:)``).
    func append(contentsOf other: StockTable) {
        ensureSKUCount(other.postings.count)
        for (mine, theirs) in zip(postings, other.postings) { mine.append(contentsOf: theirs) }
    }

    /// Compacts every posting list for `slotCount` store slots (see ``Posting/compact(slotCount:)``).
    func compact(slotCount: Int) {
        for posting in postings { posting.compact(slotCount: slotCount) }
    }

    /// Bytes held per stored row, counting unused capacity.
    var bytesPerRow: Double {
        let rows = postings.reduce(0) { $0 + $1.count }
        // A held slot's entry in a dictionary takes about 4 times its 8 bytes of key and value.
        let bytes = postings.reduce(0) {
            $0 + $1.capacity * ($1.isDense ? 1 : 2) * MemoryLayout<Int32>.size + ($1.holds?.capacity ?? 0) * 32
        }
        return rows == 0 ? 0 : Double(bytes) / Double(rows)
    }

    /// Drops a store from every posting list (when the store is deleted).
    func removeAll(slot: Int32) {
        for posting in postings { posting.remove(slot) }
    }
}
