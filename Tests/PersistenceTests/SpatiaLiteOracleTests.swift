import Foundation
import GRDB
import Testing
import GeoCore
import O2OTestSupport
@testable import Persistence
import StoreImport
import Stores

/// The store finder against SpatiaLite SQL on the same demo database: R*Tree prefilter,
/// ST_Contains on the zones, the stock join, ORDER BY haversine distance.
@Suite("Store finder equals SpatiaLite SQL on the demo city")
struct SpatiaLiteOracleTests {
    struct Query: CustomStringConvertible {
        var point: Coordinate
        var limit: Int
        var radius: Double?
        var mustDeliver: Bool
        var items: [NearbyQuery.Item]
        var description: String { "\(point) limit \(limit) radius \(radius.map { "\($0)" } ?? "-") deliver \(mustDeliver) items \(items.map { "\($0.sku)×\($0.quantity)" })" }
    }

    static func sql(_ q: Query) -> (String, StatementArguments) {
        let haversine = """
            2 * 6371008.8 * Asin(Min(1, Sqrt(
              Sin(Radians(Y(s.location) - :lat) / 2) * Sin(Radians(Y(s.location) - :lat) / 2)
              + Cos(Radians(:lat)) * Cos(Radians(Y(s.location)))
                * Sin(Radians(X(s.location) - :lon) / 2) * Sin(Radians(X(s.location) - :lon) / 2))))
            """
        var conditions: [String] = []
        var args: [String: (any DatabaseValueConvertible)?] = ["lat": q.point.latitude, "lon": q.point.longitude, "limit": q.limit]
        if let radius = q.radius {
            let box = BoundingBox(around: q.point, radius: radius)
            conditions.append("""
                s.rid IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'stores' AND f_geometry_column = 'location'
                            AND search_frame = BuildMbr(:minLon, :minLat, :maxLon, :maxLat, 4326))
                """)
            conditions.append("d <= :radius")
            args["minLon"] = box.southWest.longitude; args["minLat"] = box.southWest.latitude
            args["maxLon"] = box.northEast.longitude; args["maxLat"] = box.northEast.latitude
            args["radius"] = radius
        }
        for (i, item) in q.items.enumerated() {
            conditions.append("""
                EXISTS (SELECT 1 FROM stock st JOIN skus k ON k.id = st.sku_id
                        WHERE st.store_id = s.id AND k.code = :sku\(i) AND st.on_hand - st.reserved >= :qty\(i))
                """)
            args["sku\(i)"] = item.sku.rawValue; args["qty\(i)"] = item.quantity
        }
        if q.mustDeliver { conditions.append("zone_id IS NOT NULL") }
        let zone = """
            (SELECT z.id FROM delivery_zones z
             WHERE z.store_id = s.id AND z.kind = 'delivery'
               AND z.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'delivery_zones' AND f_geometry_column = 'area'
                               AND search_frame = MakePoint(:lon, :lat, 4326))
               AND ST_Contains(z.area, MakePoint(:lon, :lat, 4326))
               AND NOT EXISTS (SELECT 1 FROM delivery_zones x WHERE x.store_id = s.id AND x.kind = 'exclusion'
                               AND ST_Contains(x.area, MakePoint(:lon, :lat, 4326)))
             ORDER BY z.fee_minor, z.promised_minutes, z.id LIMIT 1)
            """
        let sql = """
            SELECT id, d, zone_id FROM (SELECT s.ROWID AS rid, s.id AS id, \(haversine) AS d, \(zone) AS zone_id FROM stores s) AS s
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY d, id LIMIT :limit
            """
        return (sql, StatementArguments(args))
    }

    @Test("300 seeded queries give the same stores, distances and zones")
    func finderEqualsSQL() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        var rng = SplitMix64(seed: 42)
        let skus = DemoCatalog.skus.map(\.code)
        var nonEmpty = 0, checkedRows = 0
        for n in 0..<300 {
            let point = Coordinate(latitude: 41.118 + Double(rng.next() % 45_000) / 1_000_000,
                                   longitude: -8.628 + Double(rng.next() % 40_000) / 1_000_000)
            var items: [NearbyQuery.Item] = []
            for _ in 0..<Int(rng.next() % 3) {
                items.append(.init(sku: skus[Int(rng.next() % UInt64(skus.count))], quantity: 1 + Int(rng.next() % 30)))
            }
            // Queries with and without the strategy that scans a rare SKU's stores.
            service.finder.postingScan = [.never, .always, .automatic][n % 3]
            let q = Query(point: point, limit: 1 + Int(rng.next() % 20),
                          radius: rng.next() % 2 == 0 ? nil : Double(200 + rng.next() % 3000),
                          mustDeliver: rng.next() % 2 == 0, items: items)
            let got = try service.finder.nearby(
                NearbyQuery(point: q.point, limit: q.limit, radius: q.radius, mustDeliver: q.mustDeliver, items: q.items), now: Date())
            let (sql, args) = Self.sql(q)
            let expected = try await db.writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: args).map { (StoreID($0[0]), $0[1] as Double, ($0[2] as Int64?).map(ZoneID.init)) }
            }
            #expect(got.map(\.store.id) == expected.map(\.0), "\(q)")
            for (g, e) in zip(got, expected) {
                #expect(abs(g.distance - e.1) < 1e-6, "\(q)")
                #expect(g.zone?.id == e.2, "\(q)")
                checkedRows += 1
            }
            if !got.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 150)
        #expect(checkedRows > 1000)
    }
}
