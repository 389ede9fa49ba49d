/// A closed line: the first and last positions are the same and there are at least four.
/// Its initializer refuses an open ring, as RFC 7946 §3.1.6 does.
public struct LinearRing: Hashable, Sendable {
    /// The positions, first equal to last.
    public let coordinates: [Coordinate]

    public init(_ coordinates: [Coordinate], field: String = "coordinates") throws(GeoError) {
        guard coordinates.count >= 4 else {
            throw GeoError(field: field, "a linear ring needs at least 4 positions, got \(coordinates.count)")
        }
        for (i, c) in coordinates.enumerated() where !c.isValid {
            throw GeoError(field: "\(field)[\(i)]", "position \(c) is not a valid longitude/latitude")
        }
        guard coordinates.first == coordinates.last else {
            throw GeoError(field: field, "the ring is open: its first and last positions differ")
        }
        self.coordinates = coordinates
    }

    /// The box around the ring.
    public var boundingBox: BoundingBox { BoundingBox(enclosing: coordinates)! }

    /// Twice the signed planar area in degree² (positive when counter-clockwise, lon as x).
    public var signedDoubleArea: Double {
        var sum = 0.0
        for i in 0..<(coordinates.count - 1) {
            let a = coordinates[i], b = coordinates[i + 1]
            sum += a.longitude * b.latitude - b.longitude * a.latitude
        }
        return sum
    }

    /// Even–odd ray crossing; points on the boundary may fall either way.
    public func contains(_ point: Coordinate) -> Bool {
        var inside = false
        var j = coordinates.count - 2
        for i in 0..<(coordinates.count - 1) {
            let a = coordinates[i], b = coordinates[j]
            if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                let x = (b.longitude - a.longitude) * (point.latitude - a.latitude) / (b.latitude - a.latitude) + a.longitude
                if point.longitude < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
