import Coverage
import Dispatching
import Foundation
import GeoCore
import GRDB
import Kernel
import O2OTestSupport
import Persistence
import Stores
import StoreImport
import TestRandom
import Testing

/// The demo city's stores and zones as coverage sees them.
func coverageStores(_ service: StoreService) async throws -> [CoverageStore] {
    let zones = Dictionary(grouping: try await service.repository.allZones(), by: \.storeID)
    return try await service.repository.allStores().map { s in
        CoverageStore(id: s.id.rawValue, name: s.name, location: s.location, zones: (zones[s.id] ?? []).map { z in
            .init(id: z.id.rawValue, kind: z.kind == .delivery ? .delivery : .exclusion, name: z.name, area: z.area,
                  feeMinor: z.feeMinor, promisedMinutes: z.promisedMinutes)
        })
    }
}

func portoHomes() throws -> Demand {
    let text = try String(contentsOf: DemoFixture.geoData.appendingPathComponent("porto/homes.csv"), encoding: .utf8)
    return try Demand.csv(text, source: "homes.csv", weightColumn: nil)
}

@Suite("Coverage of demand by delivery zones")
struct CoverageTests {
    @Test("demand files: every fault named with its line; weights must be numbers ≥ 0")
    func demandFiles() throws {
        let good = try Demand.csv("lat,lon,weight\n41.15,-8.61,3\n41.16,-8.62,0.5\n", source: "d.csv")
        #expect(good.points.count == 2 && good.totalWeight == 3.5)
        let cases: [(String, String)] = [
            ("", "d.csv: the file is empty"),
            ("lat,lon,weight\n", "d.csv: the file has a header but no rows"),
            ("lat,lng,weight\n1,2,3\n", "d.csv line 1: missing column \"lon\""),
            ("lat,lon,weight\n41.1,-8.6,2\n41.2,x,1\n", "d.csv line 3: lon is not a number: \"x\""),
            ("lat,lon,weight\n41.1,-8.6,-2\n", "d.csv line 2: weight must not be negative: -2"),
            ("lat,lon,weight\n41.1,-8.6,nan\n", "d.csv line 2: weight is not a number: \"nan\""),
            ("lat,lon,weight\n95,-8.6,1\n", "d.csv line 2: lat/lon out of range"),
            ("lat,lon,weight\n41.1,-8.6\n", "d.csv line 2: weight is missing"),
        ]
        for (text, message) in cases {
            #expect(throws: DomainError.self) { try Demand.csv(text, source: "d.csv") }
            do { _ = try Demand.csv(text, source: "d.csv") } catch { #expect(error.description.hasPrefix(message), "\(error.description)") }
        }
    }

    @Test("on Porto's homes, each store's reach and the ≥1 / ≥2 counts equal SpatiaLite's ST_Contains")
    func equalsSpatiaLite() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let stores = try await coverageStores(service), homes = try portoHomes()
        let metrics = CoverageAnalysis(stores: stores).run(homes)
        try await db.writer.write { db in
            try db.execute(sql: "CREATE TABLE homes (id INTEGER PRIMARY KEY); SELECT AddGeometryColumn('homes', 'geom', 4326, 'POINT', 'XY')")
            for (i, p) in homes.points.enumerated() {
                try db.execute(sql: "INSERT INTO homes (id, geom) VALUES (?, MakePoint(?, ?, 4326))",
                               arguments: [i, p.coordinate.longitude, p.coordinate.latitude])
            }
        }
        // A home is reached by a store when a delivery zone of the store contains it and no
        // exclusion of the same store does.
        let rows = try db.writer.read { db in
            try Row.fetchAll(db, sql: """
                WITH reach AS (
                    SELECT DISTINCT z.store_id, h.id AS home FROM homes h JOIN delivery_zones z
                      ON z.kind = 'delivery' AND MbrContains(z.area, h.geom) AND ST_Contains(z.area, h.geom)
                    WHERE NOT EXISTS (SELECT 1 FROM delivery_zones x WHERE x.store_id = z.store_id AND x.kind = 'exclusion'
                                      AND MbrContains(x.area, h.geom) AND ST_Contains(x.area, h.geom)))
                SELECT store_id, count(*) AS homes FROM reach GROUP BY store_id
                """)
        }
        let byStore = Dictionary(uniqueKeysWithValues: rows.map { (Int64($0["store_id"] as Int64), Double($0["homes"] as Int)) })
        #expect(rows.count > 100)
        for s in metrics.stores { #expect(s.reachable == byStore[s.id] ?? 0, "store \(s.id)") }
        let levels = try db.writer.read { db in
            try Row.fetchOne(db, sql: """
                WITH reach AS (
                    SELECT DISTINCT z.store_id, h.id AS home FROM homes h JOIN delivery_zones z
                      ON z.kind = 'delivery' AND MbrContains(z.area, h.geom) AND ST_Contains(z.area, h.geom)
                    WHERE NOT EXISTS (SELECT 1 FROM delivery_zones x WHERE x.store_id = z.store_id AND x.kind = 'exclusion'
                                      AND MbrContains(x.area, h.geom) AND ST_Contains(x.area, h.geom))),
                per AS (SELECT home, count(*) AS n FROM reach GROUP BY home)
                SELECT sum(n >= 1) AS once, sum(n >= 2) AS twice FROM per
                """)!
        }
        #expect(metrics.coveredPoints == levels["once"] as Int)
        #expect(metrics.coveredTwicePoints == levels["twice"] as Int)
        #expect(metrics.coveredPoints + metrics.uncovered.count == homes.points.count)
        #expect(metrics.stores.reduce(0) { $0 + $1.served } == metrics.covered, "each covered home is served by exactly one store")
    }

    @Test("reach in minutes equals brute force over every store, by vehicle")
    func reachInMinutes() {
        var rng = SeededRandom(seed: 9)
        let centre = Coordinate(latitude: 60.17, longitude: 24.94)
        let stores = (0..<30).map { i in
            CoverageStore(id: Int64(i + 1), name: "s\(i)", location: centre.destination(distance: Double.random(in: 0...4000, using: &rng),
                                                                                        bearing: Double.random(in: 0..<360, using: &rng)), zones: [])
        }
        let demand = Demand(name: "random", points: (0..<2000).map { _ in
            .init(centre.destination(distance: Double.random(in: 0...6000, using: &rng), bearing: Double.random(in: 0..<360, using: &rng)),
                  weight: Double(Int.random(in: 0...20, using: &rng)))
        })
        let eta = HaversineETAModel(detourFactor: 1.3)
        let metrics = CoverageAnalysis(stores: stores, eta: eta, minutes: [5, 10]).run(demand)
        for r in metrics.reach {
            let expected = demand.points.filter { p in
                stores.map { eta.travelSeconds(from: $0.location, to: p.coordinate, by: r.vehicle) }.min()! <= r.minutes * 60
            }.reduce(0) { $0 + $1.weight }
            #expect(abs(r.weight - expected) < 1e-9, "\(r.vehicle) \(r.minutes)")
        }
        #expect(metrics.reach.count == 10)
        #expect(metrics.covered == 0 && metrics.uncovered.count == 2000, "no zones, nothing covered")
    }
}

@Suite("Coverage areas and gaps")
struct CoverageAreaTests {
    @Test("zone and service areas in UTM 29N equal SpatiaLite's ST_Area(ST_Transform(…)) within 0.1 %; the union is no larger than the sum")
    func areasEqualSpatiaLite() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let stores = try await coverageStores(service)
        let projection = try CoverageAreas.projection(for: BoundingBox(enclosing: stores.map(\.location))!)
        #expect(projection.target == "EPSG:32629")
        let areas = try CoverageAreas.measure(stores, projection: projection, engine: try SpatiaLiteGeometry())
        let rows = try db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, ST_Area(ST_Transform(area, 32629)) / 1e6 AS km2 FROM delivery_zones")
        }
        #expect(rows.count == areas.zoneKm2.count)
        for row in rows {
            let id: Int64 = row["id"], km2: Double = row["km2"]
            #expect(abs(areas.zoneKm2[id]! - km2) <= 0.001 * km2, "zone \(id)")
        }
        let services = try db.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.store_id, ST_Area(ST_Transform(CASE WHEN x.u IS NULL THEN d.u ELSE ST_Difference(d.u, x.u) END, 32629)) / 1e6 AS km2
                FROM (SELECT store_id, ST_Union(area) AS u FROM delivery_zones WHERE kind = 'delivery' GROUP BY store_id) d
                LEFT JOIN (SELECT store_id, ST_Union(area) AS u FROM delivery_zones WHERE kind = 'exclusion' GROUP BY store_id) x
                  ON x.store_id = d.store_id
                """)
        }
        for row in services {
            let id: Int64 = row["store_id"], km2: Double = row["km2"]
            #expect(abs(areas.storeKm2[id]! - km2) <= 0.001 * km2, "store \(id)")
        }
        let sum = areas.storeKm2.values.reduce(0, +)
        #expect(areas.coveredKm2 > 0 && areas.coveredKm2 < sum)
        #expect(areas.coveredKm2 >= areas.storeKm2.values.max()!)
    }

    @Test("gaps: every uncovered home lies in one gap area, and the gaps hold exactly the uncovered demand")
    func gaps() async throws {
        let (_, service, _) = try await DemoFixture.demoDatabase()
        let stores = try await coverageStores(service), homes = try portoHomes()
        // A city with one store in 25: gaps appear.
        let few = stores.enumerated().filter { $0.offset % 25 == 0 }.map(\.element)
        let metrics = CoverageAnalysis(stores: few).run(homes)
        let projection = try CoverageAreas.projection(for: BoundingBox(enclosing: homes.points.map(\.coordinate))!)
        let gaps = try CoverageAreas.gaps(homes, uncovered: metrics.uncovered, cellMeters: 250, projection: projection,
                                          engine: try SpatiaLiteGeometry())
        #expect(!metrics.uncovered.isEmpty && !gaps.isEmpty)
        #expect(gaps.reduce(0) { $0 + $1.points } == metrics.uncovered.count)
        #expect(abs(gaps.reduce(0) { $0 + $1.weight } - (metrics.totalWeight - metrics.covered)) < 1e-9)
        for i in metrics.uncovered {
            let inside = gaps.filter { $0.area.contains(homes.points[i].coordinate) }.count
            #expect(inside == 1, "home \(i) is in \(inside) gaps")
        }
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0.weight >= $1.weight }, "largest first")
    }

    @Test("a projection that does not fit the area is refused")
    func projectionTooWide() {
        let wide = BoundingBox(southWest: Coordinate(latitude: 40, longitude: -9), northEast: Coordinate(latitude: 60, longitude: 25))
        #expect(throws: DomainError.self) { try CoverageAreas.projection(for: wide) }
        let polar = BoundingBox(southWest: Coordinate(latitude: 85, longitude: 10), northEast: Coordinate(latitude: 86, longitude: 11))
        #expect(throws: DomainError.self) { try CoverageAreas.projection(for: polar) }
    }
}

@Suite("Coverage what-ifs and reports")
struct CoverageScenarioTests {
    static let geo = DemoFixture.geoData

    @Test("adding a store never lowers coverage: 40 random additions to a thinned Porto")
    func addingNeverLowers() throws {
        var rng = SeededRandom(seed: 17)
        let all = try CoverageCity.baseline("porto", geoData: Self.geo)
        let thin = all.enumerated().filter { $0.offset % 70 == 0 }.map(\.element)
        let homes = try portoHomes()
        let rule = try CoverageCity.rule("porto", geoData: Self.geo)
        let engine = try SpatiaLiteGeometry()
        let projection = try CoverageAreas.projection(for: BoundingBox(enclosing: homes.points.map(\.coordinate))!)
        let base = CoverageAnalysis(stores: thin).run(homes)
        let baseArea = try CoverageAreas.measure(thin, projection: projection, engine: engine).coveredKm2
        #expect(base.coveredShare < 1, "a thinned city has gaps to fill")
        for i in 0..<40 {
            let at = homes.points[Int.random(in: 0..<homes.points.count, using: &rng)].coordinate
                .destination(distance: Double.random(in: 0...800, using: &rng), bearing: Double.random(in: 0..<360, using: &rng))
            let kind = ["supermarket", "convenience", "bakery"][i % 3]
            let scenario = Scenario(name: "add \(i)", changes: [.add(CoverageStore(id: -1, name: "new", location: at, zones: rule(at, kind)))])
            let stores = try scenario.apply(to: thin)
            let after = CoverageAnalysis(stores: stores).run(homes)
            #expect(after.covered >= base.covered && after.coveredTwice >= base.coveredTwice, "\(i)")
            #expect(after.reach.map(\.weight).elementsEqual(base.reach.map(\.weight)) { $0 >= $1 }, "\(i)")
            if i % 8 == 0 {
                #expect(try CoverageAreas.measure(stores, projection: projection, engine: engine).coveredKm2 >= baseArea - 1e-9)
            }
        }
        // And removing one never raises it.
        let removed = CoverageAnalysis(stores: try Scenario(name: "rm", changes: [.remove(store: thin[0].id)]).apply(to: thin)).run(homes)
        #expect(removed.covered <= base.covered)
    }

    @Test("moving a store moves its zones with it; a radius change replaces its delivery zones; unknown stores are refused")
    func changes() throws {
        let stores = try CoverageCity.baseline("porto", geoData: Self.geo)
        let s = stores[0]
        let to = s.location.destination(distance: 500, bearing: 90)
        let moved = try Scenario(name: "m", changes: [.move(store: s.id, to: to)]).apply(to: stores).first { $0.id == s.id }!
        #expect(moved.location == to)
        for (a, b) in zip(s.zones, moved.zones) {
            #expect(abs(b.area.polygons[0].exterior.coordinates[0].longitude - a.area.polygons[0].exterior.coordinates[0].longitude
                        - (to.longitude - s.location.longitude)) < 1e-12)
        }
        let ringed = try Scenario(name: "r", changes: [.radius(store: s.id, meters: 900), .fee(store: s.id, feeMinor: 49)]).apply(to: stores)
            .first { $0.id == s.id }!
        #expect(ringed.zones.filter { $0.kind == .delivery }.count == 1 && ringed.zones.first!.feeMinor == 49)
        #expect(throws: DomainError.self) { try Scenario(name: "x", changes: [.remove(store: 99_999)]).apply(to: stores) }
        #expect(throws: DomainError.self) { try Scenario(name: "x", changes: [.radius(store: s.id, meters: -3)]).apply(to: stores) }
    }

    @Test("Helsinki's report: 42 grocery stores, every person covered twice over, 38.55 km², half within 10 minutes' walk")
    func helsinkiHeadline() throws {
        let planner = CoveragePlanner(engine: try SpatiaLiteGeometry(), eta: HaversineETAModel.city("helsinki")!)
        let report = try planner.report(city: "helsinki", baseline: try CoverageCity.baseline("helsinki", geoData: Self.geo),
                                        demand: try CoverageCity.demand("helsinki", geoData: Self.geo))
        let b = report.baseline
        #expect(b.stores.count == 42)
        #expect(b.metrics.totalWeight == 71_724 && b.metrics.points == 92)
        #expect(b.metrics.coveredShare == 1 && b.metrics.coveredTwiceShare == 1)
        #expect(b.areas.crs == "EPSG:32635")
        #expect(abs(b.areas.coveredKm2 - 38.55) < 0.01, "\(b.areas.coveredKm2)")
        let walk10 = b.metrics.reach.first { $0.vehicle == .walk && $0.minutes == 10 }!
        #expect(abs(walk10.share - 0.5140) < 0.0001, "\(walk10.share)")
        #expect(b.gaps.isEmpty)
        let files = try report.files()
        for name in ["report.json", "summary.csv", "stores.csv", "overlaps.csv", "report.html", "stores.geojson", "zones.geojson",
                     "gaps.geojson", "demand.geojson"] {
            #expect(files[name] != nil, "\(name)")
        }
        let html = String(decoding: files["report.html"]!, as: UTF8.self)
        #expect(html.contains("<svg") && html.contains("Headline figures"))
        #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("<script"), "nothing to fetch: it opens offline")
    }
}

@Suite("Zone lookup against brute force")
struct ZoneLookupTests {
    /// An irregular ring of `vertices` around `centre`, radius between 0.6 and 1 of `radius`.
    static func ring(_ centre: Coordinate, _ radius: Double, _ vertices: Int, _ rng: inout SeededRandom) -> LinearRing {
        var points = (0..<vertices).map { k in
            centre.destination(distance: radius * Double.random(in: 0.6...1.0, using: &rng), bearing: Double(k) * 360 / Double(vertices))
        }
        points.append(points[0])
        return try! LinearRing(points)
    }

    @Test("the zones serving each point equal a test of every zone: holes, multi-polygons, exclusions, 20,000 points")
    func servingEqualsBruteForce() {
        var rng = SeededRandom(seed: 17)
        let origin = Coordinate(latitude: 41.1, longitude: -8.65)
        func somewhere(_ within: Double = 12_000) -> Coordinate {
            origin.destination(distance: Double.random(in: 0..<within, using: &rng), bearing: Double.random(in: 0..<360, using: &rng))
        }
        var zoneID: Int64 = 0
        let stores: [CoverageStore] = (0..<120).map { s in
            let centre = somewhere()
            var zones: [CoverageStore.Zone] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                var polygons: [Polygon] = []
                for p in 0..<Int.random(in: 1...2, using: &rng) {
                    let c = p == 0 ? centre : centre.destination(distance: Double.random(in: 2_000...5_000, using: &rng),
                                                                bearing: Double.random(in: 0..<360, using: &rng))
                    let radius = Double.random(in: 800...4_000, using: &rng)
                    let holes = Bool.random(using: &rng) ? [Self.ring(c, radius * 0.3, 12, &rng)] : []
                    polygons.append(Polygon(exterior: Self.ring(c, radius, Int.random(in: 8...40, using: &rng), &rng), holes: holes))
                }
                zoneID += 1
                zones.append(.init(id: zoneID, area: MultiPolygon(polygons)))
            }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                zoneID += 1
                zones.append(.init(id: zoneID, kind: .exclusion, area: MultiPolygon([Polygon(exterior: Self.ring(centre, 600, 10, &rng))])))
            }
            return CoverageStore(id: Int64(s + 1), name: "store \(s + 1)", location: centre, zones: zones)
        }
        let demand = Demand(name: "random", points: (0..<20_000).map { _ in Demand.Point(somewhere(16_000), weight: 1) })
        // The analysis's zone list: every zone of every store, in order.
        let zoneList = stores.flatMap { s in s.zones.map { (store: s.id, zone: $0) } }
        let tables = [1, 2].map { CoverageAnalysis(stores: stores).serving(demand, threads: $0) }
        var mismatches = [0, 0]
        for (i, point) in demand.points.enumerated() {
            var expected: [Int64] = []
            for s in stores where !s.zones.contains(where: { $0.kind == .exclusion && $0.area.contains(point.coordinate) }) {
                expected += s.zones.filter { $0.kind == .delivery && $0.area.contains(point.coordinate) }.map(\.id)
            }
            expected.sort()
            for (t, table) in tables.enumerated() {
                let got = table.zones[table.offsets[i]..<table.offsets[i + 1]].map { zoneList[Int($0)].zone.id }.sorted()
                if got != expected { mismatches[t] += 1 }
            }
        }
        for (t, threads) in [1, 2].enumerated() {
            let mismatches = mismatches[t]
            #expect(mismatches == 0, "\(mismatches) of \(demand.points.count) points differ (\(threads) threads)")
        }
    }
}
