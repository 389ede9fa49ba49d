import Foundation
import GeoCore
import SpatialIndex

/// The read-mostly part of the store finder: positions, hours and zones of every store slot in
/// flat arrays, with the trees over them. Rebuilt when stores or zones change; stock lives apart.
struct FinderSnapshot: Sendable {
    var points = PointIndex([])
    var storeBoxes = BoxIndex([])
    var alive: [Bool]
    var latitudes: [Double]
    var longitudes: [Double]
    /// x, y, z on the unit sphere per slot, for chord distances.
    var unitVectors: [Double]

    var timeZones: [TimeZone]
    var timeZoneOfSlot: [UInt16]
    /// Opening spans of slot s at `hoursSpans[hoursStart[s]..<hoursStart[s+1]]`; unknown hours have none.
    var hoursStart: [Int32]
    var hoursKnown: [Bool]
    var hoursSpans: [Int32]

    /// Zones of slot s are records `zoneStart[s]..<zoneStart[s+1]`: exclusions first, then
    /// deliveries from cheapest to dearest, so the first delivery zone that contains a point wins.
    var zoneStart: [Int32]
    var zoneIsExclusion: [Bool]
    /// minLon, minLat, maxLon, maxLat per zone record.
    var zoneBox: [Double]
    /// Which of the slot's `zones` array a record came from.
    var zoneSource: [Int32]
    var zoneSlot: [Int32]
    var zonePolygonStart: [Int32]
    var polygonRingStart: [Int32]
    var ringVertexStart: [Int32]
    /// lon, lat pairs.
    var vertices: [Double]
    var zoneBoxes = BoxIndex([])

    init(stores: [Store?], zones: [[DeliveryZone]]) {
        let n = stores.count
        var coordinates = [Coordinate](repeating: Coordinate(latitude: 0, longitude: 0), count: n)
        alive = [Bool](repeating: false, count: n)
        latitudes = [Double](repeating: 0, count: n)
        longitudes = [Double](repeating: 0, count: n)
        unitVectors = [Double](repeating: 0, count: 3 * n)
        timeZones = []
        timeZoneOfSlot = [UInt16](repeating: 0, count: n)
        hoursStart = [0]; hoursKnown = []; hoursSpans = []
        zoneStart = [0]; zoneIsExclusion = []; zoneBox = []; zoneSource = []; zoneSlot = []
        zonePolygonStart = [0]; polygonRingStart = [0]; ringVertexStart = [0]; vertices = []
        var tzIndex: [String: UInt16] = [:]
        var zoneBoundingBoxes: [BoundingBox] = []

        for slot in 0..<n {
            defer {
                hoursStart.append(Int32(hoursSpans.count))
                zoneStart.append(Int32(zoneIsExclusion.count))
            }
            guard let store = stores[slot] else { hoursKnown.append(false); continue }
            alive[slot] = true
            coordinates[slot] = store.location
            latitudes[slot] = store.location.latitude
            longitudes[slot] = store.location.longitude
            let v = UnitVector(store.location)
            unitVectors[3 * slot] = v.x; unitVectors[3 * slot + 1] = v.y; unitVectors[3 * slot + 2] = v.z
            if let t = tzIndex[store.timeZone] {
                timeZoneOfSlot[slot] = t
            } else {
                let t = UInt16(timeZones.count)
                timeZones.append(TimeZone(identifier: store.timeZone) ?? TimeZone(secondsFromGMT: 0)!)
                tzIndex[store.timeZone] = t
                timeZoneOfSlot[slot] = t
            }
            if let text = store.openingHours, let hours = try? OpeningHours(parsing: text) {
                hoursKnown.append(true)
                hoursSpans += hours.spans
            } else {
                hoursKnown.append(false)
            }
            let ordered = zones[slot].enumerated().sorted { a, b in
                let x = a.element, y = b.element
                if x.kind != y.kind { return x.kind == .exclusion }
                if x.feeMinor != y.feeMinor { return x.feeMinor < y.feeMinor }
                if x.promisedMinutes != y.promisedMinutes { return x.promisedMinutes < y.promisedMinutes }
                return x.id < y.id
            }
            for (source, zone) in ordered {
                guard let box = zone.area.boundingBox else { continue }
                zoneIsExclusion.append(zone.kind == .exclusion)
                zoneBox += [box.southWest.longitude, box.southWest.latitude, box.northEast.longitude, box.northEast.latitude]
                zoneBoundingBoxes.append(box)
                zoneSource.append(Int32(source))
                zoneSlot.append(Int32(slot))
                for polygon in zone.area.polygons {
                    for ring in polygon.rings {
                        for c in ring.coordinates { vertices += [c.longitude, c.latitude] }
                        ringVertexStart.append(Int32(vertices.count / 2))
                    }
                    polygonRingStart.append(Int32(ringVertexStart.count - 1))
                }
                zonePolygonStart.append(Int32(polygonRingStart.count - 1))
            }
        }
        points = PointIndex(coordinates)
        storeBoxes = BoxIndex(coordinates.map { BoundingBox(southWest: $0, northEast: $0) })
        zoneBoxes = BoxIndex(zoneBoundingBoxes)
    }

    // MARK: - Point in zone

    /// Even–odd ray crossing over one ring of the flat vertex array.
    @inline(__always)
    func ring(_ r: Int, contains lon: Double, _ lat: Double) -> Bool {
        let start = Int(ringVertexStart[r]), end = Int(ringVertexStart[r + 1])
        return vertices.withUnsafeBufferPointer { v in
            var inside = false
            var j = end - 1
            for i in start..<end {
                let xi = v[2 * i], yi = v[2 * i + 1], xj = v[2 * j], yj = v[2 * j + 1]
                if (yi > lat) != (yj > lat), lon < (xj - xi) * (lat - yi) / (yj - yi) + xi { inside.toggle() }
                j = i
            }
            return inside
        }
    }

    /// Whether zone record `z` contains the point.
    @inline(__always)
    func zone(_ z: Int, contains lon: Double, _ lat: Double) -> Bool {
        if lon < zoneBox[4 * z] || lat < zoneBox[4 * z + 1] || lon > zoneBox[4 * z + 2] || lat > zoneBox[4 * z + 3] {
            return false
        }
        for p in Int(zonePolygonStart[z])..<Int(zonePolygonStart[z + 1]) {
            let firstRing = Int(polygonRingStart[p]), endRing = Int(polygonRingStart[p + 1])
            guard ring(firstRing, contains: lon, lat) else { continue }
            var inHole = false
            for h in (firstRing + 1)..<endRing where ring(h, contains: lon, lat) { inHole = true; break }
            if !inHole { return true }
        }
        return false
    }

    /// The zone record that serves the point for this store, or -1: none when any exclusion
    /// contains it, else the first (cheapest) delivery zone that does.
    @inline(__always)
    func servingZone(slot: Int, lon: Double, lat: Double) -> Int {
        for z in Int(zoneStart[slot])..<Int(zoneStart[slot + 1]) where zone(z, contains: lon, lat) {
            return zoneIsExclusion[z] ? -1 : z
        }
        return -1
    }

    /// Opening test for a slot at a minute of its local week; nil when its hours are unknown.
    @inline(__always)
    func isOpen(slot: Int, minuteOfWeek: Int) -> Bool? {
        guard hoursKnown[slot] else { return nil }
        return OpeningHours.isOpen(hoursSpans[Int(hoursStart[slot])..<Int(hoursStart[slot + 1])], minuteOfWeek: minuteOfWeek)
    }
}
