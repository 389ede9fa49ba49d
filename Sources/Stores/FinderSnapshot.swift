import Foundation
import GeoCore
import SpatialIndex

/// The read-mostly part of the store finder: positions, hours and zones of every store slot in
/// flat arrays, with the trees over them. Rebuilt when stores or zones change; stock lives apart.
final class FinderSnapshot: @unchecked Sendable {
    /// The stores and zones this snapshot was built from, by slot: a search reads these, never
    /// the finder's mirror, which may already be ahead of it.
    let stores: [Store?]
    let zonesBySlot: [[DeliveryZone]]
    let points: PointIndex
    let storeBoxes: BoxIndex
    let alive: [Bool]
    /// x, y, z on the unit sphere per slot, for chord distances.
    let unitVectors: [Double]

    let timeZones: [TimeZone]
    let timeZoneOfSlot: [UInt16]
    /// Opening spans of slot s at `hoursSpans[hoursStart[s]..<hoursStart[s+1]]`; unknown hours have none.
    let hoursStart: [Int32]
    let hoursKnown: [Bool]
    let hoursSpans: [Int32]

    /// Zones of slot s are records `zoneStart[s]..<zoneStart[s+1]`: exclusions first, then
    /// deliveries from cheapest to dearest, so the first delivery zone that contains a point wins.
    let zoneStart: [Int32]
    let zoneIsExclusion: [Bool]
    /// minLon, minLat, maxLon, maxLat per zone record.
    let zoneBox: [Double]
    /// Which of the slot's `zones` array a record came from.
    let zoneSource: [Int32]
    let zoneSlot: [Int32]
    let zonePolygonStart: [Int32]
    let polygonRingStart: [Int32]
    /// Per tree node, the UTC hours of the week (168 bits) in which some store below may be
    /// open, so that an open-at search never enters a subtree of closed or unknown stores.
    let openHours: NodeSummaries
    /// Per tree node, the box of every delivery zone of the stores below: a delivers-here
    /// search never enters a subtree whose stores cannot reach the point.
    let deliveryReach: NodeBoxes
    /// The same reach per slot (minLon, minLat, maxLon, maxLat; inverted when it has no zone).
    let reachBySlot: [Double]
    /// The rings of every zone, with their latitude-band edge index.
    let rings: RingIndex
    let zoneBoxes: BoxIndex

    init(stores: [Store?], zones: [[DeliveryZone]]) {
        self.stores = stores
        self.zonesBySlot = zones
        let n = stores.count
        var coordinates = [Coordinate](repeating: Coordinate(latitude: 0, longitude: 0), count: n)
        var alive: [Bool] = [Bool](repeating: false, count: n)
        var unitVectors: [Double] = [Double](repeating: 0, count: 3 * n)
        var timeZones: [TimeZone] = []
        var timeZoneOfSlot: [UInt16] = [UInt16](repeating: 0, count: n)
        var hoursStart: [Int32] = [0], hoursKnown: [Bool] = [], hoursSpans: [Int32] = []
        var zoneStart: [Int32] = [0], zoneIsExclusion: [Bool] = [], zoneBox: [Double] = [], zoneSource: [Int32] = [], zoneSlot: [Int32] = []
        var zonePolygonStart: [Int32] = [0], polygonRingStart: [Int32] = [0], rings: [[Coordinate]] = []
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
                        rings.append(ring.coordinates)
                    }
                    polygonRingStart.append(Int32(rings.count))
                }
                zonePolygonStart.append(Int32(polygonRingStart.count - 1))
            }
        }
        let points = PointIndex(coordinates)
        self.points = points
        self.openHours = Self.openHourSummaries(points, hoursStart: hoursStart, hoursKnown: hoursKnown, hoursSpans: hoursSpans,
                                                 timeZones: timeZones, timeZoneOfSlot: timeZoneOfSlot)
        var reach = [BoundingBox?](repeating: nil, count: n)
        for z in zoneIsExclusion.indices where !zoneIsExclusion[z] {
            let slot = Int(zoneSlot[z])
            reach[slot] = reach[slot].map { $0.union(zoneBoundingBoxes[z]) } ?? zoneBoundingBoxes[z]
        }
        self.deliveryReach = points.boxes { reach[Int($0)] }
        self.reachBySlot = reach.flatMap { box -> [Double] in
            box.map { [$0.southWest.longitude, $0.southWest.latitude, $0.northEast.longitude, $0.northEast.latitude] }
                ?? [.infinity, .infinity, -.infinity, -.infinity]
        }
        self.storeBoxes = BoxIndex(coordinates.map { BoundingBox(southWest: $0, northEast: $0) })
        self.alive = alive
        self.unitVectors = unitVectors
        self.timeZones = timeZones
        self.timeZoneOfSlot = timeZoneOfSlot
        self.hoursStart = hoursStart
        self.hoursKnown = hoursKnown
        self.hoursSpans = hoursSpans
        self.zoneStart = zoneStart
        self.zoneIsExclusion = zoneIsExclusion
        self.zoneBox = zoneBox
        self.zoneSource = zoneSource
        self.zoneSlot = zoneSlot
        self.zonePolygonStart = zonePolygonStart
        self.polygonRingStart = polygonRingStart
        self.rings = RingIndex(rings)
        self.zoneBoxes = BoxIndex(zoneBoundingBoxes)
    }

    /// UTC hour-of-week masks per node. A store's local spans are shifted by every UTC offset
    /// its time zone takes from 2020 to 2045, so the mask holds whatever daylight saving does.
    static func openHourSummaries(_ points: PointIndex, hoursStart: [Int32], hoursKnown: [Bool], hoursSpans: [Int32],
                                  timeZones: [TimeZone], timeZoneOfSlot: [UInt16]) -> NodeSummaries {
        let offsets: [[Int]] = timeZones.map { tz in
            var minutes = Set<Int>()
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: 0)!
            for year in 2020...2045 {
                for month in 1...12 {
                    if let date = calendar.date(from: DateComponents(year: year, month: month, day: 1)) {
                        minutes.insert(tz.secondsFromGMT(for: date) / 60)
                    }
                }
            }
            return minutes.sorted()
        }
        let hoursPerWeek = OpeningHours.minutesPerWeek / 60
        func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        return points.summaries(words: 3) { id, mask in
            let slot = Int(id)
            guard hoursKnown[slot] else { return }
            var i = Int(hoursStart[slot])
            while i < Int(hoursStart[slot + 1]) {
                let start = Int(hoursSpans[i]), end = Int(hoursSpans[i + 1])
                for offset in offsets[Int(timeZoneOfSlot[slot])] {
                    // UTC minutes [start - offset, end - offset), hour by hour, wrapping the week.
                    var hour = floorDiv(start - offset, 60)
                    let last = floorDiv(end - offset - 1, 60)
                    while hour <= last {
                        let h = ((hour % hoursPerWeek) + hoursPerWeek) % hoursPerWeek
                        mask[h >> 6] |= 1 << UInt64(h & 63)
                        hour += 1
                    }
                }
                i += 2
            }
        }
    }

    // MARK: - Point in zone

    @inline(__always)
    func ring(_ r: Int, contains lon: Double, _ lat: Double) -> Bool {
        rings.ring(r, contains: lon, lat)
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

    /// Whether some delivery zone of the slot's store may reach the point (its box holds it).
    @inline(__always)
    func mayReach(slot: Int, lon: Double, lat: Double) -> Bool {
        lon >= reachBySlot[4 * slot] && lat >= reachBySlot[4 * slot + 1] && lon <= reachBySlot[4 * slot + 2] && lat <= reachBySlot[4 * slot + 3]
    }

    /// Opening test for a slot at a minute of its local week; nil when its hours are unknown.
    @inline(__always)
    func isOpen(slot: Int, minuteOfWeek: Int) -> Bool? {
        guard hoursKnown[slot] else { return nil }
        return OpeningHours.isOpen(hoursSpans[Int(hoursStart[slot])..<Int(hoursStart[slot + 1])], minuteOfWeek: minuteOfWeek)
    }
}
