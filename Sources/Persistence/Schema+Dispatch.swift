import GRDB

extension Schema {
    /// Migrations of riders, deliveries, their timelines and dispatch rounds, in the order they were released.
    static func registerDispatch(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: riders, deliveries, their timelines, dispatch rounds") { db in
            try db.execute(sql: """
                CREATE TABLE riders (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    vehicle TEXT NOT NULL CHECK (vehicle IN ('walk', 'bicycle', 'e-bike', 'scooter', 'car')),
                    capacity INTEGER NOT NULL CHECK (capacity > 0),
                    shift_start REAL NOT NULL,
                    shift_end REAL NOT NULL CHECK (shift_end > shift_start),
                    online INTEGER NOT NULL,
                    lat REAL CHECK (lat BETWEEN -90 AND 90),
                    lon REAL CHECK (lon BETWEEN -180 AND 180),
                    position_at REAL,
                    route_json TEXT NOT NULL DEFAULT '[]',
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );

                CREATE TABLE deliveries (
                    id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL,
                    external_ref TEXT UNIQUE,
                    pickup_lat REAL NOT NULL, pickup_lon REAL NOT NULL,
                    drop_lat REAL NOT NULL, drop_lon REAL NOT NULL,
                    size INTEGER NOT NULL CHECK (size > 0),
                    ready_at REAL NOT NULL,
                    promised_at REAL NOT NULL,
                    status TEXT NOT NULL CHECK (status IN
                        ('pending', 'assigned', 'accepted', 'picked_up', 'delivered', 'failed', 'cancelled')),
                    rider_id INTEGER REFERENCES riders(id),
                    offer_expires_at REAL,
                    declined_by_json TEXT NOT NULL DEFAULT '[]',
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX deliveries_active ON deliveries(status) WHERE status NOT IN ('delivered', 'failed', 'cancelled');
                CREATE INDEX deliveries_by_rider ON deliveries(rider_id, id);

                CREATE TABLE delivery_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
                    status TEXT NOT NULL,
                    at REAL NOT NULL,
                    lat REAL, lon REAL,
                    rider_id INTEGER,
                    note TEXT
                );
                CREATE INDEX delivery_events_by_delivery ON delivery_events(delivery_id, id);

                CREATE TABLE dispatch_rounds (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    trigger TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    assigned INTEGER NOT NULL,
                    unassigned INTEGER NOT NULL,
                    deferred INTEGER NOT NULL,
                    candidate_pairs INTEGER NOT NULL,
                    total_cost REAL NOT NULL,
                    total_lateness REAL NOT NULL,
                    late INTEGER NOT NULL,
                    solve_seconds REAL NOT NULL,
                    reasons_json TEXT NOT NULL
                );
                """)
        }
    }
}
