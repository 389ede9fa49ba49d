import Foundation
import GeoCore
import Kernel
import LiveEvents

/// The store domain's front door: checks input, writes through the repository (one
/// transaction each), then — only after the commit — updates the in-memory finder.
public struct StoreService: Sendable {
    public let repository: any StoreStorage
    public let finder: StoreFinder
    /// Where committed stock events go out to live subscribers.
    public let events: StockEventHub
    /// The clock, from outside, so tests can fix it.
    public let now: @Sendable () -> Date
    /// One write (commit, then finder update) at a time.
    let gate = WriteGate()

    /// The most items one stock write may carry.
    public static let maximumStockItems = 10_000
    /// The largest on-hand count accepted.
    public static let maximumQuantity = 1_000_000_000

    public init(repository: any StoreStorage, finder: StoreFinder, events: StockEventHub = StockEventHub(),
                now: @escaping @Sendable () -> Date = Date.init) {
        self.repository = repository; self.finder = finder; self.events = events; self.now = now
    }

    /// Fills the finder from storage (at start and after an import).
    public func reload() async throws {
        try await gate.run { [self] in try await reloadNow() }
    }

    /// Reloads without taking the gate: for writers that already hold it.
    func reloadNow() async throws {
        let stores = try await repository.allStores().sorted { $0.id < $1.id }
        let zones = try await repository.allZones()
        let skus = try await repository.allSKUs()
        // The stock streams into the finder's table as it is read (at 100 million rows,
        // materialising them as values first would take gigabytes), a part per core.
        let parts = stores.count < 1_000 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let loads = (0..<parts).map { _ in StockLoad(storeCount: stores.count, skuCount: skus.count) }
        try await repository.streamStock(stores: stores.map(\.id), skus: skus.map(\.code), into: loads)
        finder.install(stores: stores, zones: zones, skus: skus, stock: StockLoad.joined(loads))
    }

    public func create(_ draft: StoreDraft, zones: [ZoneDraft] = []) async throws -> (Store, [DeliveryZone]) {
        try Self.validate(draft)
        for zone in zones { try Self.validate(zone) }
        return try await gate.run { [repository, finder] in
            let (store, created) = try await repository.create(draft, zones: zones)
            finder.apply(store: store)
            if !created.isEmpty { finder.apply(zones: created, of: store.id) }
            return (store, created)
        }
    }

    public func update(_ id: StoreID, _ patch: StorePatch) async throws -> Store {
        return try await gate.run { [repository, finder] in
            let saved = try await repository.update(id) { current in
                let changed = patch.applied(to: current)
                try Self.validate(changed.draft)
                return changed
            }
            finder.apply(store: saved)
            return saved
        }
    }

    public func delete(_ id: StoreID) async throws {
        try await gate.run { [repository, finder] in
            try await repository.delete(id)
            finder.remove(storeID: id)
        }
    }

    public func replaceZones(of id: StoreID, with zones: [ZoneDraft]) async throws -> [DeliveryZone] {
        for zone in zones { try Self.validate(zone) }
        return try await gate.run { [repository, finder] in
            let saved = try await repository.replaceZones(of: id, with: zones)
            finder.apply(zones: saved, of: id)
            return saved
        }
    }

    /// Writes an import through the repository and reloads the finder from storage, as one
    /// gated step.
    public func importBatch(_ batch: ImportBatch, progress: @escaping @Sendable (Int) -> Void) async throws -> ImportOutcome {
        let at = now()
        return try await gate.run { [self] in
            let outcome = try await repository.importBatch(batch, at: at, progress: progress)
            try await reloadNow()
            return outcome
        }
    }

    public func upsert(skus: [SKU]) async throws {
        for (i, sku) in skus.enumerated() {
            guard !sku.code.rawValue.isEmpty, sku.code.rawValue.count <= 64 else {
                throw DomainError(.invalid, field: "skus[\(i)].code", "a SKU code is 1 to 64 characters")
            }
        }
        try await gate.run { [repository, finder] in
            try await repository.upsert(skus: skus)
            finder.apply(skus: skus)
        }
    }

    /// Sets (`.set`) or adjusts (`.adjust`) stock of many SKUs at once.
    public func writeStock(of id: StoreID, _ items: [(sku: SKUCode, quantity: Int)], mode: StockWriteMode,
                           lowThresholds: [SKUCode: Int] = [:]) async throws -> [StockLine] {
        guard !items.isEmpty else { throw DomainError(.invalid, field: "items", "items must not be empty") }
        guard items.count <= Self.maximumStockItems else {
            throw DomainError(.invalid, field: "items", "at most \(Self.maximumStockItems) items per request")
        }
        var seen = Set<SKUCode>()
        for (i, item) in items.enumerated() {
            guard seen.insert(item.sku).inserted else {
                throw DomainError(.invalid, field: "items[\(i)].sku", "SKU \"\(item.sku)\" appears twice")
            }
            let range = mode == .set ? 0...Self.maximumQuantity : -Self.maximumQuantity...Self.maximumQuantity
            guard range.contains(item.quantity) else {
                throw DomainError(.invalid, field: "items[\(i)].qty",
                                 mode == .set ? "qty must be between 0 and \(Self.maximumQuantity)"
                                              : "a delta must be between -\(Self.maximumQuantity) and \(Self.maximumQuantity)")
            }
        }
        for (sku, threshold) in lowThresholds where !(0...Self.maximumQuantity).contains(threshold) {
            throw DomainError(.invalid, field: "items[\(items.firstIndex { $0.sku == sku } ?? 0)].low_threshold",
                             "low_threshold must be between 0 and \(Self.maximumQuantity)")
        }
        return try await gate.run { [self] in
            let change = try await repository.writeStock(of: id, items, mode: mode, lowThresholds: lowThresholds, at: now())
            publish(change)
            return change.lines.map(\.line)
        }
    }

    // MARK: - Validation

    static func validate(_ draft: StoreDraft) throws(DomainError) {
        func text(_ value: String, _ field: String, max: Int = 200) throws(DomainError) {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw DomainError(.invalid, field: field, "\(field) must not be empty") }
            guard value.count <= max else { throw DomainError(.invalid, field: field, "\(field) is longer than \(max) characters") }
        }
        try text(draft.externalRef, "external_ref")
        try text(draft.name, "name")
        try text(draft.kind, "kind", max: 64)
        for (value, field) in [(draft.brand, "brand"), (draft.address, "address"), (draft.phone, "phone")] {
            if let value, value.count > 200 { throw DomainError(.invalid, field: field, "\(field) is longer than 200 characters") }
        }
        guard TimeZone(identifier: draft.timeZone) != nil else {
            throw DomainError(.invalid, field: "time_zone", "unknown IANA time zone \"\(draft.timeZone)\"")
        }
        guard draft.location.latitude.isFinite, abs(draft.location.latitude) <= 90 else {
            throw DomainError(.invalid, field: "lat", "latitude must be a finite number in [-90, 90]")
        }
        guard draft.location.longitude.isFinite, abs(draft.location.longitude) <= 180 else {
            throw DomainError(.invalid, field: "lon", "longitude must be a finite number in [-180, 180]")
        }
        if let hours = draft.openingHours {
            do { _ = try OpeningHours(parsing: hours) } catch {
                throw DomainError(.unprocessable, field: "opening_hours", error.description)
            }
        }
    }

    static func validate(_ zone: ZoneDraft) throws(DomainError) {
        guard zone.feeMinor >= 0, zone.feeMinor <= 1_000_000 else {
            throw DomainError(.invalid, field: zone.field + ".properties.fee_minor", "fee_minor must be between 0 and 1000000")
        }
        guard zone.minimumOrderMinor >= 0, zone.minimumOrderMinor <= 100_000_000 else {
            throw DomainError(.invalid, field: zone.field + ".properties.min_order_minor", "min_order_minor must be between 0 and 100000000")
        }
        guard zone.promisedMinutes >= 0, zone.promisedMinutes <= 7 * 24 * 60 else {
            throw DomainError(.invalid, field: zone.field + ".properties.promised_minutes", "promised_minutes must be between 0 and 10080")
        }
        guard !zone.area.polygons.isEmpty else {
            throw DomainError(.invalid, field: zone.field + ".geometry", "a zone needs an area")
        }
    }
}
