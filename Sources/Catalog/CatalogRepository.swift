import Foundation
import Kernel
import Stores

/// Storage of categories, products, their SKUs, store prices and the full-text index. Every
/// write is one transaction and throws ``DomainError`` for what it refuses.
public protocol CatalogRepository: Sendable {
    func categories() async throws -> [Category]
    /// `.conflict` on a slug taken; `.notFound` on an unknown parent.
    func createCategory(_ draft: CategoryDraft) async throws -> Category
    /// Writes the products, creates or adopts their SKUs and indexes them for search, all in one
    /// transaction.
    func createProducts(_ drafts: [(draft: ProductDraft, category: CategoryID)], at: Date) async throws -> [Product]
    func product(_ id: ProductID) async throws -> Product?
    func products(_ ids: [ProductID]) async throws -> [ProductID: Product]
    func productCount() async throws -> Int
    /// SKUs matching the words (FTS5 syntax, already escaped) in the categories and price range.
    func candidates(match: String?, categories: Set<CategoryID>?, minPriceMinor: Int?, maxPriceMinor: Int?,
                    store: StoreID?) async throws -> [CatalogCandidate]
    /// A store's own price of a SKU; nil returns it to the list price.
    func setStorePrice(_ priceMinor: Int?, store: StoreID, sku: SKUCode) async throws
    /// Each SKU's price at a store: its own where set, else the list price.
    func prices(store: StoreID, skus: [SKUCode]) async throws -> [SKUCode: Int]
}
