import GeoCore

/// Polygon overlay — unions and differences — which coverage needs for the area the zones
/// cover and for merging gap cells into areas. GEOS does this well; SpatiaLite implements
/// the protocol with it (`SpatiaLiteGeometry` in Persistence).
public protocol GeometryEngine: Sendable {
    /// The union of `areas` less the union of `minus`, in WGS84.
    func union(_ areas: [MultiPolygon], minus: [MultiPolygon]) throws -> MultiPolygon
    /// The area in square metres of the union of `areas`, measured in `crs` (`EPSG:32629`).
    func unionArea(_ areas: [MultiPolygon], crs: String) throws -> Double
    /// Why `area` is not a valid polygon (self-intersection, …), or nil when it is.
    func invalidReason(_ area: MultiPolygon) throws -> String?
}
