import Foundation
import GRDB
import Stores

/// Copies of the database: taken with SQLite's online backup, so the server keeps serving
/// while one is made (the copy is one consistent moment of the database), checked, and put in
/// place only when whole.
public enum DatabaseBackup {
    public struct Report: Sendable {
        public var path: String
        public var bytes: Int
        public var stores: Int
        public var orders: Int
        public var migrations: [String]
    }

    /// Writes a copy of `database` to `destination`, which must not exist yet.
    public static func backup(_ database: SpatiaLiteDatabase, to destination: String) throws -> Report {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(.conflict, field: "to", "\(destination) exists; a backup never overwrites a file")
        }
        try copy(from: database.writer, to: destination)
        return try inspect(destination)
    }

    /// Puts a backup in place as the database at `destination` (which must not be in use): the
    /// backup is checked first, and the database is replaced only by a whole, checked copy.
    public static func restore(from source: String, to destination: String, replacing: Bool) throws -> Report {
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError(.notFound, field: "from", "no file \(source)") }
        let found = try inspect(source, field: "from")
        guard replacing || !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(.conflict, field: "db", "\(destination) exists; pass --force to replace it (stop the server first)")
        }
        var config = Configuration()
        config.readonly = true
        let reader = try DatabaseQueue(path: source, configuration: config)
        defer { try? reader.close() }
        try copy(from: reader, to: destination)
        _ = found
        return try inspect(destination)
    }

    /// Copies page by page into a temporary file beside `destination`, checks it, then renames
    /// it into place (with any write-ahead log of an older file removed).
    static func copy(from source: any DatabaseReader, to destination: String) throws {
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = destination + ".partial-\(UUID().uuidString)"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) } }
        do {
            let target = try DatabaseQueue(path: partial)
            try source.backup(to: target)
            let check = try target.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try target.close()
            guard check == ["ok"] else {
                throw StoreError(.unprocessable, field: "to", "the copy does not pass SQLite's integrity check: \(check.prefix(3).joined(separator: "; "))")
            }
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: destination + suffix) }
        guard rename(partial, destination) == 0 else {
            throw StoreError(.invalid, field: "to", "cannot move the copy into place at \(destination): \(String(cString: strerror(errno)))")
        }
    }

    /// What a database file holds, refusing files that are not o2o databases.
    public static func inspect(_ path: String, field: String = "to") throws -> Report {
        var config = Configuration()
        config.readonly = true
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            throw StoreError(.unprocessable, field: field, "\(path) is not an SQLite database")
        }
        defer { try? queue.close() }
        do {
            return try queue.read { db in
                guard try db.tableExists("grdb_migrations"), try db.tableExists("stores") else {
                    throw StoreError(.unprocessable, field: field, "\(path) is not an o2o database")
                }
                let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                let orders = try db.tableExists("orders") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0 : 0
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                return Report(path: path, bytes: size ?? 0, stores: try Int.fetchOne(db, sql: "SELECT count(*) FROM stores") ?? 0,
                              orders: orders, migrations: migrations)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.unprocessable, field: field, "\(path) is not an o2o database: \(error)")
        }
    }
}
