import Foundation
import GeoCore
import Kernel
import O2OAPI
import Stores

/// `POST /v1/availability`: which stores near a point have a whole basket, and when none has
/// it, the fewest stores that together do.
extension APIHandlers {
    func basketAvailability(_ input: Operations.BasketAvailability.Input) async throws -> Operations.BasketAvailability.Output {
        guard case .json(let b) = input.body else { throw Self.noBody }
        let now = stores.now()
        let query = try Self.basketQuery(b, now: now)
        let answer = try stores.finder.basket(query, now: now)
        return .ok(.init(body: .json(try Self.availability(answer, query: query))))
    }

    static func basketQuery(_ b: Components.Schemas.BasketQuery, now: Date) throws -> BasketQuery {
        var query = BasketQuery(point: try Coordinate.validated(latitude: b.lat, longitude: b.lon),
                                items: b.items.map { Reservation.Item(sku: SKUCode($0.sku), quantity: $0.qty ?? 1) })
        if let f = b.fulfilment { query.fulfilment = try enumValue(f.rawValue, field: "fulfilment") }
        if let s = b.sort { query.order = try enumValue(s.rawValue, field: "sort") }
        query.limit = b.limit ?? query.limit
        query.radius = b.radiusM ?? query.radius
        query.maxStores = b.maxStores ?? query.maxStores
        if let raw = b.openAt { query.openAt = try Input.instant(raw, field: "open_at", now: now) }
        return query
    }

    static func basketStore(_ o: BasketOption, query: BasketQuery, items: [Reservation.Item]? = nil) -> Components.Schemas.BasketStore {
        .init(availability: zip(query.items, o.available).map { .init(available: $1, sku: $0.sku.rawValue) }, distanceM: (o.distance * 10).rounded() / 10,
              feeMinor: o.feeMinor, items: items?.map { .init(qty: $0.quantity, sku: $0.sku.rawValue) }, minOrderMinor: o.zone?.minimumOrderMinor,
              open: o.isOpen, promisedMinutes: o.zone?.promisedMinutes, store: store(o.store), zoneId: o.zone.map { Int($0.id.rawValue) })
    }

    static func availability(_ answer: BasketAnswer, query: BasketQuery) throws -> Components.Schemas.Availability {
        let item = { (i: Reservation.Item) in Components.Schemas.BasketItem(qty: i.quantity, sku: i.sku.rawValue) }
        let split = try answer.split.map { split in
            Components.Schemas.Availability.SplitPayload(
                exact: split.isExact, method: try enumValue(split.method.rawValue, field: "method"),
                parts: split.parts.map { basketStore($0.option, query: query, items: $0.items) }, storeCount: split.parts.count,
                totalDistanceM: (split.totalDistance * 10).rounded() / 10, totalFeeMinor: split.totalFeeMinor)
        }
        return .init(candidates: answer.candidates, count: answer.stores.count, fulfilment: query.fulfilment.rawValue, items: query.items.map(item),
                     split: split, stores: answer.stores.map { basketStore($0, query: query) }, storesNeeded: answer.storesNeeded,
                     unavailable: answer.unavailable.map(item))
    }
}
