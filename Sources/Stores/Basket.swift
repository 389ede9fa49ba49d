import Foundation
import GeoCore
import Kernel

/// "Which store can deliver (or hand over) my whole basket — and if none can, what is the
/// best split?"
public struct BasketQuery: Hashable, Sendable {
    public enum Fulfilment: String, Hashable, Sendable, CaseIterable {
        /// The store's delivery zone must contain the point (and no exclusion of it).
        case delivery
        /// The customer collects: stores within `radius` of the point.
        case pickup
    }

    public enum Order: String, Hashable, Sendable, CaseIterable {
        /// Nearest first, then cheapest.
        case distance
        /// Cheapest delivery first, then nearest.
        case fee
    }

    public static let defaultPickupRadius: Meters = 5_000
    public static let maximumPickupRadius: Meters = 50_000
    public static let defaultMaxStores = 3
    /// The most stores a split may use.
    public static let maximumMaxStores = 5

    public var point: Coordinate
    public var items: [Reservation.Item]
    public var fulfilment: Fulfilment
    public var limit: Int
    /// For pickup: how far the customer will go.
    public var radius: Meters
    /// The most stores a split may use (N).
    public var maxStores: Int
    /// Only stores open at this instant; nil for no check.
    public var openAt: Date?
    public var order: Order

    public init(point: Coordinate, items: [Reservation.Item], fulfilment: Fulfilment = .delivery, limit: Int = 10,
                radius: Meters = BasketQuery.defaultPickupRadius, maxStores: Int = BasketQuery.defaultMaxStores,
                openAt: Date? = nil, order: Order = .distance) {
        self.point = point; self.items = items; self.fulfilment = fulfilment; self.limit = limit
        self.radius = radius; self.maxStores = maxStores; self.openAt = openAt; self.order = order
    }

    public func validate() throws(DomainError) {
        try NearbyQuery(point: point).validate()
        try StoreService.validate(basket: items)
        guard (1...NearbyQuery.maximumLimit).contains(limit) else {
            throw DomainError(.invalid, field: "limit", "limit must be between 1 and \(NearbyQuery.maximumLimit)")
        }
        guard radius.isFinite, radius > 0, radius <= Self.maximumPickupRadius else {
            throw DomainError(.invalid, field: "radius_m", "radius_m must be a number in (0, \(Int(Self.maximumPickupRadius))]")
        }
        guard (1...Self.maximumMaxStores).contains(maxStores) else {
            throw DomainError(.invalid, field: "max_stores", "max_stores must be between 1 and \(Self.maximumMaxStores)")
        }
    }
}

/// A store that can take (part of) a basket, with its terms.
public struct BasketOption: Hashable, Sendable {
    public var store: Store
    public var distance: Meters
    /// The serving delivery zone (delivery only).
    public var zone: DeliveryZone?
    /// The delivery fee in minor units (0 for pickup).
    public var feeMinor: Int { zone?.feeMinor ?? 0 }
    public var isOpen: Bool?
    /// Available quantity of each basket item at this store, in basket order.
    public var available: [Int]

    public init(store: Store, distance: Meters, zone: DeliveryZone?, isOpen: Bool?, available: [Int]) {
        self.store = store; self.distance = distance; self.zone = zone; self.isOpen = isOpen; self.available = available
    }
}

/// The answer to a ``BasketQuery``.
public struct BasketAnswer: Hashable, Sendable {
    public struct Part: Hashable, Sendable {
        public var option: BasketOption
        /// The basket items this store supplies.
        public var items: [Reservation.Item]
    }

    public struct Split: Hashable, Sendable {
        public var parts: [Part]
        public var totalFeeMinor: Int
        public var totalDistance: Meters
        public var method: BasketSplitter.Method
        /// Whether the method guarantees the best split.
        public var isExact: Bool { method != .greedy }
    }

    /// Stores that have the whole basket, in the order asked for.
    public var stores: [BasketOption]
    /// When no store has it all: the best split of what can be had across at most N stores.
    public var split: Split?
    /// Items no eligible store has in the quantity asked.
    public var unavailable: [Reservation.Item]
    /// When the coverable items need more than N stores: how many they need (nil if unknown).
    public var storesNeeded: Int?
    /// Stores that deliver to the point (or are in pickup range) and were looked at; nil when
    /// the nearest-first search found full-basket stores without looking at every one.
    public var candidates: Int?
}

extension StoreFinder {
    /// Answers a basket query from the in-memory mirror: every store that serves the point is
    /// checked against every item, so the answer is exact for the data it holds.
    public func basket(_ query: BasketQuery, now: Date) throws(DomainError) -> BasketAnswer {
        try query.validate()
        return try lock.withReadLock { () throws(DomainError) -> BasketAnswer in
            var skuIndices: [Int] = []
            for (i, item) in query.items.enumerated() {
                guard let sku = skuIndex[item.sku] else {
                    throw DomainError(.notFound, field: "items[\(i)].sku", "unknown SKU \"\(item.sku)\"")
                }
                skuIndices.append(Int(sku))
            }
            let snapshot = self.snapshot
            let lon = query.point.longitude, lat = query.point.latitude

            // Nearest first: the nearby search already finds the closest stores that have the
            // whole basket, with its filters inside the tree walk. Only when there are none (a
            // split is needed) or the order is by fee are all serving stores examined.
            if query.order == .distance, let stores = try fullBasketNearestFirst(query, skuIndices: skuIndices, now: now) {
                return BasketAnswer(stores: stores, split: nil, unavailable: [], storesNeeded: nil, candidates: nil)
            }

            // Stores that serve the point, with their serving zone record.
            var eligible: [(slot: Int, zone: Int32)] = []
            var seen = Set<Int>()
            switch query.fulfilment {
            case .delivery:
                var found: [Int32] = []
                snapshot.zoneBoxes.search(containing: query.point, into: &found)
                for z in found where snapshot.zone(Int(z), contains: lon, lat) {
                    let slot = Int(snapshot.zoneSlot[Int(z)])
                    guard snapshot.alive[slot], seen.insert(slot).inserted else { continue }
                    let serving = snapshot.servingZone(slot: slot, lon: lon, lat: lat)
                    if serving >= 0 { eligible.append((slot, Int32(serving))) }
                }
            case .pickup:
                var found: [Int32] = []
                snapshot.storeBoxes.search(BoundingBox(around: query.point, radius: query.radius), into: &found)
                for s in found where snapshot.alive[Int(s)] {
                    eligible.append((Int(s), -1))
                }
            }

            let at = query.openAt ?? now
            var options: [BasketOption] = []
            var masks: [UInt64] = []
            var minuteByZone: [Int: Int] = [:]
            var served = 0
            var counts = [Int](repeating: 0, count: skuIndices.count)
            for (slot, zoneRecord) in eligible {
                let store = snapshot.stores[slot]!
                let distance = query.point.distance(to: store.location)
                if query.fulfilment == .pickup, distance > query.radius { continue }
                let tzIndex = Int(snapshot.timeZoneOfSlot[slot])
                let minute: Int
                if let known = minuteByZone[tzIndex] { minute = known } else {
                    minute = WeekClock.minuteOfWeek(at, in: snapshot.timeZones[tzIndex])
                    minuteByZone[tzIndex] = minute
                }
                let open = snapshot.isOpen(slot: slot, minuteOfWeek: minute)
                if query.openAt != nil, open != true { continue }
                served += 1
                // Each item's stock is looked up once: it makes the mask and the reported counts.
                var mask: UInt64 = 0
                for (i, sku) in skuIndices.enumerated() {
                    counts[i] = stock.available(sku: sku, slot: Int32(slot))
                    if counts[i] >= query.items[i].quantity { mask |= 1 << UInt64(i) }
                }
                // A store with none of the basket is in no answer.
                guard mask != 0 else { continue }
                let available = counts
                let zone = zoneRecord >= 0 ? snapshot.zonesBySlot[slot][Int(snapshot.zoneSource[Int(zoneRecord)])] : nil
                options.append(BasketOption(store: store, distance: distance, zone: zone, isOpen: open, available: available))
                masks.append(mask)
            }
            var answer = Self.answer(query, options: options, masks: masks)
            answer.candidates = served
            return answer
        }
    }

    /// The full-basket stores in distance order (then fee, then id), or nil when there are none.
    /// The caller holds the read lock.
    func fullBasketNearestFirst(_ query: BasketQuery, skuIndices: [Int], now: Date) throws(DomainError) -> [BasketOption]? {
        // One more than asked, to see whether stores tied in distance straddle the cut (then
        // the fee decides between them, which only the full scan can do).
        guard query.limit < NearbyQuery.maximumLimit else { return nil }
        let nearby = NearbyQuery(point: query.point, limit: query.limit + 1, radius: query.fulfilment == .pickup ? query.radius : nil,
                                 mustDeliver: query.fulfilment == .delivery, openAt: query.openAt,
                                 items: query.items.map { NearbyQuery.Item(sku: $0.sku, quantity: $0.quantity) })
        let scratch = scratchPool.borrow()
        defer { scratchPool.giveBack(scratch) }
        try searchLocked(nearby, scratch: scratch)
        let hits = scratch.hits
        guard !hits.isEmpty else { return nil }
        if hits.count > query.limit, hits[query.limit].distance == hits[query.limit - 1].distance { return nil }
        let at = query.openAt ?? now
        let options = hits.prefix(query.limit).map { hit -> BasketOption in
            let slot = Int(hit.slot)
            let zone: DeliveryZone? = hit.zoneRecord >= 0 && query.fulfilment == .delivery
                ? snapshot.zonesBySlot[slot][Int(snapshot.zoneSource[Int(hit.zoneRecord)])] : nil
            let tz = snapshot.timeZones[Int(snapshot.timeZoneOfSlot[slot])]
            return BasketOption(store: snapshot.stores[slot]!, distance: hit.distance, zone: zone,
                                isOpen: snapshot.isOpen(slot: slot, minuteOfWeek: WeekClock.minuteOfWeek(at, in: tz)),
                                available: skuIndices.map { stock.available(sku: $0, slot: hit.slot) })
        }
        return options.sorted { ($0.distance, $0.feeMinor, $0.store.id.rawValue) < ($1.distance, $1.feeMinor, $1.store.id.rawValue) }
    }

    /// Ranks the stores with everything, or splits the basket when there are none.
    static func answer(_ query: BasketQuery, options: [BasketOption], masks: [UInt64]) -> BasketAnswer {
        let full: UInt64 = query.items.count == 64 ? .max : (1 << UInt64(query.items.count)) - 1
        func before(_ a: BasketOption, _ b: BasketOption) -> Bool {
            switch query.order {
            case .distance: (a.distance, a.feeMinor, a.store.id.rawValue) < (b.distance, b.feeMinor, b.store.id.rawValue)
            case .fee: (a.feeMinor, a.distance, a.store.id.rawValue) < (b.feeMinor, b.distance, b.store.id.rawValue)
            }
        }
        let complete = options.indices.filter { masks[$0] == full }.map { options[$0] }.sorted(by: before)
        var answer = BasketAnswer(stores: Array(complete.prefix(query.limit)), split: nil, unavailable: [], storesNeeded: nil,
                                  candidates: options.count)
        guard complete.isEmpty else { return answer }

        let coverable = masks.reduce(0, |) & full
        answer.unavailable = query.items.indices.filter { coverable & (1 << UInt64($0)) == 0 }.map { query.items[$0] }
        guard coverable != 0 else { return answer }
        let candidates = options.indices.map {
            BasketSplitter.Candidate(mask: masks[$0], fee: options[$0].feeMinor, distance: options[$0].distance)
        }
        guard let solution = BasketSplitter.solve(candidates, target: coverable, maxStores: query.maxStores) else {
            answer.storesNeeded = BasketSplitter.solve(candidates, target: coverable, maxStores: BasketSplitter.exactItemLimit)
                .flatMap { $0.method == .greedy ? nil : $0.cost.stores }
            return answer
        }
        // Each item from the nearest chosen store that has it.
        var parts = solution.chosen.map { BasketAnswer.Part(option: options[$0], items: []) }
        for (i, item) in query.items.enumerated() where coverable & (1 << UInt64(i)) != 0 {
            if let p = solution.chosen.firstIndex(where: { masks[$0] & (1 << UInt64(i)) != 0 }) { parts[p].items.append(item) }
        }
        answer.split = BasketAnswer.Split(parts: parts, totalFeeMinor: solution.cost.fee, totalDistance: solution.cost.distance,
                                          method: solution.method)
        return answer
    }
}
