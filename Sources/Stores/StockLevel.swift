import Kernel
/// What a store holds of one SKU.
public struct StockLevel: Hashable, Sendable {
    public var onHand: Int
    public var reserved: Int
    /// Bumped by every write, for optimistic concurrency.
    public var version: Int
    /// Seconds since 1970 of the last write.
    public var updatedAt: Double
    /// Low-stock threshold set for this SKU at this store; nil for the service default.
    public var lowThreshold: Int?

    public init(onHand: Int, reserved: Int = 0, version: Int = 1, updatedAt: Double = 0, lowThreshold: Int? = nil) {
        self.onHand = onHand; self.reserved = reserved; self.version = version; self.updatedAt = updatedAt
        self.lowThreshold = lowThreshold
    }

    /// What can still be sold: on hand less reserved, never below zero.
    public var available: Int { max(0, onHand - reserved) }
}

/// A SKU in the catalog the stores stock from.
public struct SKU: Hashable, Sendable {
    public var code: SKUCode
    public var name: String
    public var category: String?
    public var unit: String?
    public var priceMinor: Int?

    public init(code: SKUCode, name: String, category: String? = nil, unit: String? = nil, priceMinor: Int? = nil) {
        self.code = code; self.name = name; self.category = category; self.unit = unit; self.priceMinor = priceMinor
    }
}
