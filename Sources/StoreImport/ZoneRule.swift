import GeoCore
import Stores

/// The documented rule that gives an imported store its delivery zones when the source has
/// none (OSM knows where shops are, not where they deliver):
///
/// | kind | inner ring | outer ring | minimum order |
/// |---|---|---|---|
/// | supermarket, general | 1,500 m, €1.99, 35 min | 3,000 m, €3.99, 60 min | €20.00 |
/// | convenience | 800 m, €0.99, 20 min | 1,500 m, €2.49, 30 min | €10.00 |
/// | every other food shop | — | 1,200 m, €2.99, 30 min | €10.00 |
///
/// Rings are 64-gon approximations of geodesic circles around the store. Riders keep to their
/// own bank of the river: when a river line is given and a store's outer ring reaches across
/// it, the far bank becomes an exclusion area of that store.
public struct ZoneRule: Sendable {
    public struct Tier: Sendable {
        public var radius: Meters
        public var feeMinor: Int
        public var promisedMinutes: Int
    }

    public let riverName: String
    /// The two banks of the river, bounded by its centre line and a parallel well beyond any
    /// delivery radius; nil without a river.
    let banks: (south: Polygon, north: Polygon)?

    /// `river` is a centre line, west–east or east–west, that riders do not cross.
    public init(river: [Coordinate]? = nil, riverName: String = "river") {
        self.riverName = riverName
        guard let river, river.count >= 2 else { banks = nil; return }
        let minLat = river.map(\.latitude).min()!, maxLat = river.map(\.latitude).max()!
        let margin = 0.5 // degrees beyond the line: far more than any delivery radius
        banks = (
            south: Self.polygon(river + [Coordinate(latitude: minLat - margin, longitude: river.last!.longitude),
                                         Coordinate(latitude: minLat - margin, longitude: river.first!.longitude)]),
            north: Self.polygon(river + [Coordinate(latitude: maxLat + margin, longitude: river.last!.longitude),
                                         Coordinate(latitude: maxLat + margin, longitude: river.first!.longitude)]))
    }

    public static func tiers(for kind: String) -> (tiers: [Tier], minimumOrderMinor: Int) {
        switch kind {
        case "supermarket", "general":
            return ([Tier(radius: 1500, feeMinor: 199, promisedMinutes: 35), Tier(radius: 3000, feeMinor: 399, promisedMinutes: 60)], 2000)
        case "convenience":
            return ([Tier(radius: 800, feeMinor: 99, promisedMinutes: 20), Tier(radius: 1500, feeMinor: 249, promisedMinutes: 30)], 1000)
        default:
            return ([Tier(radius: 1200, feeMinor: 299, promisedMinutes: 30)], 1000)
        }
    }

    public func zones(for store: StoreDraft, field: String = "zones") -> [ZoneDraft] {
        let (tiers, minimum) = Self.tiers(for: store.kind)
        var zones = tiers.enumerated().map { i, tier in
            ZoneDraft(kind: .delivery, name: "\(Int(tier.radius)) m", area: MultiPolygon([.circle(center: store.location, radius: tier.radius)]),
                      feeMinor: tier.feeMinor, minimumOrderMinor: minimum, promisedMinutes: tier.promisedMinutes,
                      field: "\(field)[\(i)]")
        }
        if let outer = tiers.last, let bank = farBank(of: store.location, reach: outer.radius) {
            zones.append(ZoneDraft(kind: .exclusion, name: "across the \(riverName)", area: MultiPolygon([bank]),
                                   field: "\(field)[\(zones.count)]"))
        }
        return zones
    }

    /// The bank of the river that `point` is not on; nil when the circle of `reach` stays on
    /// its own bank, or there is no river.
    func farBank(of point: Coordinate, reach: Meters) -> Polygon? {
        guard let banks else { return nil }
        let far = banks.south.contains(point) ? banks.north : banks.south
        let circle = Polygon.circle(center: point, radius: reach, segments: 64)
        guard circle.exterior.coordinates.contains(where: { far.contains($0) }) else { return nil }
        return far
    }

    static func polygon(_ open: [Coordinate]) -> Polygon {
        var ring = open
        ring.append(open[0])
        // Counter-clockwise exterior, as RFC 7946 recommends.
        let r = try! LinearRing(ring)
        return Polygon(exterior: r.signedDoubleArea >= 0 ? r : try! LinearRing(ring.reversed()))
    }
}
