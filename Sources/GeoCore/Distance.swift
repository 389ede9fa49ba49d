import Foundation

/// Lengths in metres.
public typealias Meters = Double

/// The WGS84 mean radius R1 = (2a + b) / 3, in metres: the sphere that haversine distances use.
public let earthMeanRadius: Meters = 6_371_008.8

extension Coordinate {
    /// The great-circle distance to `other` by the haversine formula on the WGS84 mean radius.
    @inlinable
    public func distance(to other: Coordinate) -> Meters {
        haversineDistance(latitude, longitude, other.latitude, other.longitude)
    }

    /// The point reached by travelling `distance` metres from here on the initial `bearing`
    /// (degrees clockwise from north), on the mean-radius sphere.
    public func destination(distance: Meters, bearing: Double) -> Coordinate {
        let δ = distance / earthMeanRadius
        let θ = bearing * .pi / 180
        let φ1 = latitude * .pi / 180
        let λ1 = longitude * .pi / 180
        let φ2 = asin(sin(φ1) * cos(δ) + cos(φ1) * sin(δ) * cos(θ))
        let λ2 = λ1 + atan2(sin(θ) * sin(δ) * cos(φ1), cos(δ) - sin(φ1) * sin(φ2))
        var longitude = λ2 * 180 / .pi
        if longitude > 180 { longitude -= 360 } else if longitude < -180 { longitude += 360 }
        return Coordinate(latitude: φ2 * 180 / .pi, longitude: longitude)
    }
}

/// Haversine distance in metres between two positions given in degrees.
@inlinable
public func haversineDistance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Meters {
    let toRadians = Double.pi / 180
    let dLat = (lat2 - lat1) * toRadians
    let dLon = (lon2 - lon1) * toRadians
    let sinLat = sin(dLat / 2)
    let sinLon = sin(dLon / 2)
    let a = sinLat * sinLat + cos(lat1 * toRadians) * cos(lat2 * toRadians) * sinLon * sinLon
    return 2 * earthMeanRadius * asin(min(1, a.squareRoot()))
}
