/// Quantities by SKU and store slot, in per-SKU posting lists sorted by slot.
///
/// Membership (which stores carry a SKU) and quantities live side by side in flat arrays, so a
/// stock change for a pair that exists is an in-place write, a new pair is one sorted insert,
/// and no spatial structure is touched.
struct StockTable: Sendable {
    struct Posting: Sendable {
        var slots: [Int32] = []
        var onHand: [Int32] = []
        var reserved: [Int32] = []
    }

    private(set) var postings: [Posting] = []

    mutating func ensureSKUCount(_ count: Int) {
        while postings.count < count { postings.append(Posting()) }
    }

    /// Where `slot` is (or would go) in SKU `sku`'s posting list.
    @inline(__always)
    func position(sku: Int, slot: Int32) -> (index: Int, found: Bool) {
        postings[sku].slots.withUnsafeBufferPointer { slots in
            var lo = 0, hi = slots.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if slots[mid] < slot { lo = mid + 1 } else { hi = mid }
            }
            return (lo, lo < slots.count && slots[lo] == slot)
        }
    }

    /// Available quantity (on hand less reserved, not below zero); 0 when the store never had it.
    @inline(__always)
    func available(sku: Int, slot: Int32) -> Int {
        let (i, found) = position(sku: sku, slot: slot)
        guard found else { return 0 }
        let p = postings[sku]
        return max(0, Int(p.onHand[i]) - Int(p.reserved[i]))
    }

    /// How many stores carry the SKU at all.
    func storeCount(sku: Int) -> Int { postings[sku].slots.count }

    mutating func set(sku: Int, slot: Int32, onHand: Int, reserved: Int) {
        let (i, found) = position(sku: sku, slot: slot)
        let h = Int32(clamping: onHand), r = Int32(clamping: reserved)
        if found {
            postings[sku].onHand[i] = h
            postings[sku].reserved[i] = r
        } else {
            postings[sku].slots.insert(slot, at: i)
            postings[sku].onHand.insert(h, at: i)
            postings[sku].reserved.insert(r, at: i)
        }
    }

    /// Drops a store from every posting list (when the store is deleted).
    mutating func removeAll(slot: Int32) {
        for sku in postings.indices {
            let (i, found) = position(sku: sku, slot: slot)
            if found {
                postings[sku].slots.remove(at: i)
                postings[sku].onHand.remove(at: i)
                postings[sku].reserved.remove(at: i)
            }
        }
    }
}
