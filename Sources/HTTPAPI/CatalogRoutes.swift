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
}

extension Render {
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
