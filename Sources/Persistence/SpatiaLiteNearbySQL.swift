import GeoCore
import GRDB
import Kernel
import Stores

/// The nearby search written in SpatiaLite SQL: the R*Tree prefilter on store locations for a
/// radius, `ST_Contains` on the zones (through their R*Tree), the stock join, and ORDER BY
/// haversine distance. It is what the store finder replaces: tests hold the finder to its
/// answers, and benchmarks time it beside the finder on the same queries. Opening hours are
/// not expressible here and are not part of it.
public enum SpatiaLiteNearbySQL {
    /// One answer row: store, haversine metres, serving zone.
    public struct Row: Hashable, Sendable {
        public var storeID: StoreID
        public var distance: Double
        public var zoneID: ZoneID?
    }

    /// The statement and its arguments for `query` (whose `openAt` must be nil).
    public static func statement(for query: NearbyQuery) -> (sql: String, arguments: StatementArguments) {
        precondition(query.openAt == nil, "opening hours are not part of the SQL search")
        let haversine = """
            2 * 6371008.8 * Asin(Min(1, Sqrt(
              Sin(Radians(Y(s.location) - :lat) / 2) * Sin(Radians(Y(s.location) - :lat) / 2)
              + Cos(Radians(:lat)) * Cos(Radians(Y(s.location)))
                * Sin(Radians(X(s.location) - :lon) / 2) * Sin(Radians(X(s.location) - :lon) / 2))))
            """
        var conditions: [String] = []
        var args: [String: (any DatabaseValueConvertible)?] = [
            "lat": query.point.latitude, "lon": query.point.longitude, "limit": query.limit,
        ]
        var prefilter = ""
        if let radius = query.radius {
            let box = BoundingBox(around: query.point, radius: radius)
            prefilter = """
                WHERE s.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'stores' AND f_geometry_column = 'location'
                                  AND search_frame = BuildMbr(:minLon, :minLat, :maxLon, :maxLat, 4326))
                """
            conditions.append("d <= :radius")
            args["minLon"] = box.southWest.longitude; args["minLat"] = box.southWest.latitude
            args["maxLon"] = box.northEast.longitude; args["maxLat"] = box.northEast.latitude
            args["radius"] = radius
        }
        for (i, item) in query.items.enumerated() {
            conditions.append("""
                EXISTS (SELECT 1 FROM stock st JOIN skus k ON k.id = st.sku_id
                        WHERE st.store_id = r.id AND k.code = :sku\(i) AND st.on_hand - st.reserved >= :qty\(i))
                """)
            args["sku\(i)"] = item.sku.rawValue; args["qty\(i)"] = item.quantity
        }
        if query.mustDeliver { conditions.append("zone_id IS NOT NULL") }
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
            SELECT id, d, zone_id FROM (SELECT s.id AS id, \(haversine) AS d, \(zone) AS zone_id FROM stores s \(prefilter)) AS r
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY d, id LIMIT :limit
            """
        return (sql, StatementArguments(args))
    }

    /// Runs the search on `db`.
    public static func run(_ query: NearbyQuery, in db: Database) throws -> [Row] {
        let (sql, arguments) = statement(for: query)
        return try GRDB.Row.fetchAll(db, sql: sql, arguments: arguments).map {
            Row(storeID: StoreID($0[0]), distance: $0[1], zoneID: ($0[2] as Int64?).map(ZoneID.init))
        }
    }
}
