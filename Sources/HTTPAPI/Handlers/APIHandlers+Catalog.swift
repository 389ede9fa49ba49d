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
        let tree = try await catalog.categoryTree()
        return .ok(.init(body: .json(.init(
            attributes: try Self.object(product.attributes), brand: product.brand, category: tree[product.category].map { Self.category($0, tree) },
            currency: catalog.currency, description: product.description, id: Int(product.id.rawValue), images: product.images,
            name: product.name, sales: product.sales,
            skus: try product.skus.map { sku in
                .init(listPriceMinor: sku.listPriceMinor, name: sku.name, priceMinor: prices[sku.code] ?? sku.listPriceMinor,
                      sku: sku.code.rawValue, unit: sku.unit, variant: try Self.object(sku.variant))
            }))))
    }

    static func category(_ c: Catalog.Category, _ tree: CategoryTree) -> Components.Schemas.Category {
        .init(id: Int(c.id.rawValue), name: c.name, parent: c.parent.flatMap { tree[$0] }?.slug,
              path: tree.path(of: c.id).map(\.name), slug: c.slug)
    }

    static func object(_ strings: [String: String]) throws -> OpenAPIRuntime.OpenAPIObjectContainer {
        try .init(unvalidatedValue: strings)
    }
}
