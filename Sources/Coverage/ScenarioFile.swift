import Foundation
import GeoCore
import Kernel

/// Reads scenarios from JSON. Two shapes:
///
/// - what-if changes to the baseline: `{"name": "…", "changes": [{"op": "add", "name", "lat",
///   "lon", "kind", "radius_m", "fee_minor", "promised_minutes"}, {"op": "move", "store", "lat",
///   "lon"}, {"op": "remove", "store"}, {"op": "radius", "store", "radius_m"}, {"op": "fee",
///   "store", "fee_minor"}]}` (or `{"scenarios": [...]}` for several);
/// - a whole set of stores and zones: a GeoJSON FeatureCollection whose Points are stores
///   (`id` or `ref`, `name`) and whose Polygons and MultiPolygons are zones (`store`: the
///   store's id or ref; `kind`: delivery or exclusion; `fee_minor`, `promised_minutes`, `name`).
///
/// Errors name the file and the member at fault.
public enum ScenarioFile {
    /// Zones for an added store given without a radius, by shop kind (the deployment's rule).
    public typealias ZoneRule = @Sendable (_ location: Coordinate, _ kind: String) -> [CoverageStore.Zone]

    public static func read(_ data: Data, source: String, rule: ZoneRule) throws(DomainError) -> [Scenario] {
        let json: JSONValue
        do { json = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw DomainError(.unprocessable, field: source, "not valid JSON")
        }
        return try read(json, source: source, rule: rule)
    }

    public static func read(_ json: JSONValue, source: String, rule: ZoneRule) throws(DomainError) -> [Scenario] {
        guard case .object(let o) = json else { throw DomainError(.unprocessable, field: source, "a scenario is a JSON object") }
        if o["type"] == .string("FeatureCollection") { return [try collection(json, source: source)] }
        if let list = o["scenarios"] {
            guard case .array(let items) = list, !items.isEmpty else {
                throw DomainError(.unprocessable, field: "\(source): scenarios", "scenarios must be a non-empty array")
            }
            var next: Int64 = -1
            return try items.enumerated().map { (i, item) throws(DomainError) in
                try changes(item, path: "\(source): scenarios[\(i)]", fallbackName: "scenario \(i + 1)", rule: rule, nextID: &next)
            }
        }
        var next: Int64 = -1
        return [try changes(json, path: source, fallbackName: URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent,
                            rule: rule, nextID: &next)]
    }

    static func number(_ o: [String: JSONValue], _ key: String, _ path: String) throws(DomainError) -> Double {
        guard let v = o[key]?.numberValue, v.isFinite else { throw DomainError(.unprocessable, field: "\(path).\(key)", "\(key) must be a number") }
        return v
    }

    static func integer(_ o: [String: JSONValue], _ key: String, _ path: String, default value: Int? = nil) throws(DomainError) -> Int {
        guard o[key] != nil || value == nil else { return value! }
        let v = try number(o, key, path)
        guard v == v.rounded(), abs(v) < 1e15 else { throw DomainError(.unprocessable, field: "\(path).\(key)", "\(key) must be an integer") }
        return Int(v)
    }

    static func point(_ o: [String: JSONValue], _ path: String) throws(DomainError) -> Coordinate {
        let lat = try number(o, "lat", path), lon = try number(o, "lon", path)
        guard let c = try? Coordinate.validated(latitude: lat, longitude: lon) else {
            throw DomainError(.unprocessable, field: path, "lat/lon out of range: \(lat), \(lon)")
        }
        return c
    }

    static func changes(_ json: JSONValue, path: String, fallbackName: String, rule: ZoneRule,
                        nextID: inout Int64) throws(DomainError) -> Scenario {
        guard case .object(let o) = json else { throw DomainError(.unprocessable, field: path, "a scenario is a JSON object") }
        let name = o["name"]?.stringValue ?? fallbackName
        guard case .array(let raw)? = o["changes"], !raw.isEmpty else {
            throw DomainError(.unprocessable, field: "\(path).changes", "changes must be a non-empty array (or give a GeoJSON FeatureCollection)")
        }
        var list: [Scenario.Change] = []
        for (i, item) in raw.enumerated() {
            let at = "\(path).changes[\(i)]"
            guard case .object(let c) = item, let op = c["op"]?.stringValue else {
                throw DomainError(.unprocessable, field: "\(at).op", "each change has an op: add, move, remove, radius or fee")
            }
            switch op {
            case "add":
                let location = try point(c, at)
                let kind = c["kind"]?.stringValue ?? "convenience"
                var zones: [CoverageStore.Zone]
                if c["radius_m"] != nil {
                    let radius = try number(c, "radius_m", at)
                    guard radius > 0, radius <= 50_000 else { throw DomainError(.unprocessable, field: "\(at).radius_m", "a radius is above 0 and at most 50000 m") }
                    zones = [.init(id: nextID, kind: .delivery, name: "\(Int(radius)) m", area: MultiPolygon([.circle(center: location, radius: radius)]),
                                   feeMinor: try integer(c, "fee_minor", at, default: 0),
                                   promisedMinutes: try integer(c, "promised_minutes", at, default: 0))]
                } else {
                    zones = rule(location, kind)
                    for z in zones.indices { zones[z].id = nextID * 100 - Int64(z) }
                }
                list.append(.add(CoverageStore(id: nextID, name: c["name"]?.stringValue ?? "new \(kind)", location: location, zones: zones)))
                nextID -= 1
            case "move":
                list.append(.move(store: Int64(try integer(c, "store", at)), to: try point(c, at)))
            case "remove":
                list.append(.remove(store: Int64(try integer(c, "store", at))))
            case "radius":
                list.append(.radius(store: Int64(try integer(c, "store", at)), meters: try number(c, "radius_m", at)))
            case "fee":
                list.append(.fee(store: Int64(try integer(c, "store", at)), feeMinor: try integer(c, "fee_minor", at)))
            default:
                throw DomainError(.unprocessable, field: "\(at).op", "unknown op \"\(op)\": use add, move, remove, radius or fee")
            }
        }
        return Scenario(name: name, changes: list)
    }

    /// A FeatureCollection of stores (Points) and zones (Polygons), as one scenario.
    static func collection(_ json: JSONValue, source: String) throws(DomainError) -> Scenario {
        let fc: GeoJSONFeatureCollection
        do { fc = try GeoJSONFeatureCollection(json: json) } catch {
            throw DomainError(.unprocessable, field: "\(source): \(error.field)", error.message)
        }
        var stores: [CoverageStore] = [], keyOf: [String: Int] = [:]
        var zoneFeatures: [(Int, GeoJSONFeature)] = []
        for (i, f) in fc.features.enumerated() {
            let at = "\(source): features[\(i)]"
            if case .point(let c) = f.geometry {
                let id = f.properties["id"]?.numberValue.map { Int64($0) } ?? Int64(stores.count + 1)
                let ref = f.properties["ref"]?.stringValue ?? String(id)
                guard keyOf[ref] == nil, keyOf[String(id)] == nil else {
                    throw DomainError(.unprocessable, field: "\(at).properties", "store \(ref) appears twice")
                }
                keyOf[ref] = stores.count; keyOf[String(id)] = stores.count
                stores.append(CoverageStore(id: id, name: f.properties["name"]?.stringValue ?? ref, location: c, zones: []))
            } else if f.geometry.multiPolygon != nil {
                zoneFeatures.append((i, f))
            } else {
                throw DomainError(.unprocessable, field: "\(at).geometry", "a feature is a store (Point) or a zone (Polygon, MultiPolygon)")
            }
        }
        guard !stores.isEmpty else { throw DomainError(.unprocessable, field: source, "the collection has no stores (Point features)") }
        for (n, (i, f)) in zoneFeatures.enumerated() {
            let at = "\(source): features[\(i)]"
            let key: String? = switch f.properties["store"] {
            case .string(let s)?: s
            case .number(let x)?: String(Int64(x))
            default: nil
            }
            guard let key, let s = keyOf[key] else {
                throw DomainError(.unprocessable, field: "\(at).properties.store", "a zone names its store by id or ref; none matches \(key ?? "(missing)")")
            }
            let kindText = f.properties["kind"]?.stringValue ?? "delivery"
            guard let kind = CoverageStore.Zone.Kind(rawValue: kindText) else {
                throw DomainError(.unprocessable, field: "\(at).properties.kind", "kind must be delivery or exclusion")
            }
            stores[s].zones.append(.init(id: Int64(n + 1), kind: kind, name: f.properties["name"]?.stringValue,
                                         area: f.geometry.multiPolygon!,
                                         feeMinor: Int(f.properties["fee_minor"]?.numberValue ?? 0),
                                         promisedMinutes: Int(f.properties["promised_minutes"]?.numberValue ?? 0)))
        }
        return Scenario(name: URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent, stores: stores)
    }
}
