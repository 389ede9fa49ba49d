import Catalog
import Foundation
import GeoCore
import Kernel
import O2OAPI
import Stores

/// `GET /v1/catalog/search`: the customer's search over products, by words, category, price and
/// a point with the stores near it that have the product in stock.
extension APIHandlers {
    func searchCatalog(_ input: Operations.SearchCatalog.Input) async throws -> Operations.SearchCatalog.Output {
        let page = try await catalog.search(try Self.search(input.query))
        let tree = try await catalog.categoryTree()
        return .ok(.init(body: .json(.init(currency: catalog.currency, nextCursor: page.nextOffset.map { String($0) },
                                           results: page.hits.map { Self.hit($0, tree: tree) }, total: page.total))))
    }

    /// The search as the query asks for it. Kept out of the async handler: Swift 6.3's optimizer
    /// once crashed splitting that coroutine when the parsing was inside it (release builds).
    static func search(_ q: Operations.SearchCatalog.Input.Query) throws -> CatalogSearch {
        var query = CatalogSearch()
        query.text = q.q
        query.category = q.category
        query.minPriceMinor = q.minPrice
        query.maxPriceMinor = q.maxPrice
        query.store = q.storeId.map { StoreID(Int64($0)) }
        query.limit = q.limit ?? 20
        if let cursor = q.cursor, !cursor.isEmpty {
            guard let offset = Int(cursor) else { throw DomainError(.invalid, field: "cursor", "not a cursor this search gave") }
            query.offset = offset
        }
        if let sort = q.sort {
            guard let s = CatalogSearch.Sort(rawValue: sort) else {
                throw DomainError(.invalid, field: "sort", "sort must be one of \(CatalogSearch.Sort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.sort = s
        }
        if q.lat != nil || q.lon != nil {
            guard let lat = q.lat else { throw DomainError(.invalid, field: "lat", "lat is required with lon") }
            guard let lon = q.lon else { throw DomainError(.invalid, field: "lon", "lon is required with lat") }
            if let radius = q.radiusM, !radius.isFinite { throw DomainError(.invalid, field: "radius_m", "radius_m must be a finite number") }
            query.near = CatalogSearch.Near(point: try Coordinate.validated(latitude: lat, longitude: lon), radius: q.radiusM ?? 5_000,
                                            mustDeliver: q.delivers ?? false)
        } else if q.radiusM != nil || q.delivers != nil {
            throw DomainError(.invalid, field: "lat", "radius_m and delivers need lat and lon")
        }
        return query
    }

    static func hit(_ h: CatalogHit, tree: CategoryTree) -> Components.Schemas.CatalogHit {
        let sku = h.product.skus.first { $0.code == h.candidate.sku }
        return .init(brand: h.product.brand, category: tree[h.product.category]?.slug, image: h.product.images.first,
                     listPriceMinor: h.candidate.listPriceMinor, name: sku?.name ?? h.product.name,
                     nearest: h.nearest.map { .init(available: $0.available, distanceM: ($0.distance * 10).rounded() / 10, storeId: Int($0.store.rawValue)) },
                     priceMinor: h.candidate.priceMinor, productId: Int(h.product.id.rawValue), sales: h.product.sales, sku: h.candidate.sku.rawValue)
    }
}
