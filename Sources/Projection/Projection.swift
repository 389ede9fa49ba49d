import CProj
import Foundation
import GeoCore

/// A map projection from WGS84 longitude/latitude to a metric coordinate system, through PROJ.
/// Use it where metres matter more than degrees: areas of zones, buffers, grids.
public final class MetricProjection: @unchecked Sendable {
    /// The target coordinate reference system, e.g. `EPSG:32629`.
    public let target: String
    private let context: OpaquePointer
    private let transform: OpaquePointer
    private let lock = NSLock()

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    /// A projection from EPSG:4326 to `target`, with longitude-first axis order on both sides.
    public init(target: String) throws {
        guard let context = proj_context_create() else { throw Error(description: "PROJ could not create a context") }
        guard let raw = proj_create_crs_to_crs(context, "EPSG:4326", target, nil) else {
            proj_context_destroy(context)
            throw Error(description: "PROJ does not know \(target)")
        }
        // EPSG:4326 is latitude-first by the book; this makes it longitude-first like GeoJSON.
        guard let normalised = proj_normalize_for_visualization(context, raw) else {
            proj_destroy(raw)
            proj_context_destroy(context)
            throw Error(description: "PROJ could not normalise the axis order for \(target)")
        }
        proj_destroy(raw)
        self.context = context
        self.transform = normalised
        self.target = target
    }

    deinit {
        proj_destroy(transform)
        proj_context_destroy(context)
    }

    /// The UTM zone (WGS84) that holds a coordinate: `EPSG:326zz` north, `EPSG:327zz` south.
    public static func utmCRS(for c: Coordinate) -> String {
        let zone = min(60, max(1, Int(floor((c.longitude + 180) / 6)) + 1))
        return "EPSG:\((c.latitude >= 0 ? 32600 : 32700) + zone)"
    }

    /// A projection to the UTM zone of `c`.
    public static func utm(around c: Coordinate) throws -> MetricProjection {
        try MetricProjection(target: utmCRS(for: c))
    }

    /// Easting and northing in metres.
    public func forward(_ c: Coordinate) -> (x: Double, y: Double) {
        lock.lock(); defer { lock.unlock() }
        let out = proj_trans(transform, PJ_FWD, proj_coord(c.longitude, c.latitude, 0, 0))
        return (out.xy.x, out.xy.y)
    }

    /// Back to longitude/latitude.
    public func inverse(x: Double, y: Double) -> Coordinate {
        lock.lock(); defer { lock.unlock() }
        let out = proj_trans(transform, PJ_INV, proj_coord(x, y, 0, 0))
        return Coordinate(latitude: out.lp.phi, longitude: out.lp.lam)
    }

    /// The planar area in square metres of a polygon less its holes, in this projection.
    public func area(of polygon: Polygon) -> Double {
        func ringArea(_ ring: LinearRing) -> Double {
            let points = ring.coordinates.map(forward)
            var sum = 0.0
            for i in 0..<(points.count - 1) { sum += points[i].x * points[i + 1].y - points[i + 1].x * points[i].y }
            return abs(sum) / 2
        }
        return ringArea(polygon.exterior) - polygon.holes.map(ringArea).reduce(0, +)
    }

    /// The area in square metres of a multipolygon whose parts do not overlap.
    public func area(of multiPolygon: MultiPolygon) -> Double {
        multiPolygon.polygons.map { area(of: $0) }.reduce(0, +)
    }
}
