import Accounts
import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// ``AccountRepository`` on the SpatiaLite file: one transaction per write; only the SHA-256 of
/// a session token is stored. Times are seconds since 1970 (UTC).
public struct SpatiaLiteAccountRepository: AccountRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    // MARK: - Rows

    static let accountColumns = "id, email, name, phone, role, created_at"

    static func account(_ db: Database, _ row: Row) throws -> Account {
        let id: Int64 = row["id"]
        let stores = try Int64.fetchAll(db.cachedStatement(sql: "SELECT store_id FROM account_stores WHERE account_id = ? ORDER BY store_id"),
                                        arguments: [id]).map { StoreID($0) }
        return Account(id: AccountID(id), email: row["email"], name: row["name"], phone: row["phone"],
                       role: Role(rawValue: row["role"]) ?? .customer, stores: stores,
                       createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func address(_ row: Row) -> DeliveryAddress {
        DeliveryAddress(id: AddressID(row["id"]), account: AccountID(row["account_id"]), label: row["label"], recipient: row["recipient"],
                        phone: row["phone"], line: row["line"], location: Coordinate(latitude: row["lat"], longitude: row["lon"]),
                        given: Coordinate(latitude: row["given_lat"], longitude: row["given_lon"]),
                        system: CoordinateSystem(rawValue: row["system"]) ?? .wgs84, isDefault: row["is_default"])
    }

    static func itemKey(_ item: HistoryEntry.Item) -> String {
        switch item {
        case .store(let id): "store:\(id)"
        case .product(let code): "sku:\(code)"
        }
    }

    static func item(_ key: String) -> HistoryEntry.Item? {
        if key.hasPrefix("store:"), let id = Int64(key.dropFirst(6)) { return .store(id) }
        if key.hasPrefix("sku:") { return .product(String(key.dropFirst(4))) }
        return nil
    }

    /// Runs a write transaction, turning a taken email into a conflict on `email`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            if error.message?.contains("accounts.email") == true {
                throw DomainError(.conflict, field: "email", "an account with this email exists already")
            }
            throw DomainError(.conflict, "a unique value is already taken: \(error.message ?? "")")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw DomainError(.notFound, field: "store_id", "no such store")
        }
    }

    // MARK: - Accounts

    public func create(_ draft: AccountDraft, passwordHash: String, at date: Date) async throws -> Account {
        try await write { db in
            try db.execute(sql: "INSERT INTO accounts (email, name, phone, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [draft.email, draft.name, draft.phone, draft.role.rawValue, passwordHash, date.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            for store in draft.stores {
                try db.execute(sql: "INSERT INTO account_stores (account_id, store_id) VALUES (?, ?)", arguments: [id, store.rawValue])
            }
            let row = try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?", arguments: [id])!
            return try Self.account(db, row)
        }
    }

    public func account(_ id: AccountID) async throws -> Account? {
        try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?"), arguments: [id.rawValue])
                .map { try Self.account(db, $0) }
        }
    }

    public func credentials(email: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns), password_hash FROM accounts WHERE email = ?",
                                             arguments: [email]) else { return nil }
            return (try Self.account(db, row), row["password_hash"])
        }
    }

    public func accounts(after: AccountID?, limit: Int) async throws -> [Account] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id > ? ORDER BY id LIMIT ?",
                             arguments: [after?.rawValue ?? 0, limit]).map { try Self.account(db, $0) }
        }
    }

    public func update(_ id: AccountID, name: String?, phone: String??) async throws -> Account {
        try await write { db in
            if let name { try db.execute(sql: "UPDATE accounts SET name = ? WHERE id = ?", arguments: [name, id.rawValue]) }
            if let phone { try db.execute(sql: "UPDATE accounts SET phone = ? WHERE id = ?", arguments: [phone, id.rawValue]) }
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?", arguments: [id.rawValue]) else {
                throw DomainError(.notFound, field: "id", "no account \(id)")
            }
            return try Self.account(db, row)
        }
    }

    public func count(role: Role) async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE role = ?", arguments: [role.rawValue]) ?? 0 }
    }

    // MARK: - Sessions

    public func createSession(tokenHash: [UInt8], account: AccountID, expiresAt: Date, at date: Date) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [Data(tokenHash), account.rawValue, date.timeIntervalSince1970, expiresAt.timeIntervalSince1970])
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> (account: AccountID, expiresAt: Date)? {
        try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT account_id, expires_at FROM sessions WHERE token_hash = ?"),
                             arguments: [Data(tokenHash)])
                .map { (AccountID($0[0]), Date(timeIntervalSince1970: $0[1])) }
        }
    }

    public func deleteSession(tokenHash: [UInt8]) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [Data(tokenHash)]) }
    }

    public func deleteSessions(expiredBefore date: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: - Addresses

    public func addresses(of account: AccountID) async throws -> [DeliveryAddress] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM addresses WHERE account_id = ? ORDER BY id", arguments: [account.rawValue]).map(Self.address)
        }
    }

    static func write(_ db: Database, _ draft: AddressDraft, id: AddressID?, account: AccountID) throws -> DeliveryAddress {
        let location = draft.location
        // One default per account: a new default clears the others; the first address is the default.
        let others = try Int.fetchOne(db, sql: "SELECT count(*) FROM addresses WHERE account_id = ? AND id != ?",
                                      arguments: [account.rawValue, id?.rawValue ?? 0]) ?? 0
        let isDefault = draft.isDefault || others == 0
        if isDefault { try db.execute(sql: "UPDATE addresses SET is_default = 0 WHERE account_id = ?", arguments: [account.rawValue]) }
        let values: StatementArguments = [draft.label, draft.recipient, draft.phone, draft.line, location.latitude, location.longitude,
                                          draft.given.latitude, draft.given.longitude, draft.system.rawValue, isDefault]
        let rowID: Int64
        if let id {
            try db.execute(sql: """
                UPDATE addresses SET label = ?, recipient = ?, phone = ?, line = ?, lat = ?, lon = ?, given_lat = ?, given_lon = ?,
                    system = ?, is_default = ? WHERE id = ? AND account_id = ?
                """, arguments: values + [id.rawValue, account.rawValue])
            guard db.changesCount == 1 else { throw DomainError(.notFound, field: "id", "no address \(id) of this account") }
            rowID = id.rawValue
        } else {
            try db.execute(sql: """
                INSERT INTO addresses (label, recipient, phone, line, lat, lon, given_lat, given_lon, system, is_default, account_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: values + [account.rawValue])
            rowID = db.lastInsertedRowID
        }
        return Self.address(try Row.fetchOne(db, sql: "SELECT * FROM addresses WHERE id = ?", arguments: [rowID])!)
    }

    public func addAddress(_ draft: AddressDraft, to account: AccountID) async throws -> DeliveryAddress {
        try await write { db in try Self.write(db, draft, id: nil, account: account) }
    }

    public func replaceAddress(_ id: AddressID, of account: AccountID, with draft: AddressDraft) async throws -> DeliveryAddress {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM addresses WHERE id = ? AND account_id = ?)",
                                    arguments: [id.rawValue, account.rawValue]) == true else {
                throw DomainError(.notFound, field: "id", "no address \(id) of this account")
            }
            return try Self.write(db, draft, id: id, account: account)
        }
    }

    public func deleteAddress(_ id: AddressID, of account: AccountID) async throws {
        try await write { db in
            let wasDefault = try Bool.fetchOne(db, sql: "SELECT is_default FROM addresses WHERE id = ? AND account_id = ?",
                                               arguments: [id.rawValue, account.rawValue])
            guard let wasDefault else { throw DomainError(.notFound, field: "id", "no address \(id) of this account") }
            try db.execute(sql: "DELETE FROM addresses WHERE id = ?", arguments: [id.rawValue])
            // The oldest remaining address becomes the default when the default goes.
            if wasDefault {
                try db.execute(sql: """
                    UPDATE addresses SET is_default = 1 WHERE id = (SELECT min(id) FROM addresses WHERE account_id = ?)
                    """, arguments: [account.rawValue])
            }
        }
    }

    // MARK: - Favourites and history

    public func favourites(of account: AccountID) async throws -> [StoreID] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT store_id FROM favourites WHERE account_id = ? ORDER BY added_at DESC, store_id",
                               arguments: [account.rawValue]).map { StoreID($0) }
        }
    }

    public func setFavourite(_ store: StoreID, of account: AccountID, _ on: Bool, at date: Date) async throws {
        try await write { db in
            if on {
                try db.execute(sql: "INSERT OR IGNORE INTO favourites (account_id, store_id, added_at) VALUES (?, ?, ?)",
                               arguments: [account.rawValue, store.rawValue, date.timeIntervalSince1970])
            } else {
                try db.execute(sql: "DELETE FROM favourites WHERE account_id = ? AND store_id = ?", arguments: [account.rawValue, store.rawValue])
            }
        }
    }

    public func recordView(_ item: HistoryEntry.Item, of account: AccountID, at date: Date, keep: Int) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO browsing_history (account_id, item, viewed_at) VALUES (?, ?, ?)
                ON CONFLICT (account_id, item) DO UPDATE SET viewed_at = excluded.viewed_at
                """, arguments: [account.rawValue, Self.itemKey(item), date.timeIntervalSince1970])
            try db.execute(sql: """
                DELETE FROM browsing_history WHERE account_id = ? AND item NOT IN
                    (SELECT item FROM browsing_history WHERE account_id = ? ORDER BY viewed_at DESC, item LIMIT ?)
                """, arguments: [account.rawValue, account.rawValue, keep])
        }
    }

    public func history(of account: AccountID, limit: Int) async throws -> [HistoryEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT item, viewed_at FROM browsing_history WHERE account_id = ? ORDER BY viewed_at DESC, item LIMIT ?",
                             arguments: [account.rawValue, limit]).compactMap { row in
                Self.item(row["item"]).map { HistoryEntry(item: $0, viewedAt: Date(timeIntervalSince1970: row["viewed_at"])) }
            }
        }
    }
}
