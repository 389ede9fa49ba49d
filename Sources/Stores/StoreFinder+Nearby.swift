import Foundation
import GeoCore
import Kernel
import SpatialIndex

/// One row of a nearby search before it is dressed for output.
public struct NearbyHit: Hashable, Sendable {
    public var storeID: StoreID
    /// Great-circle metres on the WGS84 mean radius: 2R·asin(chord / 2), which is the haversine
    /// distance by another road (the tests hold it to the haversine formula within 1e-6 m).
    public var distance: Meters
    /// Index of the serving zone record in the finder's snapshot, or -1.
    var zoneRecord: Int32
    var slot: Int32
}

/// Reusable working memory for ``StoreFinder`` searches: with one per thread, a search
/// allocates nothing once its buffers have grown. Not thread-safe.
public final class FinderScratch {
    let nearest = NearestScratch()
    var neighbors: [Neighbor] = []
    var skuIndices: [Int] = []
    var quantities: [Int] = []
    var minuteByTimeZone: [Int] = []
    var candidates: [(key: Double, slot: Int32)] = []
    var zonesFound: [Int32] = []
    /// The rows of the last search.
    public internal(set) var hits: [NearbyHit] = []

    public init() {
        neighbors.reserveCapacity(NearbyQuery.maximumLimit)
        hits.reserveCapacity(NearbyQuery.maximumLimit)
        skuIndices.reserveCapacity(8); quantities.reserveCapacity(8)
        minuteByTimeZone.reserveCapacity(8)
        candidates.reserveCapacity(1024)
        zonesFound.reserveCapacity(NearbyQuery.maximumLimit)
    }
}

/// Scratch buffers lent to concurrent callers of the allocating API.
final class ScratchPool: @unchecked Sendable {
    private var free: [FinderScratch] = []
    private let lock = NSLock()

    func borrow() -> FinderScratch {
        lock.lock(); defer { lock.unlock() }
        return free.popLast() ?? FinderScratch()
    }

    func giveBack(_ scratch: FinderScratch) {
        lock.lock(); defer { lock.unlock() }
        if free.count < 64 { free.append(scratch) }
    }
}

extension StoreFinder {
    /// Runs the search and leaves its rows in `scratch.hits`, nearest first; the allocation-free
    /// form for callers that keep a scratch per thread.
    public func search(_ query: NearbyQuery, scratch: FinderScratch) throws(DomainError) {
        try query.validate()
        try lock.withReadLock { () throws(DomainError) in try searchLocked(query, scratch: scratch) }
    }

    /// The answer with everything a client shows: store, distance, zone terms, quantities, open.
    /// `now` is the instant `isOpen` is judged at when the query names none.
    public func nearby(_ query: NearbyQuery, now: Date) throws(DomainError) -> [NearbyResult] {
        try query.validate()
        let scratch = scratchPool.borrow()
        defer { scratchPool.giveBack(scratch) }
        return try lock.withReadLock { () throws(DomainError) -> [NearbyResult] in
            try searchLocked(query, scratch: scratch)
            let at = query.openAt ?? now
            // The local minute of the week once per time zone among the rows (usually one).
            var minutes: [(zone: UInt16, minute: Int)] = []
            return scratch.hits.map { hit in
                let slot = Int(hit.slot)
                let zone: DeliveryZone? = hit.zoneRecord >= 0
                    ? snapshot.zonesBySlot[slot][Int(snapshot.zoneSource[Int(hit.zoneRecord)])] : nil
                let availability = zip(query.items, scratch.skuIndices).map { item, sku in
                    NearbyResult.Availability(sku: item.sku, available: stock.available(sku: sku, slot: hit.slot))
                }
                let zoneIndex = snapshot.timeZoneOfSlot[slot]
                let minute: Int
                if let known = minutes.first(where: { $0.zone == zoneIndex }) {
                    minute = known.minute
                } else {
                    minute = WeekClock.minuteOfWeek(at, in: snapshot.timeZones[Int(zoneIndex)])
                    minutes.append((zoneIndex, minute))
                }
                let open = snapshot.isOpen(slot: slot, minuteOfWeek: minute)
                return NearbyResult(store: snapshot.stores[slot]!, distance: hit.distance, zone: zone,
                                    availability: availability, isOpen: open)
            }
        }
    }

    /// The search proper; the caller holds the read lock.
    func searchLocked(_ query: NearbyQuery, scratch: FinderScratch) throws(DomainError) {
        // Work in locals: buffers leave the scratch for the search and come back after, so the
        // loop touches no class property.
        var hits = scratch.hits, skuIndices = scratch.skuIndices, quantities = scratch.quantities
        var minutes = scratch.minuteByTimeZone, zonesFound = scratch.zonesFound
        scratch.hits = []; scratch.skuIndices = []; scratch.quantities = []; scratch.minuteByTimeZone = []; scratch.zonesFound = []
        defer {
            scratch.hits = hits; scratch.skuIndices = skuIndices; scratch.quantities = quantities
            scratch.minuteByTimeZone = minutes; scratch.zonesFound = zonesFound
        }
        hits.removeAll(keepingCapacity: true)
        zonesFound.removeAll(keepingCapacity: true)

        // Resolve the basket to SKU indices: an unknown SKU is the caller's mistake.
        skuIndices.removeAll(keepingCapacity: true)
        quantities.removeAll(keepingCapacity: true)
        for item in query.items {
            guard let sku = skuIndex[item.sku] else {
                throw DomainError(.notFound, field: "sku", "unknown SKU \"\(item.sku)\"")
            }
            skuIndices.append(Int(sku))
            quantities.append(item.quantity)
        }
        let snapshot = self.snapshot, stock = self.stock
        // Local minute of the week per time zone, computed the first time a store in it is tested.
        minutes.removeAll(keepingCapacity: true)
        if query.openAt != nil {
            for _ in snapshot.timeZones { minutes.append(-1) }
        }
        var filter = StoreFilter(snapshot: snapshot, stock: stock, skus: skuIndices, quantities: quantities, minutes: minutes,
                                 openAt: query.openAt, mustDeliver: query.mustDeliver,
                                 lon: query.point.longitude, lat: query.point.latitude)
        minutes = [] // the filter holds the only reference, so writing to it copies nothing
        defer { minutes = filter.minutes }

        // A rare item: rank the few stores that carry it rather than walk the tree.
        var rarest = -1
        for sku in skuIndices where rarest < 0 || stock.storeCount(sku: sku) < stock.storeCount(sku: rarest) {
            rarest = sku
        }
        if rarest >= 0, !stock.postings[rarest].isDense, scansPosting(carriers: stock.storeCount(sku: rarest)) {
            let q = UnitVector(query.point)
            let maxChord2 = query.radius.map { Chord.squared(forMeters: $0) } ?? 4
            var candidates = scratch.candidates
            scratch.candidates = []
            defer { scratch.candidates = candidates }
            candidates.removeAll(keepingCapacity: true)
            snapshot.unitVectors.withUnsafeBufferPointer { xyz in
                let posting = stock.postings[rarest]
                let lon = query.point.longitude, lat = query.point.latitude, slotCount = snapshot.alive.count
                for i in 0..<posting.count {
                    let slot = posting.slots[i], s = Int(slot)
                    // A store added after this snapshot was built is not in it yet.
                    if s >= slotCount { continue }
                    if query.mustDeliver, !snapshot.mayReach(slot: s, lon: lon, lat: lat) { continue }
                    let d = q.chordSquared(xyz[3 * s], xyz[3 * s + 1], xyz[3 * s + 2])
                    if d <= maxChord2 { candidates.append((d, slot)) }
                }
            }
            // A heap, not a sort: only as many candidates leave it as it takes to fill the limit.
            Candidates.heapify(&candidates)
            while let candidate = Candidates.popMin(&candidates) {
                guard let zone = filter.accept(Int(candidate.slot)) else { continue }
                hits.append(NearbyHit(storeID: snapshot.stores[Int(candidate.slot)]!.id, distance: Chord.meters(forSquared: candidate.key),
                                      zoneRecord: zone, slot: candidate.slot))
                if hits.count == query.limit { break }
            }
            return
        }

        // Otherwise best-first over the tree, with the filter inside the traversal.
        // An open-at search skips subtrees where no store can be open in that UTC hour.
        let openHour = query.openAt.map { (summaries: snapshot.openHours, bit: WeekClock.minuteOfWeek($0, in: Self.utc) / 60) }
        snapshot.points.nearest(to: query.point, limit: query.limit, within: query.radius ?? .infinity,
                                scratch: scratch.nearest, into: &scratch.neighbors, requiring: openHour,
                                reaching: query.mustDeliver ? snapshot.deliveryReach : nil) { id in
            guard let zone = filter.accept(Int(id)) else { return false }
            zonesFound.append(zone)
            return true
        }
        for (neighbor, zone) in zip(scratch.neighbors, zonesFound) {
            hits.append(NearbyHit(storeID: snapshot.stores[Int(neighbor.id)]!.id, distance: neighbor.distance, zoneRecord: zone, slot: neighbor.id))
        }
    }
}

/// The per-query filter: run on each store as it reaches the front of the distance order,
/// cheapest tests first. A value type held in a local, so the search captures it without boxing.
struct StoreFilter {
    let snapshot: FinderSnapshot
    let stock: StockTable
    let skus: [Int]
    let quantities: [Int]
    /// Local minute of the week per time zone; -1 until first needed.
    var minutes: [Int]
    let openAt: Date?
    let mustDeliver: Bool
    let lon: Double
    let lat: Double

    /// The serving zone record (or -1) of an accepted store; nil to reject it.
    @inline(__always)
    mutating func accept(_ slot: Int) -> Int32? {
        guard snapshot.alive[slot] else { return nil }
        if let openAt {
            let tz = Int(snapshot.timeZoneOfSlot[slot])
            var minute = minutes[tz]
            if minute < 0 {
                minute = WeekClock.minuteOfWeek(openAt, in: snapshot.timeZones[tz])
                minutes[tz] = minute
            }
            guard snapshot.isOpen(slot: slot, minuteOfWeek: minute) == true else { return nil }
        }
        for i in 0..<skus.count where stock.available(sku: skus[i], slot: Int32(slot)) < quantities[i] {
            return nil
        }
        let zone = snapshot.servingZone(slot: slot, lon: lon, lat: lat)
        if mustDeliver, zone < 0 { return nil }
        return Int32(zone)
    }
}

extension StoreFinder {
    static let utc = TimeZone(secondsFromGMT: 0)!

    func scansPosting(carriers: Int) -> Bool {
        switch postingScan {
        case .always: true
        case .never: false
        case .automatic: carriers <= 64 || carriers * 16 <= slotByID.count
        }
    }
}

/// An in-place binary min-heap over (squared chord, slot), ties broken by slot so that the
/// order is the same as the tree's.
enum Candidates {
    typealias Entry = (key: Double, slot: Int32)

    @inline(__always)
    static func less(_ a: Entry, _ b: Entry) -> Bool { a.key != b.key ? a.key < b.key : a.slot < b.slot }

    static func heapify(_ heap: inout [Entry]) {
        var i = heap.count / 2 - 1
        while i >= 0 { siftDown(&heap, i); i -= 1 }
    }

    static func popMin(_ heap: inout [Entry]) -> Entry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(&heap, 0)
        return top
    }

    @inline(__always)
    static func siftDown(_ heap: inout [Entry], _ start: Int) {
        let count = heap.count
        var parent = start
        let item = heap[parent]
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count, less(heap[child + 1], heap[child]) { child += 1 }
            if !less(heap[child], item) { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = item
    }
}
