import Foundation
import GeoCore
import Kernel
import SpatialIndex

/// The in-memory store finder: "which stores near here have this, are open and deliver here".
///
/// It mirrors what the database holds (stores, zones, SKUs, stock) in flat arrays and answers
/// without SQL. Callers apply a change only after the database has committed it, so the
/// finder never shows what storage might still roll back. Reads run concurrently; a write
/// waits for them. Store and zone changes rebuild the spatial snapshot; stock changes are
/// in-place writes that never touch a tree.
public final class StoreFinder: @unchecked Sendable {
    let lock = ReadWriteLock()

    // The mirror, by slot. Slots are never reused; a deleted store leaves nil.
    var stores: [Store?] = []
    var zonesBySlot: [[DeliveryZone]] = []
    var slotByID: [StoreID: Int32] = [:]
    var skuIndex: [SKUCode: Int32] = [:]
    var skus: [SKU] = []
    var stock = StockTable()
    /// Replaced whole on every store or zone change; searches hold the one they started with.
    var snapshot: FinderSnapshot
    /// Counts changes to the mirror, and which change the installed snapshot reflects.
    var changeGeneration = 0
    var snapshotGeneration = 0
    let scratchPool = ScratchPool()

    /// When a stock query ranks the stores carrying its rarest SKU instead of walking the tree.
    public enum PostingScan: Sendable {
        /// When the rarest SKU is carried by at most 64 stores or by one store in 16: then
        /// ranking its carriers is cheaper than walking past the stores that lack it.
        case automatic
        case always
        case never
    }

    /// The strategy for stock queries; tests pin it to check both against the same oracle.
    public var postingScan = PostingScan.automatic

    public init() {
        snapshot = FinderSnapshot(stores: [], zones: [])
    }

    /// Loads everything at once (at start, after an import).
    public func load(stores: [Store], zones: [DeliveryZone], skus: [SKU], stock: [(StoreID, SKUCode, StockLevel)]) {
        lock.withWriteLock {
            self.stores = []; zonesBySlot = []; slotByID = [:]; skuIndex = [:]; self.skus = []
            self.stock = StockTable()
            for store in stores.sorted(by: { $0.id < $1.id }) {
                slotByID[store.id] = Int32(self.stores.count)
                self.stores.append(store)
                zonesBySlot.append([])
            }
            for zone in zones {
                if let slot = slotByID[zone.storeID] { zonesBySlot[Int(slot)].append(zone) }
            }
            for sku in skus { addSKU(sku) }
            self.stock.ensureSKUCount(self.skus.count)
            for (storeID, code, level) in stock {
                guard let slot = slotByID[storeID], let sku = skuIndex[code] else { continue }
                self.stock.set(sku: Int(sku), slot: slot, onHand: level.onHand, reserved: level.reserved)
            }
            self.stock.compact(slotCount: self.stores.count)
            snapshot = FinderSnapshot(stores: self.stores, zones: zonesBySlot)
            changeGeneration += 1
            snapshotGeneration = changeGeneration
        }
    }

    /// Loads a large data set without materialising its stock as values: `stockRows` calls
    /// `emit(store, sku, onHand, reserved)` with indexes into `stores` and `skus`, best
    /// grouped by store in the order of `stores` (then every posting list grows by appending).
    /// `stores` must be in ascending id order.
    public func load(stores: [Store], zones: [DeliveryZone], skus: [SKU],
                     stockRows: (_ emit: (_ store: Int, _ sku: Int, _ onHand: Int, _ reserved: Int) -> Void) -> Void) {
        let load = StockLoad(storeCount: stores.count, skuCount: skus.count)
        var batch: [StockRow] = []
        batch.reserveCapacity(4_096)
        stockRows { store, sku, onHand, reserved in
            batch.append(StockRow(store: Int32(store), sku: Int32(sku), onHand: Int32(clamping: onHand), reserved: Int32(clamping: reserved)))
            if batch.count == 4_096 { load.add(batch); batch.removeAll(keepingCapacity: true) }
        }
        load.add(batch)
        install(stores: stores, zones: zones, skus: skus, stock: load)
    }

    /// Installs a data set whose stock was streamed into `stock` (built outside the lock, so
    /// searches go on against the old data while it loads). `stores` must be in ascending id
    /// order and `skus` must have distinct codes, as the stream's indexes refer to them.
    public func install(stores: [Store], zones: [DeliveryZone], skus: [SKU], stock load: StockLoad) {
        precondition(zip(stores, stores.dropFirst()).allSatisfy { $0.id < $1.id }, "stores must be in ascending id order")
        precondition(Set(skus.map(\.code)).count == skus.count, "SKU codes must be distinct")
        precondition(load.storeCount == stores.count && load.skuCount == skus.count, "the stock was streamed for other lists")
        let table = load.finish()
        var slotByID: [StoreID: Int32] = [:]
        slotByID.reserveCapacity(stores.count)
        for (slot, store) in stores.enumerated() { slotByID[store.id] = Int32(slot) }
        var zonesBySlot = [[DeliveryZone]](repeating: [], count: stores.count)
        for zone in zones {
            if let slot = slotByID[zone.storeID] { zonesBySlot[Int(slot)].append(zone) }
        }
        let snapshot = FinderSnapshot(stores: stores, zones: zonesBySlot)
        lock.withWriteLock {
            self.stores = stores; self.zonesBySlot = zonesBySlot; self.slotByID = slotByID
            skuIndex = [:]; self.skus = []
            for sku in skus { addSKU(sku) }
            self.stock = table
            self.snapshot = snapshot
            changeGeneration += 1
            snapshotGeneration = changeGeneration
        }
    }

    /// Bytes the stock table holds per stock row (capacity included), for memory reports.
    public var stockBytesPerRow: Double {
        lock.withReadLock { stock.bytesPerRow }
    }

    private func addSKU(_ sku: SKU) {
        if let i = skuIndex[sku.code] { skus[Int(i)] = sku; return }
        skuIndex[sku.code] = Int32(skus.count)
        skus.append(sku)
    }

    // MARK: - Applying committed writes

    /// A store was created or changed.
    public func apply(store: Store) {
        rebuild {
            if let slot = slotByID[store.id] {
                stores[Int(slot)] = store
            } else {
                slotByID[store.id] = Int32(stores.count)
                stores.append(store)
                zonesBySlot.append([])
            }
        }
    }

    /// A store was deleted, with its zones and stock.
    public func remove(storeID: StoreID) {
        rebuild {
            guard let slot = slotByID.removeValue(forKey: storeID) else { return }
            stores[Int(slot)] = nil
            zonesBySlot[Int(slot)] = []
            stock.removeAll(slot: slot)
        }
    }

    /// A store's zones were replaced.
    public func apply(zones: [DeliveryZone], of storeID: StoreID) {
        rebuild {
            guard let slot = slotByID[storeID] else { return }
            zonesBySlot[Int(slot)] = zones
        }
    }

    /// Changes the mirror under the write lock, then builds the new spatial snapshot outside it
    /// (searches go on with the current one meanwhile) and installs it, unless a build of a
    /// later change got there first. It returns once its change is visible to searches.
    private func rebuild(_ change: () -> Void) {
        let (stores, zones, generation) = lock.withWriteLock {
            change()
            changeGeneration += 1
            return (self.stores, zonesBySlot, changeGeneration)
        }
        let built = FinderSnapshot(stores: stores, zones: zones)
        lock.withWriteLock {
            if generation > snapshotGeneration {
                snapshot = built
                snapshotGeneration = generation
            }
        }
    }

    /// SKUs were added to the catalog or renamed.
    public func apply(skus newSKUs: [SKU]) {
        lock.withWriteLock {
            for sku in newSKUs { addSKU(sku) }
            stock.ensureSKUCount(skus.count)
        }
    }

    /// Stock levels were written.
    public func apply(stock levels: [(SKUCode, StockLevel)], of storeID: StoreID) {
        lock.withWriteLock {
            guard let slot = slotByID[storeID] else { return }
            for (code, level) in levels {
                guard let sku = skuIndex[code] else { continue }
                stock.set(sku: Int(sku), slot: slot, onHand: level.onHand, reserved: level.reserved)
            }
        }
    }

    /// Stock rows of several stores were written (one committed write).
    public func apply(stock lines: [(store: StoreID, line: StockLine)]) {
        guard !lines.isEmpty else { return }
        lock.withWriteLock {
            for (storeID, line) in lines {
                guard let slot = slotByID[storeID], let sku = skuIndex[line.sku] else { continue }
                stock.set(sku: Int(sku), slot: slot, onHand: line.level.onHand, reserved: line.level.reserved)
            }
        }
    }

    /// How the finder's stock differs from `rows` (what storage holds): rows it lacks or holds
    /// with other counts, and how many rows it holds in all. For operators and tests.
    public func stockDifferences(from rows: [(StoreID, SKUCode, StockLevel)], limit: Int = 20) -> (finderRows: Int, differences: [String]) {
        lock.withReadLock {
            var differences: [String] = []
            var count = 0
            for (store, code, level) in rows {
                count += 1
                guard differences.count < limit else { continue }
                guard let slot = slotByID[store], let sku = skuIndex[code] else {
                    differences.append("store \(store) SKU \(code): in storage, unknown to the finder")
                    continue
                }
                let held = stock.postings[Int(sku)].level(slot)
                if held?.onHand != level.onHand || held?.reserved != level.reserved {
                    differences.append("store \(store) SKU \(code): storage \(level.onHand)/\(level.reserved), finder "
                                       + (held.map { "\($0.onHand)/\($0.reserved)" } ?? "none") + " (on hand/reserved)")
                }
            }
            let finderRows = stock.rowCount
            if finderRows != count, differences.count < limit {
                differences.append("the finder holds \(finderRows) stock rows, storage \(count)")
            }
            return (finderRows, differences)
        }
    }

    // MARK: - Lookups

    public var storeCount: Int { lock.withReadLock { slotByID.count } }
    public var zoneCount: Int { lock.withReadLock { zonesBySlot.reduce(0) { $0 + $1.count } } }
    public var skuCount: Int { lock.withReadLock { skus.count } }

    public func store(_ id: StoreID) -> Store? {
        lock.withReadLock { slotByID[id].flatMap { stores[Int($0)] } }
    }

    public func zones(of id: StoreID) -> [DeliveryZone]? {
        lock.withReadLock { slotByID[id].map { zonesBySlot[Int($0)] } }
    }

    public func sku(_ code: SKUCode) -> SKU? {
        lock.withReadLock { skuIndex[code].map { skus[Int($0)] } }
    }

    /// Available quantity of a SKU at a store; nil when either is unknown.
    public func available(_ code: SKUCode, at id: StoreID) -> Int? {
        lock.withReadLock {
            guard let slot = slotByID[id], let sku = skuIndex[code] else { return nil }
            return stock.available(sku: Int(sku), slot: slot)
        }
    }

    /// Live stores by id, starting after `after`, at most `limit`.
    public func stores(after: StoreID?, limit: Int) -> [Store] {
        lock.withReadLock {
            // Slots follow id order for loaded stores and creation order after, so sort to be sure.
            var result: [Store] = []
            for case let store? in stores where after.map({ store.id > $0 }) ?? true { result.append(store) }
            result.sort { $0.id < $1.id }
            return Array(result.prefix(limit))
        }
    }

    /// Live stores whose location lies in the box, by id, starting after `after`, at most `limit`.
    public func stores(in box: BoundingBox, after: StoreID? = nil, limit: Int) -> [Store] {
        lock.withReadLock {
            var found: [Int32] = []
            snapshot.storeBoxes.search(box, into: &found)
            return found.compactMap { snapshot.stores[Int($0)] }
                .filter { store in after.map { store.id > $0 } ?? true }
                .sorted { $0.id < $1.id }.prefix(limit).map { $0 }
        }
    }

    /// A zone that contains a point, with its store and whether the store delivers there
    /// (false when an exclusion of the same store also contains the point).
    public struct ZoneMatch: Hashable, Sendable {
        public var store: Store
        public var zone: DeliveryZone
        public var serves: Bool
    }

    /// Every zone, delivery or exclusion, that contains the point; by store id, then zone id.
    public func zones(containing point: Coordinate) -> [ZoneMatch] {
        lock.withReadLock {
            var found: [Int32] = []
            snapshot.zoneBoxes.search(containing: point, into: &found)
            var matches: [ZoneMatch] = []
            for z in found where snapshot.zone(Int(z), contains: point.longitude, point.latitude) {
                let slot = Int(snapshot.zoneSlot[Int(z)])
                guard let store = snapshot.stores[slot] else { continue }
                let serving = snapshot.servingZone(slot: slot, lon: point.longitude, lat: point.latitude)
                let zone = snapshot.zonesBySlot[slot][Int(snapshot.zoneSource[Int(z)])]
                matches.append(ZoneMatch(store: store, zone: zone, serves: serving >= 0 && zone.kind == .delivery))
            }
            return matches.sorted { ($0.store.id, $0.zone.id) < ($1.store.id, $1.zone.id) }
        }
    }
}
