/// One or more polygons taken together, as delivery zones are stored.
public struct MultiPolygon: Hashable, Sendable {
    public let polygons: [Polygon]

    public init(_ polygons: [Polygon]) {
        self.polygons = polygons
    }

    public var boundingBox: BoundingBox? {
        polygons.map(\.boundingBox).reduce(nil) { $0?.union($1) ?? $1 }
    }

    public func contains(_ point: Coordinate) -> Bool {
        polygons.contains { $0.contains(point) }
    }
}
