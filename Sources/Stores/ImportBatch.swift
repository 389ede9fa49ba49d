import Foundation
import Kernel

/// Stores with their zones and stock, plus the SKUs they refer to, to be written in one
/// transaction: stores are matched by external reference, so a second import of the same
/// source updates what changed and duplicates nothing.
public struct ImportBatch: Sendable {
    public struct Entry: Sendable {
        public var draft: StoreDraft
        public var zones: [ZoneDraft]
        /// On-hand quantity by SKU; nil leaves the store's stock as it is.
        public var stock: [(sku: SKUCode, quantity: Int)]?

        public init(draft: StoreDraft, zones: [ZoneDraft], stock: [(sku: SKUCode, quantity: Int)]? = nil) {
            self.draft = draft; self.zones = zones; self.stock = stock
        }
    }

    public var entries: [Entry]
    public var skus: [SKU]

    public init(entries: [Entry] = [], skus: [SKU] = []) {
        self.entries = entries; self.skus = skus
    }
}

/// What an import changed.
public struct ImportOutcome: Hashable, Sendable {
    public var storesCreated = 0
    public var storesUpdated = 0
    public var storesUnchanged = 0
    public var zonesWritten = 0
    public var skusWritten = 0
    public var stockRowsWritten = 0
    public var stockRowsUnchanged = 0
    public init() {}
}
