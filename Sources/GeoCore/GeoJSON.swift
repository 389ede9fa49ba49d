/// GeoJSON (RFC 7946) geometry of the kinds o2o stores: points and (multi)polygons.
/// Positions are written longitude first.
public enum GeoJSONGeometry: Hashable, Sendable {
    case point(Coordinate)
    case polygon(Polygon)
    case multiPolygon(MultiPolygon)

    /// The area as a multipolygon (a single polygon becomes a multipolygon of one); nil for points.
    public var multiPolygon: MultiPolygon? {
        switch self {
        case .point: nil
        case .polygon(let p): MultiPolygon([p])
        case .multiPolygon(let m): m
        }
    }

    /// Reads a geometry object, naming the exact member at fault in any error.
    public init(json: JSONValue, field: String = "geometry") throws(GeoError) {
        guard case .object(let object) = json else { throw GeoError(field: field, "expected a GeoJSON geometry object") }
        guard let type = object["type"]?.stringValue else { throw GeoError(field: field + ".type", "missing geometry type") }
        guard let coordinates = object["coordinates"] else {
            throw GeoError(field: field + ".coordinates", "missing coordinates")
        }
        let path = field + ".coordinates"
        switch type {
        case "Point":
            self = .point(try Self.position(coordinates, field: path))
        case "Polygon":
            self = .polygon(try Self.polygon(coordinates, field: path))
        case "MultiPolygon":
            guard let polygons = coordinates.arrayValue, !polygons.isEmpty else {
                throw GeoError(field: path, "a MultiPolygon needs at least one polygon")
            }
            var result: [Polygon] = []
            for (i, p) in polygons.enumerated() { result.append(try Self.polygon(p, field: "\(path)[\(i)]")) }
            self = .multiPolygon(MultiPolygon(result))
        default:
            throw GeoError(field: field + ".type", "unsupported geometry type \"\(type)\"; expected Point, Polygon or MultiPolygon")
        }
    }

    static func position(_ json: JSONValue, field: String) throws(GeoError) -> Coordinate {
        guard let a = json.arrayValue, a.count == 2 || a.count == 3,
              let lon = a[0].numberValue, let lat = a[1].numberValue else {
            throw GeoError(field: field, "a position is [longitude, latitude] with numbers")
        }
        return try Coordinate.validated(latitude: lat, longitude: lon, latitudeField: field, longitudeField: field)
    }

    static func polygon(_ json: JSONValue, field: String) throws(GeoError) -> Polygon {
        guard let rings = json.arrayValue, !rings.isEmpty else {
            throw GeoError(field: field, "a Polygon needs at least its exterior ring")
        }
        var parsed: [LinearRing] = []
        for (r, ring) in rings.enumerated() {
            let ringField = "\(field)[\(r)]"
            guard let positions = ring.arrayValue else { throw GeoError(field: ringField, "a ring is an array of positions") }
            var coordinates: [Coordinate] = []
            coordinates.reserveCapacity(positions.count)
            for (i, p) in positions.enumerated() { coordinates.append(try position(p, field: "\(ringField)[\(i)]")) }
            parsed.append(try LinearRing(coordinates, field: ringField))
        }
        return Polygon(exterior: parsed[0], holes: Array(parsed.dropFirst()))
    }

    /// The geometry as a GeoJSON object.
    public var json: JSONValue {
        func ring(_ r: LinearRing) -> JSONValue { .array(r.coordinates.map(Self.positionJSON)) }
        func poly(_ p: Polygon) -> JSONValue { .array(p.rings.map(ring)) }
        switch self {
        case .point(let c):
            return .object(["type": .string("Point"), "coordinates": Self.positionJSON(c)])
        case .polygon(let p):
            return .object(["type": .string("Polygon"), "coordinates": poly(p)])
        case .multiPolygon(let m):
            return .object(["type": .string("MultiPolygon"), "coordinates": .array(m.polygons.map(poly))])
        }
    }

    static func positionJSON(_ c: Coordinate) -> JSONValue { .array([.number(c.longitude), .number(c.latitude)]) }
}

/// A GeoJSON Feature: a geometry with properties.
public struct GeoJSONFeature: Hashable, Sendable {
    public var geometry: GeoJSONGeometry
    public var properties: [String: JSONValue]
    public var id: JSONValue?

    public init(geometry: GeoJSONGeometry, properties: [String: JSONValue] = [:], id: JSONValue? = nil) {
        self.geometry = geometry
        self.properties = properties
        self.id = id
    }

    public init(json: JSONValue, field: String = "feature") throws(GeoError) {
        guard case .object(let object) = json, object["type"]?.stringValue == "Feature" else {
            throw GeoError(field: field + ".type", "expected a GeoJSON Feature")
        }
        guard let geometry = object["geometry"], !geometry.isNull else {
            throw GeoError(field: field + ".geometry", "a feature needs a geometry")
        }
        self.geometry = try GeoJSONGeometry(json: geometry, field: field + ".geometry")
        switch object["properties"] {
        case nil, .null?: properties = [:]
        case .object(let p)?: properties = p
        default: throw GeoError(field: field + ".properties", "properties must be an object or null")
        }
        id = object["id"]
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["type": .string("Feature"), "geometry": geometry.json, "properties": .object(properties)]
        if let id { o["id"] = id }
        return .object(o)
    }
}

/// A GeoJSON FeatureCollection.
public struct GeoJSONFeatureCollection: Hashable, Sendable {
    public var features: [GeoJSONFeature]

    public init(features: [GeoJSONFeature]) { self.features = features }

    public init(json: JSONValue, field: String = "") throws(GeoError) {
        let prefix = field.isEmpty ? "" : field + "."
        guard case .object(let object) = json, object["type"]?.stringValue == "FeatureCollection" else {
            throw GeoError(field: prefix + "type", "expected a GeoJSON FeatureCollection")
        }
        guard let features = object["features"]?.arrayValue else {
            throw GeoError(field: prefix + "features", "a FeatureCollection needs a features array")
        }
        var parsed: [GeoJSONFeature] = []
        for (i, f) in features.enumerated() { parsed.append(try GeoJSONFeature(json: f, field: "\(prefix)features[\(i)]")) }
        self.features = parsed
    }

    public var json: JSONValue {
        .object(["type": .string("FeatureCollection"), "features": .array(features.map(\.json))])
    }
}
