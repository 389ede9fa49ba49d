import Catalog
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `CatalogRepository` must do, whatever stores it: each test runs on every backend
/// in `backends` (SpatiaLite in memory and on disk today).
@Suite("CatalogRepository contract")
struct CatalogRepositoryContractTests {
    /// A fresh backend beside one store (id 1).
    typealias Backend = ContractBackend<(any CatalogRepository, StoreID)>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> (any CatalogRepository, StoreID) {
        let (store, _) = try await DemoFixture.service(db).create(StoreDraft(externalRef: "test:1", name: "Store", kind: "convenience",
                                                                            timeZone: "Europe/Lisbon", location: Coordinate(latitude: 41.15, longitude: -8.61)))
        return (SpatiaLiteCatalogRepository(database: db), store.id)
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)


    @Test("categories: a slug once, a parent that exists; products and their SKUs read back whole; a store's own price and the list price", arguments: CatalogRepositoryContractTests.backends)
    func catalog(_ backend: Backend) async throws {
        let (repo, store) = try await backend.make()
        let fresh = try await repo.createCategory(CategoryDraft(slug: "fresh", name: "Fresh"))
        let dairy = try await repo.createCategory(CategoryDraft(slug: "dairy", name: "Dairy", parent: "fresh"))
        #expect(dairy.parent == fresh.id)
        #expect(await Contracts.refusal { _ = try await repo.createCategory(CategoryDraft(slug: "fresh", name: "Again")) } == .conflict)
        #expect(await Contracts.refusal { _ = try await repo.createCategory(CategoryDraft(slug: "cheese", name: "Cheese", parent: "nowhere")) } == .notFound)
        #expect(Set(try await repo.categories()) == [fresh, dairy], "a refused category leaves nothing behind")

        let milk = ProductDraft(name: "Milk", brand: "Mimosa", category: "dairy", description: "Whole milk", attributes: ["fat": "3.6%"],
                                images: ["milk.jpg"], skus: [ProductSKU(code: "DAIRY-001", name: "Milk 1 l", variant: ["size": "1 l"], unit: "l", listPriceMinor: 129),
                                                             ProductSKU(code: "DAIRY-002", name: "Milk 6 × 1 l", variant: ["size": "6 l"], listPriceMinor: 699)])
        let made = try await repo.createProducts([(milk, dairy.id)], at: Self.t0)
        let product = try #require(made.first)
        #expect(product.name == "Milk" && product.brand == "Mimosa" && product.category == dairy.id && product.attributes == ["fat": "3.6%"])
        #expect(product.skus.map(\.code) == ["DAIRY-001", "DAIRY-002"] && product.skus.map(\.listPriceMinor) == [129, 699])
        #expect(try await repo.product(product.id) == product)
        #expect(try await repo.products([product.id, ProductID(999_999)]) == [product.id: product])
        #expect(try await repo.product(ProductID(999_999)) == nil)
        #expect(try await repo.productCount() == 1)

        #expect(try await repo.prices(store: store, skus: ["DAIRY-001", "DAIRY-002"]) == ["DAIRY-001": 129, "DAIRY-002": 699])
        try await repo.setStorePrice(119, store: store, sku: "DAIRY-001")
        #expect(try await repo.prices(store: store, skus: ["DAIRY-001", "DAIRY-002"]) == ["DAIRY-001": 119, "DAIRY-002": 699])
        try await repo.setStorePrice(nil, store: store, sku: "DAIRY-001")
        #expect(try await repo.prices(store: store, skus: ["DAIRY-001"]) == ["DAIRY-001": 129], "nil returns the SKU to its list price")
        #expect(await Contracts.refusal { try await repo.setStorePrice(100, store: store, sku: "NO-SUCH-SKU") } == .notFound)
    }
}
