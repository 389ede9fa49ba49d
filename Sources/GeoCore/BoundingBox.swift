import Foundation

/// A latitude/longitude rectangle. It never crosses the antimeridian: `southWest.longitude`
/// is at most `northEast.longitude`.
public struct BoundingBox: Hashable, Sendable {
    public var southWest: Coordinate
    public var northEast: Coordinate

    public init(southWest: Coordinate, northEast: Coordinate) {
        self.southWest = southWest
        self.northEast = northEast
    }

    /// Validates corners that come from outside (query strings, files).
    public static func validated(
        minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double,
        field: String = "bbox"
    ) throws(GeoError) -> BoundingBox {
        let sw = try Coordinate.validated(latitude: minLatitude, longitude: minLongitude, latitudeField: field, longitudeField: field)
        let ne = try Coordinate.validated(latitude: maxLatitude, longitude: maxLongitude, latitudeField: field, longitudeField: field)
        guard sw.latitude <= ne.latitude, sw.longitude <= ne.longitude else {
            throw GeoError(field: field, "expected min_lon,min_lat,max_lon,max_lat with min ≤ max")
        }
        return BoundingBox(southWest: sw, northEast: ne)
    }

    /// The smallest box holding every coordinate, or nil for none.
    public init?<S: Sequence>(enclosing coordinates: S) where S.Element == Coordinate {
        var minLat = Double.infinity, minLon = Double.infinity
        var maxLat = -Double.infinity, maxLon = -Double.infinity
        for c in coordinates {
            minLat = min(minLat, c.latitude); maxLat = max(maxLat, c.latitude)
            minLon = min(minLon, c.longitude); maxLon = max(maxLon, c.longitude)
        }
        guard minLat <= maxLat else { return nil }
        self.init(southWest: Coordinate(latitude: minLat, longitude: minLon),
                  northEast: Coordinate(latitude: maxLat, longitude: maxLon))
    }

    /// A box that surely contains every point within `radius` metres of `center` (it may hold more).
    /// The longitude span grows with 1 / cos(latitude) at the box's edge nearest the pole.
    public init(around center: Coordinate, radius: Meters) {
        let dLat = radius / earthMeanRadius * 180 / .pi
        let minLat = max(-90, center.latitude - dLat)
        let maxLat = min(90, center.latitude + dLat)
        let poleward = max(abs(minLat), abs(maxLat))
        let cosLat = cos(poleward * .pi / 180)
        var dLon = 180.0
        if maxLat < 90, minLat > -90, cosLat > 1e-12 {
            let s = sin(radius / earthMeanRadius) / cosLat
            dLon = s >= 1 ? 180 : asin(s) * 180 / .pi
        }
        self.init(
            southWest: Coordinate(latitude: minLat, longitude: max(-180, center.longitude - dLon)),
            northEast: Coordinate(latitude: maxLat, longitude: min(180, center.longitude + dLon)))
    }

    @inlinable
    public func contains(_ c: Coordinate) -> Bool {
        c.latitude >= southWest.latitude && c.latitude <= northEast.latitude
            && c.longitude >= southWest.longitude && c.longitude <= northEast.longitude
    }

    public func intersects(_ other: BoundingBox) -> Bool {
        !(other.southWest.latitude > northEast.latitude || other.northEast.latitude < southWest.latitude
            || other.southWest.longitude > northEast.longitude || other.northEast.longitude < southWest.longitude)
    }

    /// The smallest box holding both.
    public func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(
            southWest: Coordinate(latitude: min(southWest.latitude, other.southWest.latitude),
                                  longitude: min(southWest.longitude, other.southWest.longitude)),
            northEast: Coordinate(latitude: max(northEast.latitude, other.northEast.latitude),
                                  longitude: max(northEast.longitude, other.northEast.longitude)))
    }
}
