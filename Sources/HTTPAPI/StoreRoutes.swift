import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// `/v1/stores`: the store directory, its zones and stock, and the nearby search.
struct StoreRoutes: Sendable {
    let service: StoreService

    static let storeMembers: Set<String> = [
        "external_ref", "name", "brand", "kind", "address", "phone", "opening_hours", "time_zone", "lat", "lon", "zones",
    ]

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/stores/nearby") { request, _ in try nearby(request) }
        router.get("/v1/stores") { request, _ in try list(request) }
        router.post("/v1/stores") { request, context in try await create(request, context) }
        router.get("/v1/stores/:id") { request, context in try show(request, context) }
        router.patch("/v1/stores/:id") { request, context in try await patch(request, context) }
        router.delete("/v1/stores/:id") { _, context in try await delete(context) }
        router.get("/v1/stores/:id/zones") { request, context in try zones(request, context) }
        router.put("/v1/stores/:id/zones") { request, context in try await putZones(request, context) }
        router.get("/v1/zones") { request, _ in try zonesAt(request) }
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

    // MARK: - Directory

    func list(_ request: Request) throws -> JSONBody {
        let limit = try Input.queryInt(request, "limit") ?? 100
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        var stores: [Store]
        var next: JSONValue = .null
        let after = try Input.queryInt(request, "cursor").map { StoreID(Int64($0)) }
        if let raw = request.uri.queryParameters["bbox"] {
            let parts = raw.split(separator: ",").map { Double(String($0)) }
            guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else {
                throw Problem.invalid("bbox", "bbox is min_lon,min_lat,max_lon,max_lat")
            }
            let box = try BoundingBox.validated(minLatitude: parts[1]!, minLongitude: parts[0]!, maxLatitude: parts[3]!, maxLongitude: parts[2]!)
            stores = service.finder.stores(in: box, after: after, limit: limit + 1)
        } else {
            stores = service.finder.stores(after: after, limit: limit + 1)
        }
        if stores.count > limit {
            stores.removeLast()
            next = .string(String(stores.last!.id.rawValue))
        }
        if try Input.wantsGeoJSON(request) {
            return .geo(.object(["type": .string("FeatureCollection"), "features": .array(stores.map { Render.storeFeature($0) })]))
        }
        return JSONBody(value: .object(["stores": .array(stores.map(Render.store)), "next_cursor": next]))
    }

    func show(_ request: Request, _ context: AppRequestContext) throws -> JSONBody {
        let store = try existing(context)
        return try Input.wantsGeoJSON(request) ? .geo(Render.storeFeature(store)) : JSONBody(value: Render.store(store))
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.admin("add stores")
        let o = try Input.object(try await Input.json(request, context: context), allowed: Self.storeMembers)
        let externalRef = try Input.string(o, "external_ref", required: true)!
        let name = try Input.string(o, "name", required: true)!
        let kind = try Input.string(o, "kind", required: true)!
        let timeZone = try Input.string(o, "time_zone", required: true)!
        let lat = try Input.number(o, "lat", required: true)!, lon = try Input.number(o, "lon", required: true)!
        let draft = StoreDraft(
            externalRef: externalRef, name: name, brand: try Input.string(o, "brand"), kind: kind,
            address: try Input.string(o, "address"), phone: try Input.string(o, "phone"),
            openingHours: try Input.string(o, "opening_hours"), timeZone: timeZone,
            location: try Coordinate.validated(latitude: lat, longitude: lon))
        let zones = try o["zones"].map { try ZoneInput.drafts($0, field: "zones") } ?? []
        let (store, created) = try await service.create(draft, zones: zones)
        var body = Render.store(store)
        if case .object(var members) = body {
            members["zones"] = Render.zones(created)
            body = .object(members)
        }
        return JSONBody(value: body, status: .created)
    }

    func patch(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let id = try Self.storeID(context)
        _ = try context.runs(id)
        let o = try Input.object(try await Input.json(request, context: context), allowed: Self.storeMembers.subtracting(["zones"]))
        guard o.isEmpty == false else { throw Problem.invalid("body", "name at least one member to change") }
        let lat = try Input.number(o, "lat"), lon = try Input.number(o, "lon")
        if (lat == nil) != (lon == nil) { throw Problem.invalid(lat == nil ? "lat" : "lon", "lat and lon change together") }
        let patch = StorePatch(
            externalRef: try Input.string(o, "external_ref"), name: try Input.string(o, "name"), brand: try Input.string(o, "brand"),
            kind: try Input.string(o, "kind"), address: try Input.string(o, "address"), phone: try Input.string(o, "phone"),
            openingHours: try Input.string(o, "opening_hours"), timeZone: try Input.string(o, "time_zone"),
            location: try lat.map { try Coordinate.validated(latitude: $0, longitude: lon!) })
        for key in ["external_ref", "name", "kind", "time_zone"] where o[key] == .null {
            throw Problem.invalid(key, "\(key) cannot be cleared")
        }
        return JSONBody(value: Render.store(try await service.update(id, patch)))
    }

    func delete(_ context: AppRequestContext) async throws -> Response {
        _ = try context.admin("remove stores")
        try await service.delete(try Self.storeID(context))
        return Response(status: .noContent)
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

    func zonesAt(_ request: Request) throws -> JSONBody {
        let point = try Input.point(request)
        let matches = service.finder.zones(containing: point)
        if try Input.wantsGeoJSON(request) {
            return .geo(.object(["type": .string("FeatureCollection"), "features": .array(matches.map {
                Render.zoneFeature($0.zone, extra: ["store_name": .string($0.store.name), "serves": .bool($0.serves)])
            })]))
        }
        return JSONBody(value: .object(["zones": .array(matches.map { m in
            var o = Render.zoneProperties(m.zone)
            o["store_name"] = .string(m.store.name)
            o["serves"] = .bool(m.serves)
            return .object(o)
        })]))
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
