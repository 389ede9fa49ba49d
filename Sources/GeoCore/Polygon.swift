/// An area bounded by an exterior ring, less any holes.
public struct Polygon: Hashable, Sendable {
    public let exterior: LinearRing
    public let holes: [LinearRing]

    public init(exterior: LinearRing, holes: [LinearRing] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// All rings, exterior first: the order GeoJSON writes them in.
    public var rings: [LinearRing] { [exterior] + holes }

    public var boundingBox: BoundingBox { exterior.boundingBox }

    /// Whether the point lies inside the exterior and outside every hole.
    public func contains(_ point: Coordinate) -> Bool {
        guard exterior.contains(point) else { return false }
        return !holes.contains { $0.contains(point) }
    }

    /// A polygon of `segments` sides approximating the geodesic circle of `radius` metres
    /// around `center`, counter-clockwise.
    public static func circle(center: Coordinate, radius: Meters, segments: Int = 64) -> Polygon {
        precondition(segments >= 3 && radius > 0)
        var points: [Coordinate] = []
        points.reserveCapacity(segments + 1)
        for i in 0..<segments {
            // Counter-clockwise: bearings decrease.
            let bearing = 360.0 - Double(i) * 360.0 / Double(segments)
            points.append(center.destination(distance: radius, bearing: bearing.truncatingRemainder(dividingBy: 360)))
        }
        points.append(points[0])
        return Polygon(exterior: try! LinearRing(points))
    }
}
