import GRDB

/// The database schema. Migrations are append-only: a released migration is never edited;
/// a change is a new migration after the last.
enum Schema {
    static func migrate(_ writer: any DatabaseWriter) throws {
        // InitSpatialMetadata opens its own transaction, so it runs outside the migrator's.
        try writer.writeWithoutTransaction { db in
            if try !db.tableExists("spatial_ref_sys") {
                try db.execute(sql: "SELECT InitSpatialMetadata(1)")
            }
        }
        try migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // The order is the order of release (v1 … v15); GRDB knows each by its name.
        registerStores(&migrator)
        registerDispatch(&migrator)
        registerCommerce(&migrator)
        registerPayments(&migrator)
        registerMarketing(&migrator)
        return migrator
    }
}
