import GeoCore
import Kernel
import Stores

/// A catalog search: words, filters, an order and a page.
public struct CatalogSearch: Hashable, Sendable {
    public enum Sort: String, Hashable, Sendable, CaseIterable {
        /// Best text match first (then best sellers); without words, best sellers first.
        case relevance
        case priceAscending = "price_asc"
        case priceDescending = "price_desc"
        /// Nearest store with it in stock first (needs a point).
        case distance
        case sales
    }

    /// Only SKUs a store near the point has in stock (and, with `mustDeliver`, delivers there).
    public struct Near: Hashable, Sendable {
        public var point: Coordinate
        public var radius: Meters
        public var mustDeliver: Bool
        public init(point: Coordinate, radius: Meters = 5_000, mustDeliver: Bool = false) {
            self.point = point; self.radius = radius; self.mustDeliver = mustDeliver
        }
    }

    public var text: String?
    public var category: String?
    public var minPriceMinor: Int?
    public var maxPriceMinor: Int?
    public var near: Near?
    /// Prices as this store sells them (its own price where it set one).
    public var store: StoreID?
    public var sort: Sort
    public var limit: Int
    public var offset: Int

    public init(text: String? = nil, category: String? = nil, minPriceMinor: Int? = nil, maxPriceMinor: Int? = nil, near: Near? = nil,
                store: StoreID? = nil, sort: Sort = .relevance, limit: Int = 20, offset: Int = 0) {
        self.text = text; self.category = category; self.minPriceMinor = minPriceMinor; self.maxPriceMinor = maxPriceMinor
        self.near = near; self.store = store; self.sort = sort; self.limit = limit; self.offset = offset
    }

    public static let maximumLimit = 100
    public static let maximumRadius: Meters = 50_000
}

/// A SKU as storage finds it for a search, before the stock filter and the order.
public struct CatalogCandidate: Hashable, Sendable {
    public var sku: SKUCode
    public var product: ProductID
    /// The store's own price where one is set and asked for, else the list price.
    public var priceMinor: Int
    public var listPriceMinor: Int
    /// FTS5's bm25 score: lower is a better match; 0 without words.
    public var score: Double
    public var sales: Int

    public init(sku: SKUCode, product: ProductID, priceMinor: Int, listPriceMinor: Int, score: Double, sales: Int) {
        self.sku = sku; self.product = product; self.priceMinor = priceMinor; self.listPriceMinor = listPriceMinor
        self.score = score; self.sales = sales
    }
}

/// One row of a search's answer.
public struct CatalogHit: Hashable, Sendable {
    /// The nearest store with the SKU in stock, when the search gave a point.
    public struct Nearest: Hashable, Sendable {
        public var store: StoreID
        public var distance: Meters
        public var available: Int
    }

    public var candidate: CatalogCandidate
    public var product: Product
    public var nearest: Nearest?
}

/// A page of hits, with how many there are in all.
public struct CatalogPage: Hashable, Sendable {
    public var hits: [CatalogHit]
    public var total: Int
    public var nextOffset: Int?
}
