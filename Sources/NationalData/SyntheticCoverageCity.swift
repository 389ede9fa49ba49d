import Coverage
import Foundation
import GeoCore
import StoreImport

/// The coverage benchmark's city, seeded and deterministic: `zones` stores over a 100 km
/// square north of Porto, each with one irregular delivery zone of 24–48 vertices and
/// 1.5–5 km radius, and `points` demand points, half clustered around 50 centres (towns) and
/// half spread evenly, weights 1 to 5.
public enum SyntheticCoverageCity {
    public static func make(zones: Int, points: Int, seed: UInt64) -> (stores: [CoverageStore], demand: Demand) {
        var rng = SplitMix64(seed: seed)
        let origin = Coordinate(latitude: 41.0, longitude: -8.85)
        func somewhere() -> Coordinate {
            origin.destination(distance: Double.random(in: 0..<100_000, using: &rng), bearing: Double.random(in: 0..<90, using: &rng))
        }
        let stores: [CoverageStore] = (0..<zones).map { i in
            let centre = somewhere()
            let radius = Double.random(in: 1_500...5_000, using: &rng), vertices = Int.random(in: 24...48, using: &rng)
            var ring = (0..<vertices).map { k in
                centre.destination(distance: radius * Double.random(in: 0.7...1.0, using: &rng), bearing: Double(k) * 360 / Double(vertices))
            }
            ring.append(ring[0])
            let polygon = Polygon(exterior: try! LinearRing(ring))
            return CoverageStore(id: Int64(i + 1), name: "store \(i + 1)", location: centre,
                                 zones: [.init(id: Int64(i + 1), area: MultiPolygon([polygon]))])
        }
        let centres = (0..<50).map { _ in somewhere() }
        let demand = Demand(name: "synthetic", points: (0..<points).map { i in
            let c = i % 2 == 0 ? somewhere()
                : centres[i % 50].destination(distance: Double.random(in: 0..<2_000, using: &rng), bearing: Double.random(in: 0..<360, using: &rng))
            return Demand.Point(c, weight: Double(Int.random(in: 1...5, using: &rng)))
        })
        return (stores, demand)
    }

    /// Writes the city for the peers: `zones.wkt` (id TAB WKT) and `points.csv` (lon,lat).
    public static func export(_ stores: [CoverageStore], _ demand: Demand, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var wkt = ""
        for s in stores {
            let ring = s.zones[0].area.polygons[0].exterior.coordinates.map { "\($0.longitude) \($0.latitude)" }.joined(separator: ", ")
            wkt += "\(s.id)\tPOLYGON((\(ring)))\n"
        }
        try wkt.write(to: folder.appendingPathComponent("zones.wkt"), atomically: true, encoding: .utf8)
        var csv = "lon,lat\n"
        csv.reserveCapacity(demand.points.count * 40)
        for p in demand.points { csv += "\(p.coordinate.longitude),\(p.coordinate.latitude)\n" }
        try csv.write(to: folder.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
    }
}
