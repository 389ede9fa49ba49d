import Foundation
import GeoCore
import Kernel
import Projection

/// Areas in km², measured in a metric projection chosen for the city.
public struct AreaMetrics: Hashable, Sendable {
    /// The projected CRS the areas are measured in (the UTM zone of the stores' centre).
    public var crs: String
    /// The area where at least one store delivers.
    public var coveredKm2: Double
    /// Each store's service area: its delivery zones less its exclusions.
    public var storeKm2: [Int64: Double]
    /// Each zone's own area.
    public var zoneKm2: [Int64: Double]
}

/// Uncovered demand gathered into an area: touching grid cells merged into polygons.
public struct GapArea: Sendable {
    public var area: MultiPolygon
    public var weight: Double
    public var points: Int
    public var cells: Int
    public var areaKm2: Double
}

public enum CoverageAreas {
    /// The UTM zone for an area, refused when the area is too wide for one zone to measure
    /// well (more than 6° of longitude from the zone's central meridian, or beyond 84° N/80° S).
    public static func projection(for box: BoundingBox) throws(DomainError) -> MetricProjection {
        let centre = Coordinate(latitude: (box.southWest.latitude + box.northEast.latitude) / 2,
                                longitude: (box.southWest.longitude + box.northEast.longitude) / 2)
        guard box.northEast.latitude <= 84, box.southWest.latitude >= -80 else {
            throw DomainError(.unprocessable, field: "projection", "the area reaches beyond 84° N or 80° S, where UTM does not apply")
        }
        let crs = MetricProjection.utmCRS(for: centre)
        let zone = Int(crs.suffix(2))!
        let meridian = Double(zone) * 6 - 183
        let spread = max(abs(box.southWest.longitude - meridian), abs(box.northEast.longitude - meridian))
        guard spread <= 9 else {
            throw DomainError(.unprocessable, field: "projection", "the area spans \(String(format: "%.1f", box.northEast.longitude - box.southWest.longitude))° of longitude, too wide for one UTM zone (\(crs)); measure one city at a time")
        }
        do { return try MetricProjection(target: crs) } catch {
            throw DomainError(.unprocessable, field: "projection", "PROJ cannot build \(crs): \(error)")
        }
    }

    /// The areas of the zones, of each store's service area and of their union.
    public static func measure(_ stores: [CoverageStore], projection: MetricProjection, engine: any GeometryEngine) throws -> AreaMetrics {
        var zoneKm2: [Int64: Double] = [:], storeKm2: [Int64: Double] = [:]
        var services: [MultiPolygon] = []
        for store in stores {
            for zone in store.zones { zoneKm2[zone.id] = projection.area(of: zone.area) / 1e6 }
            let delivery = store.zones.filter { $0.kind == .delivery }.map(\.area)
            let exclusion = store.zones.filter { $0.kind == .exclusion }.map(\.area)
            guard !delivery.isEmpty else { storeKm2[store.id] = 0; continue }
            let service = try engine.union(delivery, minus: exclusion)
            storeKm2[store.id] = projection.area(of: service) / 1e6
            services.append(service)
        }
        let covered = try engine.unionArea(services, crs: projection.target) / 1e6
        return AreaMetrics(crs: projection.target, coveredKm2: covered, storeKm2: storeKm2, zoneKm2: zoneKm2)
    }

    /// Uncovered demand points binned into square cells of `cellMeters` in the projection;
    /// cells that share an edge form one gap, merged into polygons. Largest demand first.
    public static func gaps(_ demand: Demand, uncovered: [Int], cellMeters: Double, projection: MetricProjection,
                            engine: any GeometryEngine) throws -> [GapArea] {
        struct Cell: Hashable { var x: Int; var y: Int }
        var weight: [Cell: Double] = [:], count: [Cell: Int] = [:]
        for i in uncovered {
            let p = projection.forward(demand.points[i].coordinate)
            let c = Cell(x: Int((p.x / cellMeters).rounded(.down)), y: Int((p.y / cellMeters).rounded(.down)))
            weight[c, default: 0] += demand.points[i].weight
            count[c, default: 0] += 1
        }
        // Connected components, four-neighbour, visited in a fixed order.
        var seen = Set<Cell>(), components: [[Cell]] = []
        for start in weight.keys.sorted(by: { ($0.y, $0.x) < ($1.y, $1.x) }) where !seen.contains(start) {
            var stack = [start], component: [Cell] = []
            seen.insert(start)
            while let c = stack.popLast() {
                component.append(c)
                for n in [Cell(x: c.x + 1, y: c.y), Cell(x: c.x - 1, y: c.y), Cell(x: c.x, y: c.y + 1), Cell(x: c.x, y: c.y - 1)]
                where weight[n] != nil && seen.insert(n).inserted { stack.append(n) }
            }
            components.append(component)
        }
        var gaps: [GapArea] = []
        for component in components {
            let squares: [MultiPolygon] = try component.map { c in
                let x0 = Double(c.x) * cellMeters, y0 = Double(c.y) * cellMeters
                let corners = [(x0, y0), (x0 + cellMeters, y0), (x0 + cellMeters, y0 + cellMeters), (x0, y0 + cellMeters), (x0, y0)]
                let ring = try LinearRing(corners.map { projection.inverse(x: $0.0, y: $0.1) })
                return MultiPolygon([Polygon(exterior: ring)])
            }
            let merged = try engine.union(squares, minus: [])
            gaps.append(GapArea(area: merged, weight: component.reduce(0) { $0 + weight[$1]! },
                                points: component.reduce(0) { $0 + count[$1]! }, cells: component.count,
                                areaKm2: Double(component.count) * cellMeters * cellMeters / 1e6))
        }
        return gaps.sorted { ($0.weight, $0.points) > ($1.weight, $1.points) }
    }
}
