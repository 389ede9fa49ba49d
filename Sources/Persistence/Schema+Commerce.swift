import GRDB

extension Schema {
    /// Migrations of accounts, the catalog, carts, orders and reviews, in the order they were released.
    static func registerCommerce(_ migrator: inout DatabaseMigrator) {
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
    }
}
