import GRDB
@testable import Persistence
import Testing

@Suite("The schema")
struct SchemaTests {
    /// Released migrations, in the order databases in the field applied them.
    static let released = [
        "v1: stores, zones, SKUs, stock", "v2: reservations, till batches, stock events", "v3: idempotent reservations",
        "v4: riders, deliveries, their timelines, dispatch rounds", "v5: accounts, sessions, addresses, favourites, browsing history",
        "v6: categories, products, store prices, the catalog's full-text index", "v7: carts", "v8: orders, their lines and timelines",
        "v9: reviews", "v10: payments, refunds, provider notifications", "v11: the readiness probe's row",
        "v12: membership, points, coupons, flash sales, an order's discounts", "v13: when carts are started, for the order funnel",
        "v14: time-limited price cuts", "v15: group buys, their groups and members",
    ]

    @Test("migrations are append-only: every released one keeps its name and place, new ones come after")
    func appendOnly() {
        let migrations = Schema.migrator.migrations
        #expect(Array(migrations.prefix(Self.released.count)) == Self.released)
        #expect(Set(migrations).count == migrations.count)
    }

    @Test("a new database gets every migration, and opening it again applies none")
    func freshDatabase() throws {
        let database = try SpatiaLiteDatabase(path: nil)
        #expect(try database.writer.read { try Schema.migrator.appliedIdentifiers($0) } == Set(Schema.migrator.migrations))
        try Schema.migrate(database.writer)
        #expect(try database.writer.read { try Schema.migrator.hasCompletedMigrations($0) })
    }
}
