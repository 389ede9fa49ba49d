import Foundation
import GeoCore
import SpatialIndex

/// One row of a nearby search before it is dressed for output.
public struct NearbyHit: Hashable, Sendable {
    public var storeID: StoreID
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
    /// The rows of the last search.
    public internal(set) var hits: [NearbyHit] = []

    public init() {
        neighbors.reserveCapacity(NearbyQuery.maximumLimit)
        hits.reserveCapacity(NearbyQuery.maximumLimit)
        skuIndices.reserveCapacity(8); quantities.reserveCapacity(8)
        minuteByTimeZone.reserveCapacity(8)
        candidates.reserveCapacity(1024)
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
    public func search(_ query: NearbyQuery, scratch: FinderScratch) throws(StoreError) {
        try query.validate()
        try lock.withReadLock { () throws(StoreError) in try searchLocked(query, scratch: scratch) }
    }

    /// The answer with everything a client shows: store, distance, zone terms, quantities, open.
    /// `now` is the instant `isOpen` is judged at when the query names none.
    public func nearby(_ query: NearbyQuery, now: Date) throws(StoreError) -> [NearbyResult] {
        try query.validate()
        let scratch = scratchPool.borrow()
        defer { scratchPool.giveBack(scratch) }
        return try lock.withReadLock { () throws(StoreError) -> [NearbyResult] in
            try searchLocked(query, scratch: scratch)
            let at = query.openAt ?? now
            return scratch.hits.map { hit in
                let slot = Int(hit.slot)
                let zone: DeliveryZone? = hit.zoneRecord >= 0
                    ? zonesBySlot[slot][Int(snapshot.zoneSource[Int(hit.zoneRecord)])] : nil
                let availability = zip(query.items, scratch.skuIndices).map { item, sku in
                    (sku: item.sku, available: stock.available(sku: sku, slot: hit.slot))
                }
                let tz = snapshot.timeZones[Int(snapshot.timeZoneOfSlot[slot])]
                let open = snapshot.isOpen(slot: slot, minuteOfWeek: WeekClock.minuteOfWeek(at, in: tz))
                return NearbyResult(store: stores[slot]!, distance: hit.distance, zone: zone,
                                    availability: availability, isOpen: open)
            }
        }
    }

    /// The search proper; the caller holds the read lock.
    func searchLocked(_ query: NearbyQuery, scratch: FinderScratch) throws(StoreError) {
        scratch.hits.removeAll(keepingCapacity: true)
        // Resolve the basket to SKU indices: an unknown SKU is the caller's mistake.
        scratch.skuIndices.removeAll(keepingCapacity: true)
        scratch.quantities.removeAll(keepingCapacity: true)
        for item in query.items {
            guard let sku = skuIndex[item.sku] else {
                throw StoreError(.notFound, field: "sku", "unknown SKU \"\(item.sku)\"")
            }
            scratch.skuIndices.append(Int(sku))
            scratch.quantities.append(item.quantity)
        }
        let snapshot = self.snapshot
        // Local minute of the week per time zone, computed the first time a store in it is tested.
        scratch.minuteByTimeZone.removeAll(keepingCapacity: true)
        if query.openAt != nil {
            for _ in snapshot.timeZones { scratch.minuteByTimeZone.append(-1) }
        }
        let lon = query.point.longitude, lat = query.point.latitude
        let skuIndices = scratch.skuIndices, quantities = scratch.quantities
        let stock = self.stock

        // The filter, run on each store as it reaches the front of the distance order;
        // cheapest tests first.
        func accept(_ slot: Int) -> Int32? {
            guard snapshot.alive[slot] else { return nil }
            for i in 0..<skuIndices.count where stock.available(sku: skuIndices[i], slot: Int32(slot)) < quantities[i] {
                return nil
            }
            if let openAt = query.openAt {
                let tz = Int(snapshot.timeZoneOfSlot[slot])
                var minute = scratch.minuteByTimeZone[tz]
                if minute < 0 {
                    minute = WeekClock.minuteOfWeek(openAt, in: snapshot.timeZones[tz])
                    scratch.minuteByTimeZone[tz] = minute
                }
                guard snapshot.isOpen(slot: slot, minuteOfWeek: minute) == true else { return nil }
            }
            let zone = snapshot.servingZone(slot: slot, lon: lon, lat: lat)
            if query.mustDeliver, zone < 0 { return nil }
            return Int32(zone)
        }

        func emit(_ slot: Int, _ zone: Int32) {
            let distance = haversineDistance(lat, lon, snapshot.latitudes[slot], snapshot.longitudes[slot])
            scratch.hits.append(NearbyHit(storeID: stores[slot]!.id, distance: distance, zoneRecord: zone, slot: Int32(slot)))
        }

        // A rare item: rank the few stores that carry it rather than walk the tree.
        var rarest = -1
        for sku in skuIndices where rarest < 0 || stock.storeCount(sku: sku) < stock.storeCount(sku: rarest) {
            rarest = sku
        }
        if rarest >= 0, stock.storeCount(sku: rarest) <= postingScanThreshold {
            let q = UnitVector(query.point)
            let maxChord2 = query.radius.map { Chord.squared(forMeters: $0) } ?? 4
            scratch.candidates.removeAll(keepingCapacity: true)
            snapshot.unitVectors.withUnsafeBufferPointer { xyz in
                for slot in stock.postings[rarest].slots {
                    let s = Int(slot)
                    let d = q.chordSquared(xyz[3 * s], xyz[3 * s + 1], xyz[3 * s + 2])
                    if d <= maxChord2 { scratch.candidates.append((d, slot)) }
                }
            }
            scratch.candidates.sort { $0.key != $1.key ? $0.key < $1.key : $0.slot < $1.slot }
            for candidate in scratch.candidates {
                if let zone = accept(Int(candidate.slot)) {
                    emit(Int(candidate.slot), zone)
                    if scratch.hits.count == query.limit { break }
                }
            }
            return
        }

        // Otherwise best-first over the tree, with the filter inside the traversal.
        snapshot.points.nearest(to: query.point, limit: query.limit, within: query.radius ?? .infinity,
                                scratch: scratch.nearest, into: &scratch.neighbors) { id, _ in
            guard let zone = accept(Int(id)) else { return false }
            emit(Int(id), zone)
            return true
        }
    }
}
