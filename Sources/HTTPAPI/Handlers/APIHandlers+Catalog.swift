import Accounts
import Catalog
import Kernel
import O2OAPI
import OpenAPIRuntime

extension APIHandlers {
    func listCategories(_ input: Operations.ListCategories.Input) async throws -> Operations.ListCategories.Output {
        let tree = try await catalog.categoryTree()
        return .ok(.init(body: .json(.init(categories: tree.categories.map { Self.category($0, tree) }))))
    }

    func createCategory(_ input: Operations.CreateCategory.Input) async throws -> Operations.CreateCategory.Output {
        guard try context.signedIn().role == .admin else { throw DomainError(.forbidden, "only an admin edits the catalog") }
        guard case .json(let body) = input.body else { throw DomainError(.invalid, field: "body", "a JSON category is required") }
        let category = try await catalog.createCategory(CategoryDraft(slug: body.slug, name: body.name, parent: body.parent))
        return .created(.init(body: .json(Self.category(category, try await catalog.categoryTree()))))
    }

    func getProduct(_ input: Operations.GetProduct.Input) async throws -> Operations.GetProduct.Output {
        guard input.path.id > 0 else { throw DomainError(.invalid, field: "id", "the product id must be a positive integer") }
        let store = input.query.storeId.map { StoreID(Int64($0)) }
        let (product, prices) = try await catalog.product(ProductID(Int64(input.path.id)), store: store)
        return .ok(.init(body: .json(Self.product(product, prices: prices, tree: try await catalog.categoryTree(), currency: catalog.currency))))
    }

    func createProduct(_ input: Operations.CreateProduct.Input) async throws -> Operations.CreateProduct.Output {
        guard try context.signedIn().role == .admin else { throw DomainError(.forbidden, "only an admin edits the catalog") }
        guard case .json(let body) = input.body else { throw Self.noBody }
        let skus = body.skus.map { sku in
            ProductSKU(code: SKUCode(sku.sku), name: sku.name ?? body.name, variant: sku.variant?.additionalProperties ?? [:], unit: sku.unit,
                       listPriceMinor: sku.priceMinor)
        }
        let draft = ProductDraft(name: body.name, brand: body.brand, category: body.category, description: body.description,
                                 attributes: body.attributes?.additionalProperties ?? [:], images: body.images ?? [], skus: skus)
        let product = try await catalog.createProduct(draft)
        let prices = Dictionary(uniqueKeysWithValues: product.skus.map { ($0.code, $0.listPriceMinor) })
        return .created(.init(body: .json(Self.product(product, prices: prices, tree: try await catalog.categoryTree(), currency: catalog.currency))))
    }

    func setStorePrice(_ input: Operations.SetStorePrice.Input) async throws -> Operations.SetStorePrice.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let store = try Self.staffedStore(input.path.id, try context.signedIn())
        try await catalog.setStorePrice(body.priceMinor, store: store, sku: SKUCode(input.path.sku))
        return .noContent(.init())
    }

    func clearStorePrice(_ input: Operations.ClearStorePrice.Input) async throws -> Operations.ClearStorePrice.Output {
        let store = try Self.staffedStore(input.path.id, try context.signedIn())
        try await catalog.setStorePrice(nil, store: store, sku: SKUCode(input.path.sku))
        return .noContent(.init())
    }

    /// The store in the path, if the caller runs it.
    static func staffedStore(_ id: Int, _ caller: Principal) throws -> StoreID {
        let store = StoreID(try positive(id, "id"))
        guard caller.mayRun(store: store) else { throw DomainError(.forbidden, "only the store's staff or an admin set its prices") }
        return store
    }

    static func product(_ product: Product, prices: [SKUCode: Int], tree: CategoryTree, currency: String) -> Components.Schemas.Product {
        .init(attributes: .init(additionalProperties: product.attributes), brand: product.brand,
              category: tree[product.category].map { Self.category($0, tree) }, currency: currency, description: product.description,
              id: Int(product.id.rawValue), images: product.images, name: product.name, sales: product.sales,
              skus: product.skus.map { sku in
                  .init(listPriceMinor: sku.listPriceMinor, name: sku.name, priceMinor: prices[sku.code] ?? sku.listPriceMinor,
                        sku: sku.code.rawValue, unit: sku.unit, variant: .init(additionalProperties: sku.variant))
              })
    }

    static func category(_ c: Catalog.Category, _ tree: CategoryTree) -> Components.Schemas.Category {
        .init(id: Int(c.id.rawValue), name: c.name, parent: c.parent.flatMap { tree[$0] }?.slug,
              path: tree.path(of: c.id).map(\.name), slug: c.slug)
    }
}
