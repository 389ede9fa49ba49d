import Dispatching
import Foundation
import GeoCore
import SpatialIndex

/// For every demand point, the delivery zones that serve it: zones of stores whose exclusions
/// do not cover the point. Point i's zones are `zones[offsets[i]..<offsets[i + 1]]`, as
/// indexes into the analysis's zone list.
public struct ServingTable: Sendable {
    public let offsets: [Int]
    public let zones: [Int32]
}

/// Measures stores' zones against demand: for every demand point, which stores deliver there
/// (inside one of the store's delivery zones and none of its exclusions), and how far the
/// nearest store is by each vehicle.
public struct CoverageAnalysis: Sendable {
    public var stores: [CoverageStore]
    /// Travel times come from the dispatch model.
    public var eta: any ETAModel
    public var minutes: [Double]
    public var vehicles: [VehicleType]
    let lookup: ZoneLookup

    public init(stores: [CoverageStore], eta: any ETAModel = HaversineETAModel(), minutes: [Double] = [10, 15, 20],
                vehicles: [VehicleType] = [.walk, .bicycle, .ebike, .scooter, .car]) {
        self.stores = stores; self.eta = eta; self.minutes = minutes; self.vehicles = vehicles
        lookup = ZoneLookup(stores)
    }

    /// Results written by parallel chunks, each to its own slot.
    final class Slots<T>: @unchecked Sendable {
        var values: [T?]
        init(_ count: Int) { values = Array(repeating: nil, count: count) }
    }

    /// The serving zones of every point, in parallel over chunks of points on up to `threads`
    /// threads (1: on the calling thread alone).
    public func serving(_ demand: Demand, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ServingTable {
        let n = demand.points.count
        let chunks = n < 10_000 || threads <= 1 ? 1 : threads * 4
        let size = (n + chunks - 1) / max(chunks, 1)
        let slots = Slots<(counts: [Int32], zones: [Int32])>(chunks)
        let lookup = self.lookup, points = demand.points
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = min(n, c * size)..<min(n, (c + 1) * size)
            var counts = [Int32](), zones = [Int32](), excluded = [Int32]()
            counts.reserveCapacity(range.count)
            for i in range {
                let before = zones.count
                lookup.deliveringZones(points[i].coordinate, into: &zones, excluded: &excluded)
                counts.append(Int32(zones.count - before))
            }
            slots.values[c] = (counts, zones)
        }
        var offsets = [Int](), zones = [Int32]()
        offsets.reserveCapacity(n + 1)
        offsets.append(0)
        for slot in slots.values {
            guard let slot else { continue }
            for k in slot.counts { offsets.append(offsets.last! + Int(k)) }
            zones += slot.zones
        }
        return ServingTable(offsets: offsets, zones: zones)
    }

    public func run(_ demand: Demand) -> CoverageMetrics {
        let table = serving(demand)
        let n = stores.count
        var covered = 0.0, twice = 0.0, coveredPoints = 0, twicePoints = 0, feeSum = 0.0
        var reachable = [Double](repeating: 0, count: n), served = reachable, exclusive = reachable
        var zoneWeight = [Double](repeating: 0, count: lookup.entries.count)
        // Shared demand of each pair of stores: dense for a city's stores, a dictionary beyond.
        let dense = n <= 3_000
        var pairs = dense ? [Double](repeating: 0, count: n * n) : []
        var sparse: [Int64: Double] = [:]
        var uncovered: [Int] = [], servingCount = [UInt8](repeating: 0, count: demand.points.count)
        var here: [Int32] = []
        for (i, p) in demand.points.enumerated() {
            let hits = table.zones[table.offsets[i]..<table.offsets[i + 1]]
            here.removeAll(keepingCapacity: true)
            var cheapest = Int.max
            for e in hits {
                let entry = lookup.entries[Int(e)]
                zoneWeight[Int(e)] += p.weight
                cheapest = min(cheapest, entry.feeMinor)
                if !here.contains(entry.store) { here.append(entry.store) }
            }
            servingCount[i] = UInt8(min(here.count, 255))
            if here.isEmpty { uncovered.append(i); continue }
            covered += p.weight; coveredPoints += 1
            feeSum += Double(cheapest) * p.weight
            if here.count >= 2 { twice += p.weight; twicePoints += 1 }
            var nearest = Int(here[0]), best = Double.infinity
            for k in here {
                let s = Int(k)
                reachable[s] += p.weight
                let d = stores[s].location.distance(to: p.coordinate)
                if d < best || (d == best && s < nearest) { best = d; nearest = s }
            }
            served[nearest] += p.weight
            if here.count == 1 { exclusive[Int(here[0])] += p.weight }
            if here.count >= 2 {
                for a in 0..<here.count {
                    for b in (a + 1)..<here.count {
                        let x = Int(min(here[a], here[b])), y = Int(max(here[a], here[b]))
                        if dense { pairs[x * n + y] += p.weight } else { sparse[Int64(x) * Int64(n) + Int64(y), default: 0] += p.weight }
                    }
                }
            }
        }
        var byZone = [[Int64: Double]](repeating: [:], count: n)
        for (e, w) in zoneWeight.enumerated() where w > 0 {
            byZone[Int(lookup.entries[e].store)][lookup.entries[e].zoneID, default: 0] += w
        }
        let storeMetrics = stores.indices.map { k in
            CoverageMetrics.StoreMetrics(id: stores[k].id, name: stores[k].name, reachable: reachable[k], served: served[k],
                                         exclusive: exclusive[k], zones: byZone[k])
        }
        var overlaps: [CoverageMetrics.Overlap] = []
        if dense {
            for x in 0..<n { for y in (x + 1)..<max(x + 1, n) where pairs[x * n + y] > 0 {
                overlaps.append(.init(storeA: stores[x].id, storeB: stores[y].id, shared: pairs[x * n + y]))
            } }
        } else {
            overlaps = sparse.map { key, w in .init(storeA: stores[Int(key / Int64(n))].id, storeB: stores[Int(key % Int64(n))].id, shared: w) }
        }
        overlaps.sort { ($0.shared, $1.storeA, $1.storeB) > ($1.shared, $0.storeA, $0.storeB) }
        let total = demand.totalWeight
        return CoverageMetrics(points: demand.points.count, totalWeight: total, covered: covered, coveredTwice: twice,
                               coveredPoints: coveredPoints, coveredTwicePoints: twicePoints, stores: storeMetrics,
                               overlaps: overlaps, reach: reach(demand, total: total), uncovered: uncovered,
                               meanCheapestFeeMinor: covered > 0 ? feeSum / covered : 0, servingCount: servingCount)
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
        var nearestStore = [Int32](repeating: 0, count: demand.points.count)
        for (i, p) in demand.points.enumerated() {
            index.nearest(to: p.coordinate, limit: 1, scratch: scratch, into: &found) { _ in true }
            nearestStore[i] = found[0].id
        }
        var result: [CoverageMetrics.Reach] = []
        for vehicle in vehicles {
            let seconds = demand.points.indices.map { i in
                eta.travelSeconds(from: stores[Int(nearestStore[i])].location, to: demand.points[i].coordinate, by: vehicle)
            }
            for m in minutes {
                var w = 0.0
                for (i, p) in demand.points.enumerated() where seconds[i] <= m * 60 { w += p.weight }
                result.append(.init(vehicle: vehicle, minutes: m, weight: w, share: total > 0 ? w / total : 0))
            }
        }
        return result
    }
}
