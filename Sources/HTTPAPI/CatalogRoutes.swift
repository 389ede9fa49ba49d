import Accounts
import Catalog
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// `/v1/catalog/…`: the category tree, products, the customer's search; admins add categories
/// and products, and a store's staff set its own prices.
struct CatalogRoutes: Sendable {
    let catalog: CatalogService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/catalog/search") { request, _ in try await search(request) }
        router.post("/v1/catalog/products") { request, context in try await createProduct(request, context) }
        router.put("/v1/stores/:id/prices/:sku") { request, context in
            let store = try StoreRoutes.storeID(context)
            guard try context.signedIn().mayRun(store: store) else { throw DomainError(.forbidden, "only the store's staff or an admin set its prices") }
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["price_minor"])
            try await catalog.setStorePrice(try Input.integer(o, "price_minor", required: true)!, store: store,
                                            sku: SKUCode(context.parameters.get("sku") ?? ""))
            return Response(status: .noContent)
        }
        router.delete("/v1/stores/:id/prices/:sku") { _, context in
            let store = try StoreRoutes.storeID(context)
            guard try context.signedIn().mayRun(store: store) else { throw DomainError(.forbidden, "only the store's staff or an admin set its prices") }
            try await catalog.setStorePrice(nil, store: store, sku: SKUCode(context.parameters.get("sku") ?? ""))
            return Response(status: .noContent)
        }
    }

    func search(_ request: Request) async throws -> JSONBody {
        let page = try await catalog.search(try Self.query(request))
        let tree = try await catalog.categoryTree()
        return JSONBody(value: .object([
            "total": .number(Double(page.total)), "currency": .string(catalog.currency),
            "results": .array(page.hits.map { Render.hit($0, tree: tree) }),
            "next_cursor": page.nextOffset.map { .string(String($0)) } ?? .null,
        ]))
    }

    /// The search as the query string asks for it. Kept out of the async handler: Swift 6.3's
    /// optimizer crashes splitting that coroutine when the parsing is inside it (release builds).
    static func query(_ request: Request) throws -> CatalogSearch {
        let q = request.uri.queryParameters
        var query = CatalogSearch()
        query.text = q["q"].map(String.init)
        query.category = q["category"].map(String.init)
        query.minPriceMinor = try Input.queryInt(q, "min_price")
        query.maxPriceMinor = try Input.queryInt(q, "max_price")
        query.store = try Input.queryInt(q, "store_id").map { StoreID(Int64($0)) }
        query.limit = try Input.queryInt(q, "limit") ?? 20
        if let cursor = q["cursor"], !cursor.isEmpty {
            guard let offset = Int(String(cursor)) else { throw Problem.invalid("cursor", "not a cursor this search gave") }
            query.offset = offset
        }
        if let sort = q["sort"] {
            guard let s = CatalogSearch.Sort(rawValue: String(sort)) else {
                throw Problem.invalid("sort", "sort must be one of \(CatalogSearch.Sort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.sort = s
        }
        if q["lat"] != nil || q["lon"] != nil {
            query.near = CatalogSearch.Near(point: try Input.point(q), radius: try Input.queryDouble(q, "radius_m") ?? 5_000,
                                            mustDeliver: try Input.queryBool(q, "delivers") ?? false)
        } else if q["radius_m"] != nil || q["delivers"] != nil {
            throw Problem.invalid("lat", "radius_m and delivers need lat and lon")
        }
        return query
    }

    static let productMembers: Set<String> = ["name", "brand", "category", "description", "attributes", "images", "skus"]
    static let skuMembers: Set<String> = ["sku", "name", "variant", "unit", "price_minor"]

    func createProduct(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        guard try context.signedIn().role == .admin else { throw DomainError(.forbidden, "only an admin edits the catalog") }
        let o = try Input.object(try await Input.json(request, context: context), allowed: Self.productMembers)
        let name = try Input.string(o, "name", required: true)!
        guard case .array(let items)? = o["skus"] else { throw Problem.invalid("skus", "skus must be an array of SKUs") }
        let skus = try items.enumerated().map { i, item in
            let s = try Input.object(item, field: "skus[\(i)]", allowed: Self.skuMembers)
            let path = "skus[\(i)]."
            return ProductSKU(code: SKUCode(try Input.string(s, "sku", required: true, path: path)!),
                              name: try Input.string(s, "name", path: path) ?? name,
                              variant: try Self.strings(s["variant"], field: path + "variant"), unit: try Input.string(s, "unit", path: path),
                              listPriceMinor: try Input.integer(s, "price_minor", required: true, path: path)!)
        }
        var images: [String] = []
        if let value = o["images"], !value.isNull {
            guard case .array(let list) = value else { throw Problem.invalid("images", "images must be an array of URLs") }
            images = try list.enumerated().map { i, v in
                guard let s = v.stringValue else { throw Problem.invalid("images[\(i)]", "an image is a URL string") }
                return s
            }
        }
        let draft = ProductDraft(name: name, brand: try Input.string(o, "brand"), category: try Input.string(o, "category", required: true)!,
                                 description: try Input.string(o, "description"), attributes: try Self.strings(o["attributes"], field: "attributes"),
                                 images: images, skus: skus)
        let product = try await catalog.createProduct(draft)
        let prices = Dictionary(uniqueKeysWithValues: product.skus.map { ($0.code, $0.listPriceMinor) })
        return JSONBody(value: Render.product(product, prices: prices, tree: try await catalog.categoryTree(), currency: catalog.currency),
                        status: .created)
    }

    /// An object of strings ({"size": "1 L"}), or empty when absent.
    static func strings(_ value: JSONValue?, field: String) throws -> [String: String] {
        guard let value, !value.isNull else { return [:] }
        guard case .object(let o) = value else { throw Problem.invalid(field, "\(field) must be an object of strings") }
        return try o.mapValues { v in
            guard let s = v.stringValue else { throw Problem.invalid(field, "\(field) must be an object of strings") }
            return s
        }
    }
}

extension Render {
    static func category(_ c: Catalog.Category, _ tree: CategoryTree) -> JSONValue {
        .object([
            "id": .number(Double(c.id.rawValue)), "slug": .string(c.slug), "name": .string(c.name),
            "parent": c.parent.flatMap { tree[$0] }.map { .string($0.slug) } ?? .null,
            "path": .array(tree.path(of: c.id).map { .string($0.name) }),
        ])
    }

    static func strings(_ d: [String: String]) -> JSONValue { .object(d.mapValues(JSONValue.string)) }

    static func product(_ p: Product, prices: [SKUCode: Int], tree: CategoryTree, currency: String) -> JSONValue {
        .object([
            "id": .number(Double(p.id.rawValue)), "name": .string(p.name), "brand": optional(p.brand),
            "category": tree[p.category].map { category($0, tree) } ?? .null, "description": optional(p.description),
            "attributes": strings(p.attributes), "images": .array(p.images.map(JSONValue.string)), "sales": number(p.sales),
            "currency": .string(currency),
            "skus": .array(p.skus.map { s in
                .object(["sku": .string(s.code.rawValue), "name": .string(s.name), "variant": strings(s.variant), "unit": optional(s.unit),
                         "list_price_minor": number(s.listPriceMinor), "price_minor": number(prices[s.code] ?? s.listPriceMinor)])
            }),
        ])
    }

    static func hit(_ h: CatalogHit, tree: CategoryTree) -> JSONValue {
        let sku = h.product.skus.first { $0.code == h.candidate.sku }
        return .object([
            "sku": .string(h.candidate.sku.rawValue), "product_id": .number(Double(h.product.id.rawValue)),
            "name": .string(sku?.name ?? h.product.name), "brand": optional(h.product.brand),
            "category": tree[h.product.category].map { .string($0.slug) } ?? .null,
            "price_minor": number(h.candidate.priceMinor), "list_price_minor": number(h.candidate.listPriceMinor),
            "image": h.product.images.first.map(JSONValue.string) ?? .null, "sales": number(h.product.sales),
            "nearest": h.nearest.map { n in
                .object(["store_id": .number(Double(n.store.rawValue)), "distance_m": .number((n.distance * 10).rounded() / 10),
                         "available": number(n.available)])
            } ?? .null,
        ])
    }
}
