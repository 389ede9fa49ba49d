import Foundation
import GeoCore
import Kernel
import O2OAPI
import Stores

/// `GET /v1/zones`: the zones that hold a point, each with its store's name and whether the
/// point is served there, as JSON or GeoJSON. A store's own zones (`/v1/stores/{id}/zones`),
/// GeoJSON in and out, keep their hand routes (`StoreRoutes`).
extension APIHandlers {
    func zonesAt(_ input: Operations.ZonesAt.Input) async throws -> Operations.ZonesAt.Output {
        let point = try Coordinate.validated(latitude: input.query.lat, longitude: input.query.lon)
        let matches = stores.finder.zones(containing: point)
        if try wantsGeoJSON(input.query.format) {
            let collection = JSONValue.object(["type": .string("FeatureCollection"), "features": .array(matches.map {
                Render.zoneFeature($0.zone, extra: ["store_name": .string($0.store.name), "serves": .bool($0.serves)])
            })])
            return .ok(.init(body: .applicationGeoJson(try Self.container(collection))))
        }
        return .ok(.init(body: .json(.init(zones: try matches.map { m in
            let z = m.zone
            return .init(feeMinor: z.feeMinor, id: Int(z.id.rawValue), kind: try Self.enumValue(z.kind.rawValue, field: "kind"),
                         minOrderMinor: z.minimumOrderMinor, name: z.name, promisedMinutes: z.promisedMinutes, serves: m.serves,
                         storeId: Int(z.storeID.rawValue), storeName: m.store.name)
        }))))
    }
}
