import Foundation
import Kernel

/// A store's available quantity of a SKU crossed its low-stock threshold or reached zero.
public struct StockEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Available fell to the threshold or below, but not to zero.
        case lowStock = "low_stock"
        /// Available fell to zero.
        case outOfStock = "out_of_stock"
        /// Available rose above the threshold again.
        case restocked
    }

    /// Increasing with every event: the feed's cursor and the SSE `id`.
    public var id: Int64
    public var storeID: StoreID
    public var sku: SKUCode
    public var kind: Kind
    /// On hand less reserved after the change.
    public var available: Int
    public var onHand: Int
    public var reserved: Int
    public var threshold: Int
    public var at: Date

    public init(id: Int64, storeID: StoreID, sku: SKUCode, kind: Kind, available: Int, onHand: Int, reserved: Int, threshold: Int, at: Date) {
        self.id = id; self.storeID = storeID; self.sku = sku; self.kind = kind; self.available = available
        self.onHand = onHand; self.reserved = reserved; self.threshold = threshold; self.at = at
    }

    /// The event a change of available quantity raises: one whenever the state (out of stock
    /// at zero, low at or below the threshold, else in stock) changes. A row the store never had
    /// (`before` nil) raises none.
    public static func kind(before: Int?, after: Int, threshold: Int) -> Kind? {
        func state(_ available: Int) -> Kind { available <= 0 ? .outOfStock : available <= threshold ? .lowStock : .restocked }
        guard let before else { return nil }
        let new = state(after)
        return state(before) == new ? nil : new
    }
}
