import Dispatching
import GeoCore
import SpatialIndex

/// Measures stores' zones against demand: for every demand point, which stores deliver there
/// (inside one of the store's delivery zones and none of its exclusions), and how far the
/// nearest store is by each vehicle.
public struct CoverageAnalysis: Sendable {
    public var stores: [CoverageStore]
    /// Travel times come from the dispatch model.
    public var eta: any ETAModel
    public var minutes: [Double]
    public var vehicles: [VehicleType]

    public init(stores: [CoverageStore], eta: any ETAModel = HaversineETAModel(), minutes: [Double] = [10, 15, 20],
                vehicles: [VehicleType] = [.walk, .bicycle, .ebike, .scooter, .car]) {
        self.stores = stores; self.eta = eta; self.minutes = minutes; self.vehicles = vehicles
    }

    /// The zones flattened, with their store's position in `stores`.
    struct ZoneEntry {
        var store: Int
        var zone: CoverageStore.Zone
    }

    /// Which stores (positions in `stores`) deliver to each demand point.
    public func servingStores(_ demand: Demand) -> [[Int]] {
        var entries: [ZoneEntry] = []
        for (s, store) in stores.enumerated() {
            for zone in store.zones { entries.append(ZoneEntry(store: s, zone: zone)) }
        }
        let index = BoxIndex(entries.map { $0.zone.area.boundingBox ?? BoundingBox(southWest: .init(latitude: 0, longitude: 0), northEast: .init(latitude: 0, longitude: 0)) })
        var hits: [Int32] = []
        var delivering: [Int] = [], excluded: [Int] = []
        return demand.points.map { p in
            hits.removeAll(keepingCapacity: true)
            index.search(containing: p.coordinate, into: &hits)
            delivering.removeAll(keepingCapacity: true); excluded.removeAll(keepingCapacity: true)
            for h in hits {
                let e = entries[Int(h)]
                guard e.zone.area.contains(p.coordinate) else { continue }
                if e.zone.kind == .delivery { delivering.append(e.store) } else { excluded.append(e.store) }
            }
            var serving = Array(Set(delivering).subtracting(excluded))
            serving.sort()
            return serving
        }
    }

    public func run(_ demand: Demand) -> CoverageMetrics {
        let serving = servingStores(demand)
        var covered = 0.0, twice = 0.0, coveredPoints = 0, twicePoints = 0
        var reachable = [Double](repeating: 0, count: stores.count)
        var served = reachable, exclusive = reachable
        var byZone = [[Int64: Double]](repeating: [:], count: stores.count)
        var shared: [Int64: Double] = [:]   // key: a * n + b
        var uncovered: [Int] = []
        var feeSum = 0.0
        let n = Int64(stores.count)
        for (i, p) in demand.points.enumerated() {
            let s = serving[i]
            if s.isEmpty { uncovered.append(i); continue }
            covered += p.weight; coveredPoints += 1
            if s.count >= 2 { twice += p.weight; twicePoints += 1 }
            var nearest = s[0], best = Double.infinity, cheapest = Int.max
            for k in s {
                reachable[k] += p.weight
                let d = stores[k].location.distance(to: p.coordinate)
                if d < best { best = d; nearest = k }
                for zone in stores[k].zones where zone.kind == .delivery && zone.area.contains(p.coordinate) {
                    byZone[k][zone.id, default: 0] += p.weight
                    cheapest = min(cheapest, zone.feeMinor)
                }
            }
            feeSum += Double(cheapest) * p.weight
            served[nearest] += p.weight
            if s.count == 1 { exclusive[s[0]] += p.weight }
            if s.count >= 2 {
                for a in 0..<s.count { for b in (a + 1)..<s.count { shared[Int64(s[a]) * n + Int64(s[b]), default: 0] += p.weight } }
            }
        }
        let storeMetrics = stores.indices.map { k in
            CoverageMetrics.StoreMetrics(id: stores[k].id, name: stores[k].name, reachable: reachable[k], served: served[k],
                                         exclusive: exclusive[k], zones: byZone[k])
        }
        let overlaps = shared.map { key, w in
            CoverageMetrics.Overlap(storeA: stores[Int(key / n)].id, storeB: stores[Int(key % n)].id, shared: w)
        }.sorted { ($0.shared, $1.storeA, $1.storeB) > ($1.shared, $0.storeA, $0.storeB) }
        let total = demand.totalWeight
        return CoverageMetrics(points: demand.points.count, totalWeight: total, covered: covered, coveredTwice: twice,
                               coveredPoints: coveredPoints, coveredTwicePoints: twicePoints, stores: storeMetrics,
                               overlaps: overlaps, reach: reach(demand, total: total), uncovered: uncovered,
                               meanCheapestFeeMinor: covered > 0 ? feeSum / covered : 0,
                               servingCount: serving.map { UInt8(min($0.count, 255)) })
    }

    /// Demand within each time of the nearest store, by vehicle: the nearest store by
    /// great-circle distance is the nearest by every vehicle under a distance-based model.
    func reach(_ demand: Demand, total: Double) -> [CoverageMetrics.Reach] {
        guard !stores.isEmpty else {
            return vehicles.flatMap { v in minutes.map { .init(vehicle: v, minutes: $0, weight: 0, share: 0) } }
        }
        let index = PointIndex(stores.map(\.location))
        let scratch = NearestScratch()
        var found: [Neighbor] = []
        var seconds: [[Double]] = vehicles.map { _ in [] }
        for p in demand.points {
            index.nearest(to: p.coordinate, limit: 1, scratch: scratch, into: &found) { _ in true }
            let store = stores[Int(found[0].id)].location
            for (v, vehicle) in vehicles.enumerated() { seconds[v].append(eta.travelSeconds(from: store, to: p.coordinate, by: vehicle)) }
        }
        var result: [CoverageMetrics.Reach] = []
        for (v, vehicle) in vehicles.enumerated() {
            for m in minutes {
                var w = 0.0
                for (i, p) in demand.points.enumerated() where seconds[v][i] <= m * 60 { w += p.weight }
                result.append(.init(vehicle: vehicle, minutes: m, weight: w, share: total > 0 ? w / total : 0))
            }
        }
        return result
    }
}
