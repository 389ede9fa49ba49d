import Coverage
import Foundation
import GeoCore
import GRDB
import Kernel

/// ``GeometryEngine`` on SpatiaLite's GEOS and PROJ, in a private in-memory database.
public final class SpatiaLiteGeometry: GeometryEngine {
    let database: SpatiaLiteDatabase

    public init() throws { database = try SpatiaLiteDatabase(path: nil) }

    /// Loads the areas into a temporary table `part(kind, g)` and runs `sql` over it.
    private func run<T: Sendable>(_ areas: [MultiPolygon], minus: [MultiPolygon] = [], _ sql: String,
                                  arguments: StatementArguments = [], read: @escaping @Sendable (Row?) throws -> T) throws -> T {
        try database.writer.write { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS part (kind INTEGER NOT NULL, g BLOB NOT NULL); DELETE FROM part")
            let insert = try db.makeStatement(sql: "INSERT INTO part (kind, g) VALUES (?, GeomFromWKB(?, 4326))")
            for a in areas { try insert.execute(arguments: [0, WKB.multiPolygon(a)]) }
            for a in minus { try insert.execute(arguments: [1, WKB.multiPolygon(a)]) }
            defer { try? db.execute(sql: "DELETE FROM part") }
            return try read(try Row.fetchOne(db, sql: sql, arguments: arguments))
        }
    }

    public func union(_ areas: [MultiPolygon], minus: [MultiPolygon]) throws -> MultiPolygon {
        guard !areas.isEmpty else { return MultiPolygon([]) }
        let data: Data? = try run(areas, minus: minus, """
            WITH plus AS (SELECT ST_UnaryUnion(ST_Collect(g)) AS u FROM part WHERE kind = 0),
                 less AS (SELECT ST_UnaryUnion(ST_Collect(g)) AS u FROM part WHERE kind = 1)
            SELECT AsBinary(CastToMultiPolygon(CASE WHEN less.u IS NULL THEN plus.u ELSE ST_Difference(plus.u, less.u) END)) AS wkb
            FROM plus, less
            """) { row in row?["wkb"] }
        guard let data else { return MultiPolygon([]) }
        return try WKB.readMultiPolygon(data)
    }

    public func unionArea(_ areas: [MultiPolygon], crs: String) throws -> Double {
        guard !areas.isEmpty else { return 0 }
        guard let srid = Int(crs.uppercased().replacingOccurrences(of: "EPSG:", with: "")) else {
            throw DomainError(.unprocessable, field: "crs", "expected EPSG:<code>, got \(crs)")
        }
        let area: Double? = try run(areas, "SELECT ST_Area(ST_Transform(ST_UnaryUnion(ST_Collect(g)), ?)) AS a FROM part WHERE kind = 0",
                                    arguments: [srid]) { row in row?["a"] }
        guard let area else { throw DomainError(.unprocessable, field: "crs", "SpatiaLite could not measure the union in \(crs)") }
        return area
    }

    public func invalidReason(_ area: MultiPolygon) throws -> String? {
        try database.writer.read { db in
            let valid = try Int.fetchOne(db, sql: "SELECT ST_IsValid(GeomFromWKB(?, 4326))", arguments: [WKB.multiPolygon(area)])
            guard valid != 1 else { return nil }
            return try String.fetchOne(db, sql: "SELECT ST_IsValidReason(GeomFromWKB(?, 4326))", arguments: [WKB.multiPolygon(area)])
                ?? "not a valid polygon"
        }
    }
}
