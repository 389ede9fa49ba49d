import Foundation
import GeoCore
import Kernel

/// A what-if: changes to the baseline's stores and zones, or a whole other set of them.
public struct Scenario: Sendable {
    public enum Change: Sendable {
        /// A new store with its zones.
        case add(CoverageStore)
        /// The store and its zones shifted to a new position.
        case move(store: Int64, to: Coordinate)
        case remove(store: Int64)
        /// The store's delivery zones replaced by one circle of this radius (its exclusions kept).
        case radius(store: Int64, meters: Meters)
        /// Every delivery zone of the store at this fee.
        case fee(store: Int64, feeMinor: Int)
    }

    public var name: String
    /// Applied in order to the baseline.
    public var changes: [Change]
    /// When set, these stores replace the baseline instead (a scenario file of stores and zones).
    public var stores: [CoverageStore]?

    public init(name: String, changes: [Change] = [], stores: [CoverageStore]? = nil) {
        self.name = name; self.changes = changes; self.stores = stores
    }

    /// The stores this scenario describes.
    public func apply(to baseline: [CoverageStore]) throws(DomainError) -> [CoverageStore] {
        var stores = self.stores ?? baseline
        func index(_ id: Int64, _ i: Int) throws(DomainError) -> Int {
            guard let k = stores.firstIndex(where: { $0.id == id }) else {
                throw DomainError(.unprocessable, field: "\(name): changes[\(i)].store", "no store \(id) in the baseline")
            }
            return k
        }
        for (i, change) in changes.enumerated() {
            switch change {
            case .add(let store):
                guard !stores.contains(where: { $0.id == store.id }) else {
                    throw DomainError(.unprocessable, field: "\(name): changes[\(i)]", "store \(store.id) exists already")
                }
                stores.append(store)
            case .move(let id, let to):
                let k = try index(id, i)
                let dLat = to.latitude - stores[k].location.latitude, dLon = to.longitude - stores[k].location.longitude
                stores[k].location = to
                for z in stores[k].zones.indices {
                    stores[k].zones[z].area = Self.shift(stores[k].zones[z].area, dLat: dLat, dLon: dLon)
                }
            case .remove(let id):
                stores.remove(at: try index(id, i))
            case .radius(let id, let meters):
                let k = try index(id, i)
                guard meters.isFinite, meters > 0, meters <= 50_000 else {
                    throw DomainError(.unprocessable, field: "\(name): changes[\(i)].radius_m", "a radius is above 0 and at most 50000 m")
                }
                let template = stores[k].zones.first { $0.kind == .delivery }
                let circle = CoverageStore.Zone(id: template?.id ?? -stores[k].id, kind: .delivery, name: "\(Int(meters)) m",
                                                area: MultiPolygon([.circle(center: stores[k].location, radius: meters)]),
                                                feeMinor: template?.feeMinor ?? 0, promisedMinutes: template?.promisedMinutes ?? 0)
                stores[k].zones = [circle] + stores[k].zones.filter { $0.kind == .exclusion }
            case .fee(let id, let fee):
                let k = try index(id, i)
                guard fee >= 0 else { throw DomainError(.unprocessable, field: "\(name): changes[\(i)].fee_minor", "a fee is not negative") }
                for z in stores[k].zones.indices where stores[k].zones[z].kind == .delivery { stores[k].zones[z].feeMinor = fee }
            }
        }
        return stores
    }

    static func shift(_ area: MultiPolygon, dLat: Double, dLon: Double) -> MultiPolygon {
        func move(_ ring: LinearRing) -> LinearRing {
            // Shifting every vertex by the same amount keeps the ring closed and simple.
            try! LinearRing(ring.coordinates.map { Coordinate(latitude: $0.latitude + dLat, longitude: $0.longitude + dLon) })
        }
        return MultiPolygon(area.polygons.map { Polygon(exterior: move($0.exterior), holes: $0.holes.map(move)) })
    }
}
