import GRDB

extension Schema {
    /// Migrations of payments, refunds, provider notifications; the readiness probe's row, in the order they were released.
    static func registerPayments(_ migrator: inout DatabaseMigrator) {
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
    }
}
