import GeoCore

/// A store as coverage sees it: where it is and the areas it delivers to (and will not).
public struct CoverageStore: Hashable, Sendable {
    public struct Zone: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable { case delivery, exclusion }
        public var id: Int64
        public var kind: Kind
        public var name: String?
        public var area: MultiPolygon
        public var feeMinor: Int
        public var promisedMinutes: Int

        public init(id: Int64, kind: Kind = .delivery, name: String? = nil, area: MultiPolygon, feeMinor: Int = 0, promisedMinutes: Int = 0) {
            self.id = id; self.kind = kind; self.name = name; self.area = area; self.feeMinor = feeMinor
            self.promisedMinutes = promisedMinutes
        }
    }

    public var id: Int64
    public var name: String
    public var location: Coordinate
    public var zones: [Zone]

    public init(id: Int64, name: String, location: Coordinate, zones: [Zone]) {
        self.id = id; self.name = name; self.location = location; self.zones = zones
    }
}
