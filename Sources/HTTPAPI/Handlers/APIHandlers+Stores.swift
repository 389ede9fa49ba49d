import Foundation
import GeoCore
import Kernel
import O2OAPI
import OpenAPIRuntime
import Stores

/// `/v1/stores` and `/v1/stores/{id}`: the store directory, as JSON or GeoJSON (`format=geojson`
/// or `Accept: application/geo+json`). The nearby search, the zones and till batches keep their
/// hand routes (`StoreRoutes`, `InventoryRoutes`).
extension APIHandlers {
    func listStores(_ input: Operations.ListStores.Input) async throws -> Operations.ListStores.Output {
        let limit = try Self.pageSize(input.query.limit)
        let after = input.query.cursor.map { StoreID(Int64($0)) }
        var found: [Store]
        if let raw = input.query.bbox {
            let parts = raw.split(separator: ",").map { Double(String($0)) }
            guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else {
                throw DomainError(.invalid, field: "bbox", "bbox is min_lon,min_lat,max_lon,max_lat")
            }
            let box = try BoundingBox.validated(minLatitude: parts[1]!, minLongitude: parts[0]!, maxLatitude: parts[3]!, maxLongitude: parts[2]!)
            found = stores.finder.stores(in: box, after: after, limit: limit + 1)
        } else {
            found = stores.finder.stores(after: after, limit: limit + 1)
        }
        var next: String?
        if found.count > limit {
            found.removeLast()
            next = found.last.map { String($0.id.rawValue) }
        }
        if try wantsGeoJSON(input.query.format) {
            return .ok(.init(body: .applicationGeoJson(.init(features: found.map(Self.storeFeature), _type: .featureCollection))))
        }
        return .ok(.init(body: .json(.init(nextCursor: next, stores: found.map(Self.store)))))
    }

    func getStore(_ input: Operations.GetStore.Input) async throws -> Operations.GetStore.Output {
        let store = try existingStore(input.path.id)
        if try wantsGeoJSON(input.query.format) { return .ok(.init(body: .applicationGeoJson(Self.storeFeature(store)))) }
        return .ok(.init(body: .json(Self.store(store))))
    }

    func createStore(_ input: Operations.CreateStore.Input) async throws -> Operations.CreateStore.Output {
        _ = try context.admin("add stores")
        guard case .json(let b) = input.body else { throw Self.noBody }
        let draft = StoreDraft(externalRef: b.externalRef, name: b.name, brand: b.brand, kind: b.kind, address: b.address, phone: b.phone,
                               openingHours: b.openingHours, timeZone: b.timeZone, location: try Coordinate.validated(latitude: b.lat, longitude: b.lon))
        let zones = try b.zones.map { try ZoneInput.drafts(try Self.json($0), field: "zones") } ?? []
        let (store, created) = try await stores.create(draft, zones: zones)
        let s = Self.store(store)
        return .created(.init(body: .json(.init(
            address: s.address, brand: s.brand, externalRef: s.externalRef, id: s.id, kind: s.kind, lat: s.lat, lon: s.lon, name: s.name,
            openingHours: s.openingHours, openingHoursKnown: s.openingHoursKnown, phone: s.phone, timeZone: s.timeZone,
            zones: try Self.container(Render.zones(created))))))
    }

    func updateStore(_ input: Operations.UpdateStore.Input) async throws -> Operations.UpdateStore.Output {
        let id = StoreID(try Self.positive(input.path.id, "id"))
        _ = try context.runs(id)
        guard case .json(let b) = input.body else { throw Self.noBody }
        let sent = try await sentMembers()
        guard !sent.isEmpty else { throw DomainError(.invalid, field: "body", "name at least one member to change") }
        if (b.lat == nil) != (b.lon == nil) { throw DomainError(.invalid, field: b.lat == nil ? "lat" : "lon", "lat and lon change together") }
        let cleared: [(String, String?)] = [("external_ref", b.externalRef), ("name", b.name), ("kind", b.kind), ("time_zone", b.timeZone)]
        for (key, value) in cleared where value == nil && sent.contains(key) {
            throw DomainError(.invalid, field: key, "\(key) cannot be cleared")
        }
        let patch = StorePatch(externalRef: b.externalRef, name: b.name, brand: b.brand, kind: b.kind, address: b.address, phone: b.phone,
                               openingHours: b.openingHours, timeZone: b.timeZone,
                               location: try b.lat.map { try Coordinate.validated(latitude: $0, longitude: b.lon!) })
        return .ok(.init(body: .json(Self.store(try await stores.update(id, patch)))))
    }

    func deleteStore(_ input: Operations.DeleteStore.Input) async throws -> Operations.DeleteStore.Output {
        _ = try context.admin("remove stores")
        try await stores.delete(StoreID(try Self.positive(input.path.id, "id")))
        return .noContent(.init())
    }

    // MARK: - Translation

    /// The store with this id, or a 404 naming it.
    func existingStore(_ raw: Int) throws -> Store {
        let id = StoreID(try Self.positive(raw, "id"))
        guard let store = stores.finder.store(id) else { throw DomainError(.notFound, field: "id", "no store \(id.rawValue)") }
        return store
    }

    /// `format=geojson`, or else an `Accept` that asks for `application/geo+json`.
    func wantsGeoJSON(_ format: String?) throws -> Bool {
        try Input.wantsGeoJSON(format: format, accept: try current.request.headers[.accept])
    }

    static func store(_ s: Store) -> Components.Schemas.Store {
        .init(address: s.address, brand: s.brand, externalRef: s.externalRef, id: Int(s.id.rawValue), kind: s.kind,
              lat: s.location.latitude, lon: s.location.longitude, name: s.name, openingHours: s.openingHours,
              openingHoursKnown: s.openingHours.map(HoursValidity.shared.isValid) ?? false, phone: s.phone, timeZone: s.timeZone)
    }

    static func storeFeature(_ s: Store) -> Components.Schemas.StoreFeature {
        .init(geometry: .init(coordinates: [s.location.longitude, s.location.latitude], _type: .point), id: Int(s.id.rawValue),
              properties: .init(address: s.address, brand: s.brand, externalRef: s.externalRef, id: Int(s.id.rawValue), kind: s.kind,
                                name: s.name, openingHours: s.openingHours,
                                openingHoursKnown: s.openingHours.map(HoursValidity.shared.isValid) ?? false, phone: s.phone, timeZone: s.timeZone),
              _type: .feature)
    }

    /// A free-form member of a generated type as the JSON it holds, and back.
    static func json(_ container: OpenAPIObjectContainer) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(container))
    }

    static func container(_ json: JSONValue) throws -> OpenAPIObjectContainer {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: try JSONEncoder().encode(json))
    }
}
