import Accounts
import Commerce
import Foundation
import GRDB
import Kernel
import Stores

/// ``CartRepository`` on the SpatiaLite file: a cart row and its lines, replaced whole in one
/// transaction. A deleted address or store leaves the cart without a fulfilment.
public struct SpatiaLiteCartRepository: CartRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    public func cart(of account: AccountID) async throws -> Cart? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM carts WHERE account_id = ?", arguments: [account.rawValue]) else { return nil }
            let lines = try Row.fetchAll(db, sql: "SELECT sku, qty, seen_price_minor FROM cart_lines WHERE account_id = ? ORDER BY position",
                                         arguments: [account.rawValue]).map {
                Cart.Line(sku: SKUCode($0["sku"]), quantity: $0["qty"], seenPriceMinor: $0["seen_price_minor"])
            }
            var fulfilment: Cart.Fulfilment?
            switch row["fulfilment"] as String? {
            case "delivery": fulfilment = (row["address_id"] as Int64?).map { .delivery(AddressID($0)) }
            case "pickup": fulfilment = (row["store_id"] as Int64?).map { .pickup(StoreID($0)) }
            default: fulfilment = nil
            }
            return Cart(account: account, lines: lines, fulfilment: fulfilment, updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
        }
    }

    public func save(_ cart: Cart) async throws {
        try await writer.write { db in
            var kind: String?, address: Int64?, store: Int64?
            switch cart.fulfilment {
            case .delivery(let id)?: kind = "delivery"; address = id.rawValue
            case .pickup(let id)?: kind = "pickup"; store = id.rawValue
            case nil: break
            }
            try db.execute(sql: """
                INSERT INTO carts (account_id, fulfilment, address_id, store_id, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET fulfilment = excluded.fulfilment, address_id = excluded.address_id,
                    store_id = excluded.store_id, updated_at = excluded.updated_at
                """, arguments: [cart.account.rawValue, kind, address, store, cart.updatedAt.timeIntervalSince1970])
            // An empty cart getting its first line is a cart started (the order funnel's first stage).
            let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM cart_lines WHERE account_id = ?", arguments: [cart.account.rawValue]) ?? 0
            if before == 0, !cart.lines.isEmpty {
                try db.execute(sql: "INSERT INTO cart_starts (account_id, at) VALUES (?, ?)", arguments: [cart.account.rawValue, cart.updatedAt.timeIntervalSince1970])
            }
            try db.execute(sql: "DELETE FROM cart_lines WHERE account_id = ?", arguments: [cart.account.rawValue])
            for (i, line) in cart.lines.enumerated() {
                try db.execute(sql: "INSERT INTO cart_lines (account_id, position, sku, qty, seen_price_minor) VALUES (?, ?, ?, ?, ?)",
                               arguments: [cart.account.rawValue, i, line.sku.rawValue, line.quantity, line.seenPriceMinor])
            }
        }
    }
}
