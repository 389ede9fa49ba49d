/// A position on the WGS84 ellipsoid in decimal degrees (EPSG:4326).
///
/// Latitude comes first in Swift, as people say it; GeoJSON and WKT put longitude first,
/// and the coders in this module take care of that order.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    /// Degrees north of the equator, in [-90, 90].
    public var latitude: Double
    /// Degrees east of Greenwich, in [-180, 180].
    public var longitude: Double

    /// Creates a coordinate without checking it; use ``validated(latitude:longitude:)`` for input
    /// that comes from outside.
    @inlinable
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Creates a coordinate, refusing NaN, infinities and values out of range.
    public static func validated(
        latitude: Double, longitude: Double,
        latitudeField: String = "lat", longitudeField: String = "lon"
    ) throws(GeoError) -> Coordinate {
        guard latitude.isFinite, (-90.0...90.0).contains(latitude) else {
            throw GeoError(field: latitudeField, "latitude must be a finite number in [-90, 90], got \(latitude)")
        }
        guard longitude.isFinite, (-180.0...180.0).contains(longitude) else {
            throw GeoError(field: longitudeField, "longitude must be a finite number in [-180, 180], got \(longitude)")
        }
        return Coordinate(latitude: latitude, longitude: longitude)
    }

    /// Whether both values are finite and within their ranges.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && abs(latitude) <= 90 && abs(longitude) <= 180
    }

    public var description: String { "(\(latitude), \(longitude))" }
}
