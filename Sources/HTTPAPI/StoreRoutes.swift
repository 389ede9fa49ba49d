import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// The nearby search and the stores' zones (GeoJSON in and out); the directory itself is
/// `APIHandlers+Stores.swift`.
struct StoreRoutes: Sendable {
    let service: StoreService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/stores/nearby") { request, _ in try nearby(request) }
        router.get("/v1/stores/:id/zones") { request, context in try zones(request, context) }
        router.put("/v1/stores/:id/zones") { request, context in try await putZones(request, context) }
    }

    static func storeID(_ context: AppRequestContext) throws -> StoreID {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else {
            throw Problem.invalid("id", "the store id must be a positive integer")
        }
        return StoreID(id)
    }

    func existing(_ context: AppRequestContext) throws -> Store {
        let id = try Self.storeID(context)
        guard let store = service.finder.store(id) else { throw DomainError(.notFound, field: "id", "no store \(id)") }
        return store
    }

    // MARK: - Nearby

    func nearby(_ request: Request) throws -> JSONBytes {
        let q = request.uri.queryParameters
        let point = try Input.point(q)
        let limit = try Input.queryInt(q, "limit") ?? 10
        let radius = try Input.queryDouble(q, "radius_m")
        let skus = q.getAll("sku").map { String($0) }
        let quantities = try q.getAll("qty").map { raw -> Int in
            guard let n = Int(String(raw)) else { throw Problem.invalid("qty", "qty must be an integer, got \"\(raw)\"") }
            return n
        }
        guard quantities.isEmpty || quantities.count == 1 || quantities.count == skus.count else {
            throw Problem.invalid("qty", "give one qty for all SKUs or one per sku, in the same order")
        }
        if skus.isEmpty, !quantities.isEmpty { throw Problem.invalid("qty", "qty needs at least one sku") }
        for sku in skus where sku.isEmpty { throw Problem.invalid("sku", "sku must not be empty") }
        if Set(skus).count != skus.count { throw Problem.invalid("sku", "each sku may appear once") }
        let items = skus.enumerated().map { i, sku in
            NearbyQuery.Item(sku: SKUCode(sku), quantity: quantities.isEmpty ? 1 : (quantities.count == 1 ? quantities[0] : quantities[i]))
        }
        let now = service.now()
        let openAt = try q["open_at"].map { try Input.instant(String($0), field: "open_at", now: now) }
        let query = NearbyQuery(point: point, limit: limit, radius: radius, mustDeliver: try Input.queryBool(q, "delivers") ?? false,
                                openAt: openAt, items: items)
        let results = try service.finder.nearby(query, now: now)
        if try Input.wantsGeoJSON(request) {
            let collection = JSONValue.object(["type": .string("FeatureCollection"),
                                               "features": .array(results.map { Render.storeFeature($0.store, extra: Render.nearbyRow($0)) })])
            return JSONBytes(bytes: collection.serialized(capacity: 8_192), contentType: "application/geo+json")
        }
        return JSONBytes(bytes: NearbyRenderer.shared.render(results))
    }

    // MARK: - Zones

    func zones(_ request: Request, _ context: AppRequestContext) throws -> JSONBody {
        let store = try existing(context)
        return .geo(Render.zones(service.finder.zones(of: store.id) ?? []))
    }

    func putZones(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let id = try Self.storeID(context)
        _ = try context.runs(id)
        let drafts = try ZoneInput.drafts(try await Input.json(request, context: context), field: "")
        return .geo(Render.zones(try await service.replaceZones(of: id, with: drafts)))
    }
}

/// Zones as clients send them: a GeoJSON FeatureCollection whose features carry
/// `kind`, `name`, `fee_minor`, `min_order_minor` and `promised_minutes`.
enum ZoneInput {
    static let members: Set<String> = ["kind", "name", "fee_minor", "min_order_minor", "promised_minutes", "id", "store_id"]

    static func drafts(_ json: JSONValue, field: String) throws -> [ZoneDraft] {
        let collection = try GeoJSONFeatureCollection(json: json, field: field)
        guard collection.features.count <= 100 else {
            throw Problem.invalid(field.isEmpty ? "features" : field + ".features", "at most 100 zones per store")
        }
        let prefix = field.isEmpty ? "" : field + "."
        return try collection.features.enumerated().map { i, feature in
            let path = "\(prefix)features[\(i)]"
            guard let area = feature.geometry.multiPolygon else {
                throw Problem.invalid(path + ".geometry", "a zone is a Polygon or MultiPolygon")
            }
            let p = feature.properties
            if let unknown = p.keys.sorted().first(where: { !members.contains($0) }) {
                throw Problem.invalid("\(path).properties.\(unknown)", "unknown property \"\(unknown)\"")
            }
            let kindText = try Input.string(p, "kind", path: path + ".properties.") ?? "delivery"
            guard let kind = DeliveryZone.Kind(rawValue: kindText) else {
                throw Problem.invalid(path + ".properties.kind", "kind is delivery or exclusion")
            }
            return ZoneDraft(kind: kind, name: try Input.string(p, "name", path: path + ".properties."), area: area,
                             feeMinor: try Input.integer(p, "fee_minor", path: path + ".properties.") ?? 0,
                             minimumOrderMinor: try Input.integer(p, "min_order_minor", path: path + ".properties.") ?? 0,
                             promisedMinutes: try Input.integer(p, "promised_minutes", path: path + ".properties.") ?? 0,
                             field: path)
        }
    }
}
