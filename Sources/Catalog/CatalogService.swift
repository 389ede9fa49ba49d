import Foundation
import GeoCore
import Kernel
import Stores

/// The catalog: categories, products and their SKUs, store prices, and the customer's search
/// (words through SQLite's FTS5, filters, "in stock near me" through the store finder, four
/// orders, pages). New SKUs reach the finder once their transaction has committed.
public struct CatalogService: Sendable {
    public let repository: any CatalogRepository
    public let stores: StoreService
    /// ISO 4217 code of every price (the deployment's one currency).
    public let currency: String
    let now: @Sendable () -> Date

    /// Above this many matching SKUs, a search near a point must be narrowed (words or a category).
    public static let maximumStockChecks = 5_000

    public init(repository: any CatalogRepository, stores: StoreService, currency: String = "EUR",
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.stores = stores; self.currency = currency; self.now = now
    }

    // MARK: - Writing

    public func createCategory(_ draft: CategoryDraft) async throws -> Category {
        var d = draft
        d.slug = draft.slug.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...64).contains(d.slug.count), d.slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw DomainError(.invalid, field: "slug", "slug must be 1 to 64 of a-z, 0-9 and -")
        }
        d.name = draft.name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(d.name.count) else { throw DomainError(.invalid, field: "name", "name must be 1 to 100 characters") }
        return try await repository.createCategory(d)
    }

    public func createProduct(_ draft: ProductDraft) async throws -> Product {
        let tree = CategoryTree(try await repository.categories())
        guard let category = tree.category(slug: draft.category) else {
            throw DomainError(.notFound, field: "category", "no category \"\(draft.category)\"")
        }
        let draft = try Self.validated(draft)
        let product = try await repository.createProducts([(draft, category.id)], at: now())[0]
        // The finder learns the SKUs after the commit, so that stock can be written for them.
        stores.finder.apply(skus: product.skus.map {
            SKU(code: $0.code, name: $0.name, category: category.slug, unit: $0.unit, priceMinor: $0.listPriceMinor)
        })
        return product
    }

    public func setStorePrice(_ priceMinor: Int?, store: StoreID, sku: SKUCode) async throws {
        guard stores.finder.store(store) != nil else { throw DomainError(.notFound, field: "id", "no store \(store)") }
        if let priceMinor, !(0...100_000_000).contains(priceMinor) {
            throw DomainError(.invalid, field: "price_minor", "price_minor must be between 0 and 100000000")
        }
        try await repository.setStorePrice(priceMinor, store: store, sku: sku)
    }

    // MARK: - Reading

    public func categoryTree() async throws -> CategoryTree { CategoryTree(try await repository.categories()) }

    /// Each SKU's category and those above it, by slug (as the catalog files a SKU's category);
    /// the tree is read once for them all.
    public func categorySlugs(of skus: [SKUCode]) async throws -> [SKUCode: Set<String>] {
        let tree = try await categoryTree()
        var result: [SKUCode: Set<String>] = [:]
        for sku in skus {
            let raw = (stores.finder.sku(sku)?.category ?? "other").lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            let slug = raw.isEmpty ? "other" : raw
            result[sku] = tree.category(slug: slug).map { Set(tree.path(of: $0.id).map(\.slug)) } ?? [slug]
        }
        return result
    }

    public func product(_ id: ProductID, store: StoreID? = nil) async throws -> (Product, prices: [SKUCode: Int]) {
        guard let product = try await repository.product(id) else { throw DomainError(.notFound, field: "id", "no product \(id)") }
        var prices = Dictionary(uniqueKeysWithValues: product.skus.map { ($0.code, $0.listPriceMinor) })
        if let store {
            guard stores.finder.store(store) != nil else { throw DomainError(.notFound, field: "store_id", "no store \(store)") }
            prices.merge(try await repository.prices(store: store, skus: product.skus.map(\.code))) { $1 }
        }
        return (product, prices)
    }

    /// The customer's search.
    public func search(_ query: CatalogSearch) async throws -> CatalogPage {
        try Self.validate(query)
        var categories: Set<CategoryID>?
        if let slug = query.category {
            let tree = try await categoryTree()
            guard let category = tree.category(slug: slug) else { throw DomainError(.notFound, field: "category", "no category \"\(slug)\"") }
            categories = tree.subtree(of: category.id)
        }
        if let store = query.store, stores.finder.store(store) == nil {
            throw DomainError(.notFound, field: "store_id", "no store \(store)")
        }
        let match = query.text.flatMap(Self.ftsQuery)
        if query.text != nil, match == nil { return CatalogPage(hits: [], total: 0, nextOffset: nil) }
        var candidates = try await repository.candidates(match: match, categories: categories, minPriceMinor: query.minPriceMinor,
                                                         maxPriceMinor: query.maxPriceMinor, store: query.store)
        // In stock near the point: the nearest store that has it (and delivers there, if asked).
        var nearest: [SKUCode: CatalogHit.Nearest] = [:]
        if let near = query.near {
            guard candidates.count <= Self.maximumStockChecks else {
                throw DomainError(.unprocessable, field: "q",
                                 "\(candidates.count) SKUs match; narrow the search with words or a category to search near a point")
            }
            let at = now()
            for c in candidates {
                let q = NearbyQuery(point: near.point, limit: 1, radius: near.radius, mustDeliver: near.mustDeliver, openAt: nil,
                                    items: [NearbyQuery.Item(sku: c.sku, quantity: 1)])
                // A SKU the finder does not know has no stock anywhere.
                guard let first = (try? stores.finder.nearby(q, now: at))?.first else { continue }
                nearest[c.sku] = CatalogHit.Nearest(store: first.store.id, distance: first.distance,
                                                    available: first.availability.first?.available ?? 0)
            }
            candidates = candidates.filter { nearest[$0.sku] != nil }
        }
        Self.order(&candidates, by: query.sort, nearest: nearest)
        let total = candidates.count
        let page = Array(candidates.dropFirst(query.offset).prefix(query.limit))
        let products = try await repository.products(Array(Set(page.map(\.product))))
        let hits = page.compactMap { c in products[c.product].map { CatalogHit(candidate: c, product: $0, nearest: nearest[c.sku]) } }
        let next = query.offset + page.count < total ? query.offset + page.count : nil
        return CatalogPage(hits: hits, total: total, nextOffset: next)
    }

    static func order(_ candidates: inout [CatalogCandidate], by sort: CatalogSearch.Sort, nearest: [SKUCode: CatalogHit.Nearest]) {
        // Every order ends on the SKU code, so that pages never overlap or skip.
        switch sort {
        case .relevance:
            candidates.sort { ($0.score, -$0.sales, $0.sku) < ($1.score, -$1.sales, $1.sku) }
        case .priceAscending:
            candidates.sort { ($0.priceMinor, $0.sku) < ($1.priceMinor, $1.sku) }
        case .priceDescending:
            candidates.sort { (-$0.priceMinor, $0.sku) < (-$1.priceMinor, $1.sku) }
        case .distance:
            candidates.sort { (nearest[$0.sku]?.distance ?? .infinity, $0.sku) < (nearest[$1.sku]?.distance ?? .infinity, $1.sku) }
        case .sales:
            candidates.sort { (-$0.sales, $0.sku) < (-$1.sales, $1.sku) }
        }
    }

    /// The words as an FTS5 query: each a quoted term, the last also as a prefix (people search
    /// as they type); nil when nothing searchable is left.
    public static func ftsQuery(_ text: String) -> String? {
        let words = text.split { !($0.isLetter || $0.isNumber) }.map(String.init).prefix(16)
        guard !words.isEmpty else { return nil }
        var terms = words.map { "\"\($0)\"" }
        terms[terms.count - 1] += "*"
        return terms.joined(separator: " ")
    }

    // MARK: - Checks

    static func validate(_ q: CatalogSearch) throws(DomainError) {
        guard (1...CatalogSearch.maximumLimit).contains(q.limit) else {
            throw DomainError(.invalid, field: "limit", "limit must be between 1 and \(CatalogSearch.maximumLimit)")
        }
        guard q.offset >= 0, q.offset <= 1_000_000 else { throw DomainError(.invalid, field: "cursor", "not a cursor this search gave") }
        if let text = q.text, text.count > 200 { throw DomainError(.invalid, field: "q", "q must be at most 200 characters") }
        if let min = q.minPriceMinor, min < 0 { throw DomainError(.invalid, field: "min_price", "min_price must not be negative") }
        if let max = q.maxPriceMinor, max < 0 { throw DomainError(.invalid, field: "max_price", "max_price must not be negative") }
        if let min = q.minPriceMinor, let max = q.maxPriceMinor, min > max {
            throw DomainError(.invalid, field: "min_price", "min_price must not be above max_price")
        }
        if let near = q.near {
            guard near.radius > 0, near.radius <= CatalogSearch.maximumRadius else {
                throw DomainError(.invalid, field: "radius_m", "radius_m must be above 0 and at most \(Int(CatalogSearch.maximumRadius))")
            }
        }
        if q.sort == .distance, q.near == nil { throw DomainError(.invalid, field: "sort", "sort=distance needs lat and lon") }
    }

    static func validated(_ draft: ProductDraft) throws(DomainError) -> ProductDraft {
        var d = draft
        d.name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(d.name.count) else { throw DomainError(.invalid, field: "name", "name must be 1 to 200 characters") }
        if let brand = d.brand, brand.count > 100 { throw DomainError(.invalid, field: "brand", "brand must be at most 100 characters") }
        if let text = d.description, text.count > 5_000 { throw DomainError(.invalid, field: "description", "description must be at most 5000 characters") }
        guard d.attributes.count <= 30, d.attributes.allSatisfy({ (1...40).contains($0.key.count) && $0.value.count <= 200 }) else {
            throw DomainError(.invalid, field: "attributes", "at most 30 attributes, names of 1 to 40 characters, values up to 200")
        }
        guard d.images.count <= 10 else { throw DomainError(.invalid, field: "images", "at most 10 images") }
        for (i, url) in d.images.enumerated() where !(url.hasPrefix("https://") || url.hasPrefix("/")) || url.count > 500 || url.contains(" ") {
            throw DomainError(.invalid, field: "images[\(i)]", "an image is an https URL or a path on this server")
        }
        guard (1...50).contains(d.skus.count) else { throw DomainError(.invalid, field: "skus", "a product has 1 to 50 SKUs") }
        guard Set(d.skus.map(\.code)).count == d.skus.count else { throw DomainError(.invalid, field: "skus", "each SKU code may appear once") }
        for (i, sku) in d.skus.enumerated() {
            guard (1...64).contains(sku.code.rawValue.count), !sku.code.rawValue.contains(where: { $0.isWhitespace }) else {
                throw DomainError(.invalid, field: "skus[\(i)].sku", "a SKU code is 1 to 64 characters without spaces")
            }
            guard (0...100_000_000).contains(sku.listPriceMinor) else {
                throw DomainError(.invalid, field: "skus[\(i)].price_minor", "price_minor must be between 0 and 100000000")
            }
            guard (1...200).contains(sku.name.count) else { throw DomainError(.invalid, field: "skus[\(i)].name", "name must be 1 to 200 characters") }
        }
        return d
    }
}
