import GRDB

extension Schema {
    /// Migrations of the stores, their zones, SKUs and stock; holds, till batches and stock events, in the order they were released.
    static func registerStores(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: stores, zones, SKUs, stock") { db in
            try db.execute(sql: """
                CREATE TABLE stores (
                    id INTEGER PRIMARY KEY,
                    external_ref TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    brand TEXT,
                    kind TEXT NOT NULL,
                    address TEXT,
                    phone TEXT,
                    opening_hours TEXT,
                    time_zone TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                SELECT AddGeometryColumn('stores', 'location', 4326, 'POINT', 'XY', 1);
                SELECT CreateSpatialIndex('stores', 'location');

                CREATE TABLE delivery_zones (
                    id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('delivery', 'exclusion')),
                    name TEXT,
                    fee_minor INTEGER NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
                    min_order_minor INTEGER NOT NULL DEFAULT 0 CHECK (min_order_minor >= 0),
                    promised_minutes INTEGER NOT NULL DEFAULT 0 CHECK (promised_minutes >= 0)
                );
                SELECT AddGeometryColumn('delivery_zones', 'area', 4326, 'MULTIPOLYGON', 'XY', 1);
                SELECT CreateSpatialIndex('delivery_zones', 'area');
                CREATE INDEX delivery_zones_by_store ON delivery_zones(store_id);

                CREATE TABLE skus (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    category TEXT,
                    unit TEXT,
                    price_minor INTEGER CHECK (price_minor >= 0)
                );

                CREATE TABLE stock (
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    sku_id INTEGER NOT NULL REFERENCES skus(id),
                    on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
                    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
                    version INTEGER NOT NULL DEFAULT 1,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (store_id, sku_id)
                ) WITHOUT ROWID;
                CREATE INDEX stock_by_sku ON stock(sku_id, store_id);
                """)
            for (table, column) in [("stores", "location"), ("delivery_zones", "area")] {
                let ok = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM geometry_columns WHERE f_table_name = ? AND f_geometry_column = ? AND spatial_index_enabled = 1
                    """, arguments: [table, column])
                guard ok == 1 else { throw DatabaseError(message: "SpatiaLite did not register \(table).\(column)") }
            }
        }
        migrator.registerMigration("v2: reservations, till batches, stock events") { db in
            try db.execute(sql: """
                ALTER TABLE stock ADD COLUMN low_threshold INTEGER CHECK (low_threshold >= 0);

                CREATE TABLE reservations (
                    id TEXT PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    status TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    closed_at REAL
                ) WITHOUT ROWID;
                CREATE INDEX reservations_held_by_expiry ON reservations(expires_at) WHERE status = 'held';
                CREATE INDEX reservations_held_by_store ON reservations(store_id, expires_at) WHERE status = 'held';
                CREATE TABLE reservation_items (
                    reservation_id TEXT NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
                    sku_id INTEGER NOT NULL REFERENCES skus(id),
                    qty INTEGER NOT NULL CHECK (qty > 0),
                    PRIMARY KEY (reservation_id, sku_id)
                ) WITHOUT ROWID;

                CREATE TABLE stock_sync (
                    store_id INTEGER PRIMARY KEY REFERENCES stores(id) ON DELETE CASCADE,
                    last_sequence INTEGER NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE stock_batches (
                    id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'delta')),
                    sequence INTEGER,
                    idempotency_key TEXT,
                    content_hash TEXT NOT NULL,
                    partial INTEGER NOT NULL,
                    changed INTEGER NOT NULL,
                    unchanged INTEGER NOT NULL,
                    zeroed INTEGER NOT NULL,
                    refused_json TEXT NOT NULL,
                    warnings_json TEXT NOT NULL,
                    applied_at REAL NOT NULL,
                    UNIQUE (store_id, sequence),
                    UNIQUE (store_id, idempotency_key)
                );

                CREATE TABLE stock_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    store_id INTEGER NOT NULL,
                    sku_id INTEGER NOT NULL REFERENCES skus(id),
                    kind TEXT NOT NULL CHECK (kind IN ('low_stock', 'out_of_stock', 'restocked')),
                    available INTEGER NOT NULL,
                    on_hand INTEGER NOT NULL,
                    reserved INTEGER NOT NULL,
                    threshold INTEGER NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX stock_events_by_store ON stock_events(store_id, id);
                """)
        }
        migrator.registerMigration("v3: idempotent reservations") { db in
            try db.execute(sql: """
                ALTER TABLE reservations ADD COLUMN idempotency_key TEXT;
                ALTER TABLE reservations ADD COLUMN request_hash TEXT;
                CREATE UNIQUE INDEX reservations_by_key ON reservations(idempotency_key) WHERE idempotency_key IS NOT NULL;
                """)
        }
    }
}
