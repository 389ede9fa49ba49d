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
        migrator.registerMigration("v5: accounts, sessions, addresses, favourites, browsing history") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    phone TEXT,
                    role TEXT NOT NULL CHECK (role IN ('customer', 'staff', 'dispatcher', 'planner', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE account_stores (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    PRIMARY KEY (account_id, store_id)
                ) WITHOUT ROWID;
                CREATE TABLE sessions (
                    token_hash BLOB PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX sessions_by_expiry ON sessions(expires_at);
                CREATE TABLE addresses (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    label TEXT,
                    recipient TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    line TEXT NOT NULL,
                    lat REAL NOT NULL, lon REAL NOT NULL,
                    given_lat REAL NOT NULL, given_lon REAL NOT NULL,
                    system TEXT NOT NULL CHECK (system IN ('wgs84', 'gcj02', 'bd09')),
                    is_default INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX addresses_by_account ON addresses(account_id, id);
                CREATE TABLE favourites (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    added_at REAL NOT NULL,
                    PRIMARY KEY (account_id, store_id)
                ) WITHOUT ROWID;
                CREATE TABLE browsing_history (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    item TEXT NOT NULL,
                    viewed_at REAL NOT NULL,
                    PRIMARY KEY (account_id, item)
                ) WITHOUT ROWID;
                CREATE INDEX browsing_history_by_time ON browsing_history(account_id, viewed_at);
                """)
        }
        migrator.registerMigration("v6: categories, products, store prices, the catalog's full-text index") { db in
            try db.execute(sql: """
                CREATE TABLE categories (
                    id INTEGER PRIMARY KEY,
                    parent_id INTEGER REFERENCES categories(id),
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL
                );
                CREATE TABLE products (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    brand TEXT,
                    category_id INTEGER NOT NULL REFERENCES categories(id),
                    description TEXT,
                    attributes_json TEXT NOT NULL DEFAULT '{}',
                    images_json TEXT NOT NULL DEFAULT '[]',
                    sales_count INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE INDEX products_by_category ON products(category_id);
                ALTER TABLE skus ADD COLUMN product_id INTEGER REFERENCES products(id);
                ALTER TABLE skus ADD COLUMN variant_json TEXT NOT NULL DEFAULT '{}';
                CREATE INDEX skus_by_product ON skus(product_id);
                CREATE TABLE store_prices (
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    sku_id INTEGER NOT NULL REFERENCES skus(id),
                    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
                    PRIMARY KEY (store_id, sku_id)
                ) WITHOUT ROWID;
                CREATE VIRTUAL TABLE catalog_fts USING fts5(name, brand, category, description, tokenize = 'unicode61 remove_diacritics 2');
                """)
        }
        migrator.registerMigration("v7: carts") { db in
            try db.execute(sql: """
                CREATE TABLE carts (
                    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                    fulfilment TEXT CHECK (fulfilment IN ('delivery', 'pickup')),
                    address_id INTEGER REFERENCES addresses(id) ON DELETE SET NULL,
                    store_id INTEGER REFERENCES stores(id) ON DELETE SET NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE cart_lines (
                    account_id INTEGER NOT NULL REFERENCES carts(account_id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    qty INTEGER NOT NULL CHECK (qty > 0),
                    seen_price_minor INTEGER,
                    PRIMARY KEY (account_id, position)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8: orders, their lines and timelines") { db in
            try db.execute(sql: """
                CREATE TABLE orders (
                    id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL REFERENCES accounts(id),
                    store_id INTEGER NOT NULL REFERENCES stores(id),
                    fulfilment TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
                    recipient TEXT, phone TEXT, line TEXT, lat REAL, lon REAL,
                    pickup_code TEXT,
                    subtotal_minor INTEGER NOT NULL, delivery_fee_minor INTEGER NOT NULL, discount_minor INTEGER NOT NULL,
                    total_minor INTEGER NOT NULL, currency TEXT NOT NULL,
                    status TEXT NOT NULL,
                    reservation_id TEXT NOT NULL,
                    idempotency_key TEXT,
                    request_hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    pay_by REAL NOT NULL,
                    UNIQUE (customer_id, idempotency_key)
                );
                CREATE INDEX orders_by_customer ON orders(customer_id, id);
                CREATE INDEX orders_by_store ON orders(store_id, status, id);
                CREATE INDEX orders_unpaid ON orders(status, pay_by);
                CREATE TABLE order_lines (
                    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    sku TEXT NOT NULL, name TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0),
                    unit_price_minor INTEGER NOT NULL, total_minor INTEGER NOT NULL,
                    PRIMARY KEY (order_id, position)
                ) WITHOUT ROWID;
                CREATE TABLE order_events (
                    id INTEGER PRIMARY KEY,
                    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    status TEXT NOT NULL, actor TEXT NOT NULL, note TEXT, at REAL NOT NULL
                );
                CREATE INDEX order_events_by_order ON order_events(order_id, id);
                """)
        }
        migrator.registerMigration("v9: reviews") { db in
            try db.execute(sql: """
                CREATE TABLE reviews (
                    order_id INTEGER PRIMARY KEY REFERENCES orders(id),
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    customer_id INTEGER NOT NULL REFERENCES accounts(id),
                    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                    text TEXT,
                    at REAL NOT NULL
                );
                CREATE INDEX reviews_by_store ON reviews(store_id, at);
                """)
        }
        migrator.registerMigration("v10: payments, refunds, provider notifications") { db in
            try db.execute(sql: """
                CREATE TABLE payments (
                    id INTEGER PRIMARY KEY,
                    order_id INTEGER NOT NULL REFERENCES orders(id),
                    provider TEXT NOT NULL,
                    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                    currency TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'refund_due', 'refunded')),
                    provider_trade_no TEXT,
                    created_at REAL NOT NULL,
                    paid_at REAL,
                    UNIQUE (order_id, provider)
                );
                CREATE INDEX payments_by_status ON payments(status);
                CREATE INDEX payments_by_paid_at ON payments(provider, paid_at);
                CREATE UNIQUE INDEX payments_by_provider_trade ON payments(provider, provider_trade_no);
                CREATE TABLE refunds (
                    id INTEGER PRIMARY KEY,
                    payment_id INTEGER NOT NULL UNIQUE REFERENCES payments(id),
                    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
                    currency TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded')),
                    provider_refund_no TEXT,
                    created_at REAL NOT NULL,
                    done_at REAL
                );
                CREATE INDEX refunds_by_done_at ON refunds(status, done_at);
                CREATE TABLE payment_notifications (
                    id INTEGER PRIMARY KEY,
                    provider TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    reason TEXT,
                    trade_no TEXT,
                    body_sha256 TEXT NOT NULL,
                    at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v11: the readiness probe's row") { db in
            try db.execute(sql: "CREATE TABLE ops_probe (id INTEGER PRIMARY KEY, at REAL NOT NULL)")
        }
        migrator.registerMigration("v12: membership, points, coupons, flash sales, an order's discounts") { db in
            try db.execute(sql: """
                CREATE TABLE marketing_policy (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated_at REAL NOT NULL);
                CREATE TABLE memberships (
                    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                    level TEXT NOT NULL,
                    spend_minor INTEGER NOT NULL,
                    reviewed_at REAL NOT NULL
                );
                CREATE TABLE level_changes (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    from_level TEXT,
                    to_level TEXT NOT NULL,
                    spend_minor INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX level_changes_by_account ON level_changes(account_id, id);
                CREATE TABLE points_lots (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    order_id INTEGER UNIQUE,
                    earned INTEGER NOT NULL CHECK (earned > 0),
                    remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= earned),
                    earned_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                );
                CREATE INDEX points_lots_by_account ON points_lots(account_id, expires_at);
                CREATE INDEX points_lots_lapsing ON points_lots(expires_at) WHERE remaining > 0;
                CREATE TABLE points_ledger (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('earn', 'spend', 'refund', 'expire')),
                    points INTEGER NOT NULL,
                    lot_id INTEGER NOT NULL REFERENCES points_lots(id),
                    order_id INTEGER,
                    note TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX points_ledger_by_account ON points_ledger(account_id, id);
                CREATE INDEX points_ledger_by_order ON points_ledger(order_id, kind);
                CREATE TABLE coupon_campaigns (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'percent', 'threshold', 'free_delivery')),
                    amount_minor INTEGER, percent_bp INTEGER, cap_minor INTEGER, minimum_minor INTEGER, off_minor INTEGER,
                    scope TEXT NOT NULL CHECK (scope IN ('all', 'category', 'sku', 'store')),
                    scope_value TEXT,
                    valid_from REAL NOT NULL,
                    valid_until REAL NOT NULL,
                    total_limit INTEGER,
                    per_customer_limit INTEGER NOT NULL,
                    issuance TEXT NOT NULL CHECK (issuance IN ('campaign', 'code', 'on_level')),
                    code TEXT UNIQUE COLLATE NOCASE,
                    on_level TEXT,
                    created_at REAL NOT NULL
                );
                CREATE TABLE customer_coupons (
                    id INTEGER PRIMARY KEY,
                    campaign_id INTEGER NOT NULL REFERENCES coupon_campaigns(id),
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    status TEXT NOT NULL CHECK (status IN ('available', 'used')),
                    order_id INTEGER,
                    reason TEXT NOT NULL,
                    issued_at REAL NOT NULL
                );
                CREATE INDEX customer_coupons_by_account ON customer_coupons(account_id, status);
                CREATE INDEX customer_coupons_by_campaign ON customer_coupons(campaign_id, account_id);
                CREATE TABLE flash_sales (
                    id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    sku TEXT NOT NULL,
                    price_minor INTEGER NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    per_customer INTEGER NOT NULL CHECK (per_customer > 0),
                    starts_at REAL NOT NULL,
                    ends_at REAL NOT NULL,
                    sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= quantity)
                );
                CREATE INDEX flash_sales_by_store ON flash_sales(store_id, ends_at);
                CREATE TABLE flash_claims (
                    id INTEGER PRIMARY KEY,
                    sale_id INTEGER NOT NULL REFERENCES flash_sales(id) ON DELETE CASCADE,
                    account_id INTEGER NOT NULL,
                    order_id INTEGER NOT NULL,
                    qty INTEGER NOT NULL CHECK (qty > 0),
                    released INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX flash_claims_by_customer ON flash_claims(account_id, sale_id) WHERE released = 0;
                CREATE INDEX flash_claims_by_order ON flash_claims(order_id);
                CREATE TABLE cart_choices (
                    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                    coupon_id INTEGER,
                    points INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE order_discounts (
                    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    description TEXT NOT NULL,
                    amount_minor INTEGER NOT NULL,
                    PRIMARY KEY (order_id, position)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v13: when carts are started, for the order funnel") { db in
            try db.execute(sql: """
                CREATE TABLE cart_starts (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, at REAL NOT NULL);
                CREATE INDEX cart_starts_by_at ON cart_starts(at);
                """)
        }
        migrator.registerMigration("v14: time-limited price cuts") { db in
            try db.execute(sql: """
                CREATE TABLE price_cuts (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    store_id INTEGER REFERENCES stores(id) ON DELETE CASCADE,
                    sku TEXT NOT NULL,
                    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
                    starts_at REAL NOT NULL,
                    ends_at REAL NOT NULL
                );
                CREATE INDEX price_cuts_by_sku ON price_cuts(sku, ends_at);
                """)
        }
        migrator.registerMigration("v15: group buys, their groups and members") { db in
            try db.execute(sql: """
                CREATE TABLE group_buys (
                    id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
                    sku TEXT NOT NULL,
                    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
                    group_size INTEGER NOT NULL CHECK (group_size >= 2),
                    window_minutes INTEGER NOT NULL CHECK (window_minutes > 0),
                    starts_at REAL NOT NULL,
                    ends_at REAL NOT NULL
                );
                CREATE TABLE buying_groups (
                    id INTEGER PRIMARY KEY,
                    group_buy_id INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
                    opened_at REAL NOT NULL,
                    deadline REAL NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'formed', 'failed'))
                );
                CREATE INDEX buying_groups_open ON buying_groups(status, deadline);
                CREATE TABLE group_members (
                    order_id INTEGER PRIMARY KEY,
                    group_id INTEGER NOT NULL REFERENCES buying_groups(id) ON DELETE CASCADE,
                    account_id INTEGER NOT NULL
                );
                CREATE INDEX group_members_by_group ON group_members(group_id);
                ALTER TABLE cart_choices ADD COLUMN group_buy_id INTEGER;
                ALTER TABLE cart_choices ADD COLUMN group_id INTEGER;
                """)
        }
        return migrator
    }
}
