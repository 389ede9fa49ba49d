import Catalog
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import StoreImport
import Stores
import Testing
import TestRandom

/// The catalog over the demo city, its search checked against a brute-force reading of the
/// same products.
@Suite("Catalog and search")
struct CatalogSearchTests {
    static func setup() async throws -> (CatalogService, StoreService) {
        let (db, stores, _) = try await DemoFixture.demoDatabase()
        return (try await DemoFixture.catalog(db, stores: stores), stores)
    }

    /// Lower-cased, accents dropped, split where FTS5's unicode61 tokenizer splits.
    static func tokens(_ text: String) -> [String] {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            .split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Every product's searchable words, by SKU.
    static func words(_ catalog: CatalogService) async throws -> [SKUCode: (product: Product, words: [String])] {
        let tree = try await catalog.categoryTree()
        var all: [SKUCode: (Product, [String])] = [:]
        let page = try await catalog.search(CatalogSearch(limit: 100))
        #expect(page.total == page.hits.count)
        for hit in page.hits {
            let p = hit.product
            let text = [p.name, p.brand ?? "", tree.path(of: p.category).map(\.name).joined(separator: " "), p.description ?? ""]
            all[hit.candidate.sku] = (p, text.flatMap(tokens))
        }
        return all
    }

    static func all(_ catalog: CatalogService, _ query: CatalogSearch) async throws -> [CatalogHit] {
        var q = query, hits: [CatalogHit] = []
        q.limit = 7
        while true {
            let page = try await catalog.search(q)
            hits += page.hits
            guard let next = page.nextOffset else { return hits }
            q.offset = next
        }
    }

    @Test("the demo catalog: a product per SKU in a three-level tree; a category's search includes its subcategories")
    func seeded() async throws {
        let (catalog, _) = try await Self.setup()
        let tree = try await catalog.categoryTree()
        #expect(try await catalog.repository.productCount() == DemoCatalog.skus.count)
        #expect(tree.path(of: tree.category(slug: "wine")!.id).map(\.slug) == ["beverages", "wine"])
        let beverages = try await Self.all(catalog, CatalogSearch(category: "beverages"))
        let expected = DemoCatalog.skus.filter { ["drinks", "wine"].contains($0.category) }.map(\.code)
        #expect(Set(beverages.map(\.candidate.sku)) == Set(expected))
        // Seeding again changes nothing.
        #expect(try await catalog.seedFromSKUs() == 0)
    }

    @Test("words: every SKU whose text has each word (the last as a prefix), accents and case ignored, as brute force finds")
    func words() async throws {
        let (catalog, _) = try await Self.setup()
        let index = try await Self.words(catalog)
        var rng = SeededRandom(seed: 3)
        let vocabulary = Array(Set(index.values.flatMap(\.words))).sorted()
        var queries = ["milk", "Pão", "PAO", "port wine", "chocolate 100", "douro", "ch", "zzzz", "leite", "x"]
        for _ in 0..<150 {
            var words = (0..<Int.random(in: 1...2, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { words[words.count - 1] = String(words[words.count - 1].prefix(Int.random(in: 1...3, using: &rng))) }
            queries.append(words.joined(separator: " "))
        }
        for text in queries {
            let got = Set(try await Self.all(catalog, CatalogSearch(text: text)).map(\.candidate.sku))
            let terms = Self.tokens(text)
            let expected = Set(index.filter { _, entry in
                terms.enumerated().allSatisfy { i, term in
                    entry.words.contains { i == terms.count - 1 ? $0.hasPrefix(term) : $0 == term }
                }
            }.keys)
            #expect(got == expected, "\"\(text)\"")
        }
    }

    @Test("price range, the price orders and pages: the same rows as brute force, in order, no page overlapping another")
    func pricesAndPages() async throws {
        let (catalog, _) = try await Self.setup()
        let everything = try await Self.all(catalog, CatalogSearch(sort: .priceAscending))
        #expect(everything.count == DemoCatalog.skus.count)
        let byPrice: [SKUCode] = DemoCatalog.skus.sorted { a, b in (a.priceMinor ?? 0, a.code) < (b.priceMinor ?? 0, b.code) }.map { $0.code }
        #expect(everything.map(\.candidate.sku) == byPrice)
        let ranged = try await Self.all(catalog, CatalogSearch(minPriceMinor: 300, maxPriceMinor: 900, sort: .priceDescending))
        let inRange: [SKU] = DemoCatalog.skus.filter { (300...900).contains($0.priceMinor ?? -1) }
        let expected: [SKUCode] = inRange.sorted { a, b in (-(a.priceMinor ?? 0), a.code) < (-(b.priceMinor ?? 0), b.code) }.map { $0.code }
        #expect(ranged.map(\.candidate.sku) == expected)
    }

    @Test("in stock near a point: each SKU's nearest store with it, as a scan of every store finds; the distance order")
    func near() async throws {
        let (catalog, stores) = try await Self.setup()
        let everyStore = stores.finder.stores(after: nil, limit: 10_000)
        var partial = 0
        // The centre, where every SKU is somewhere near, and the edges, where many are not.
        for (lat, lon, radius) in [(41.1496, -8.6109, 1_500.0), (41.1450, -8.6150, 100), (41.1300, -8.6000, 150)] {
            let point = Coordinate(latitude: lat, longitude: lon)
            let hits = try await Self.all(catalog, CatalogSearch(near: .init(point: point, radius: radius), sort: .distance))
            var expected: [SKUCode: Meters] = [:]
            for sku in DemoCatalog.skus {
                let distances = everyStore.filter { (stores.finder.available(sku.code, at: $0.id) ?? 0) >= 1 }
                    .map { $0.location.distance(to: point) }.filter { $0 <= radius }
                if let nearest = distances.min() { expected[sku.code] = nearest }
            }
            #expect(Set(hits.map(\.candidate.sku)) == Set(expected.keys), "\(point) \(radius)")
            for hit in hits { #expect(abs(hit.nearest!.distance - expected[hit.candidate.sku]!) < 1e-6) }
            #expect(hits.map { $0.nearest!.distance } == hits.map { $0.nearest!.distance }.sorted())
            if !hits.isEmpty, hits.count < DemoCatalog.skus.count { partial += 1 }
        }
        #expect(partial > 0, "somewhere only some SKUs are in stock nearby")
    }

    @Test("a store's own price shows in its searches and filters; cleared, the list price is back")
    func storePrices() async throws {
        let (catalog, stores) = try await Self.setup()
        let store = stores.finder.stores(after: nil, limit: 1)[0].id
        let sku = DemoCatalog.skus[0]
        try await catalog.setStorePrice(1, store: store, sku: sku.code)
        let cheap = try await catalog.search(CatalogSearch(maxPriceMinor: 1, store: store))
        #expect(cheap.hits.map(\.candidate.sku) == [sku.code] && cheap.hits[0].candidate.listPriceMinor == sku.priceMinor)
        #expect(try await catalog.search(CatalogSearch(maxPriceMinor: 1)).total == 0, "other searches see the list price")
        let (_, prices) = try await catalog.product(cheap.hits[0].product.id, store: store)
        #expect(prices[sku.code] == 1)
        try await catalog.setStorePrice(nil, store: store, sku: sku.code)
        #expect(try await catalog.search(CatalogSearch(maxPriceMinor: 1, store: store)).total == 0)
    }

    @Test("a new product: its SKUs are adopted or created, searchable at once, and stock can be written for them")
    func createProduct() async throws {
        let (catalog, stores) = try await Self.setup()
        let product = try await catalog.createProduct(ProductDraft(
            name: "Queijo da Serra", brand: "Casa da Serra", category: "dairy", description: "Amanteigado, de ovelha",
            attributes: ["origin": "Serra da Estrela"], images: ["https://img.example.com/q.jpg"],
            skus: [ProductSKU(code: "DAIRY-900", name: "Queijo da Serra 1 kg", variant: ["weight": "1 kg"], listPriceMinor: 2490),
                   ProductSKU(code: "DAIRY-901", name: "Queijo da Serra 500 g", variant: ["weight": "500 g"], listPriceMinor: 1390)]))
        #expect(product.skus.map(\.code) == ["DAIRY-900", "DAIRY-901"])
        #expect(Set(try await catalog.search(CatalogSearch(text: "amanteigado")).hits.map(\.candidate.sku)) == ["DAIRY-900", "DAIRY-901"])
        let store = stores.finder.stores(after: nil, limit: 1)[0].id
        _ = try await stores.writeStock(of: store, [("DAIRY-900", 3)], mode: .set)
        #expect(stores.finder.available("DAIRY-900", at: store) == 3)
        // A SKU on file joins the new product instead of being duplicated.
        let adopted = try await catalog.createProduct(ProductDraft(name: "Whole milk", category: "dairy",
                                                                   skus: [ProductSKU(code: "DAIRY-001", name: "Whole milk 1 L", listPriceMinor: 99)]))
        #expect(adopted.skus.map(\.code) == ["DAIRY-001"])
        #expect(try await catalog.search(CatalogSearch(text: "whole milk")).hits.filter { $0.candidate.sku == "DAIRY-001" }.map(\.product.id) == [adopted.id])
    }

    @Test("bad input is refused naming the field")
    func badInput() async throws {
        let (catalog, _) = try await Self.setup()
        let searches: [(CatalogSearch, String)] = [
            (CatalogSearch(limit: 0), "limit"), (CatalogSearch(limit: 101), "limit"), (CatalogSearch(offset: -1), "cursor"),
            (CatalogSearch(minPriceMinor: 10, maxPriceMinor: 5), "min_price"), (CatalogSearch(minPriceMinor: -1), "min_price"),
            (CatalogSearch(sort: .distance), "sort"), (CatalogSearch(category: "nope"), "category"),
            (CatalogSearch(near: .init(point: Coordinate(latitude: 41, longitude: -8), radius: 60_000)), "radius_m"),
            (CatalogSearch(store: StoreID(99_999)), "store_id"),
        ]
        for (q, field) in searches {
            do { _ = try await catalog.search(q); Issue.record("\(q) was accepted") } catch let e as DomainError { #expect(e.field == field) }
        }
        let drafts: [(ProductDraft, String)] = [
            (ProductDraft(name: "", category: "dairy", skus: [ProductSKU(code: "X-1", name: "x", listPriceMinor: 1)]), "name"),
            (ProductDraft(name: "X", category: "nope", skus: [ProductSKU(code: "X-1", name: "x", listPriceMinor: 1)]), "category"),
            (ProductDraft(name: "X", category: "dairy", skus: []), "skus"),
            (ProductDraft(name: "X", category: "dairy", images: ["http://insecure.example.com/a.jpg"],
                          skus: [ProductSKU(code: "X-1", name: "x", listPriceMinor: 1)]), "images[0]"),
            (ProductDraft(name: "X", category: "dairy", skus: [ProductSKU(code: "X-1", name: "x", listPriceMinor: -1)]), "skus[0].price_minor"),
            (ProductDraft(name: "X", category: "dairy", skus: [ProductSKU(code: "X 1", name: "x", listPriceMinor: 1)]), "skus[0].sku"),
        ]
        for (draft, field) in drafts {
            do { _ = try await catalog.createProduct(draft); Issue.record("\(draft) was accepted") } catch let e as DomainError { #expect(e.field == field) }
        }
        #expect(try await catalog.repository.productCount() == DemoCatalog.skus.count, "nothing was written")
        // Words with nothing searchable find nothing rather than failing.
        #expect(try await catalog.search(CatalogSearch(text: "\" * ( ) :")).total == 0)
    }
}
