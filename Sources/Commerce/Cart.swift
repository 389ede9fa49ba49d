import Accounts
import Foundation
import Kernel
import Stores

/// A customer's cart: what they want, in what quantities, at the prices they saw, and how they
/// want it.
public struct Cart: Hashable, Sendable {
    public enum Fulfilment: Hashable, Sendable {
        /// To one of the customer's addresses, from the best store for the basket.
        case delivery(AddressID)
        /// Collected at this store.
        case pickup(StoreID)
    }

    public struct Line: Hashable, Sendable {
        public var sku: SKUCode
        public var quantity: Int
        /// The unit price the customer last saw, to tell them when it changed.
        public var seenPriceMinor: Int?
        public init(sku: SKUCode, quantity: Int, seenPriceMinor: Int? = nil) {
            self.sku = sku; self.quantity = quantity; self.seenPriceMinor = seenPriceMinor
        }
    }

    public var account: AccountID
    public var lines: [Line]
    public var fulfilment: Fulfilment?
    public var updatedAt: Date

    public init(account: AccountID, lines: [Line] = [], fulfilment: Fulfilment? = nil, updatedAt: Date) {
        self.account = account; self.lines = lines; self.fulfilment = fulfilment; self.updatedAt = updatedAt
    }

    public static let maximumLines = 100
    public static let maximumQuantity = 999
}

/// Storage of carts: one per customer, replaced whole on every change in one transaction.
public protocol CartRepository: Sendable {
    func cart(of account: AccountID) async throws -> Cart?
    func save(_ cart: Cart) async throws
}
