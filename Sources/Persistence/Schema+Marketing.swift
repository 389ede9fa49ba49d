import GRDB

extension Schema {
    /// Migrations of membership, points, coupons, flash sales, price cuts and group buys, in the order they were released.
    static func registerMarketing(_ migrator: inout DatabaseMigrator) {
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
    }
}
