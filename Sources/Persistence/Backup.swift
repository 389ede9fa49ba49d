import Foundation
import GRDB
import Kernel
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

    /// Writes a copy of the database at `source` to `destination`, which must not exist yet. The
    /// source is opened read-only and left exactly as it is (no migration, no metadata).
    public static func backup(_ source: String, to destination: String) throws -> Report {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw DomainError(.conflict, field: "to", "\(destination) exists; a backup never overwrites a file")
        }
        _ = try inspect(source, field: "db")
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let reader = try DatabasePool(path: source, configuration: config)
        defer { try? reader.close() }
        try copy(from: reader, to: destination)
        return try inspect(destination)
    }

    /// Puts a backup in place as the database at `destination` (with the server stopped). The
    /// backup is checked first. A new database appears whole or not at all. An existing one
    /// (only when `replacing`) is first copied aside to `<destination>.before-restore-<time>`,
    /// then overwritten by SQLite's backup in one transaction, so it is never half written and
    /// never swapped under an open connection.
    public static func restore(from source: String, to destination: String, replacing: Bool) throws -> (report: Report, keptAside: String?) {
        guard FileManager.default.fileExists(atPath: source) else { throw DomainError(.notFound, field: "from", "no file \(source)") }
        _ = try inspect(source, field: "from")
        var config = Configuration()
        config.readonly = true
        let reader = try DatabaseQueue(path: source, configuration: config)
        defer { try? reader.close() }
        guard FileManager.default.fileExists(atPath: destination) else {
            try copy(from: reader, to: destination)
            return (try inspect(destination), nil)
        }
        guard replacing else {
            throw DomainError(.conflict, field: "db", "\(destination) exists; pass --force to replace it (stop the server first)")
        }
        _ = try inspect(destination, field: "db")
        var writable = Configuration()
        writable.busyMode = .timeout(5)
        let target = try DatabasePool(path: destination, configuration: writable)
        defer { try? target.close() }
        let aside = destination + ".before-restore-" + String(Int(Date().timeIntervalSince1970))
        try copy(from: target, to: aside)
        try reader.backup(to: target)
        let check = try target.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        guard check == ["ok"] else {
            throw DomainError(.unprocessable, field: "db", "the restored database fails SQLite's integrity check; the old one is at \(aside)")
        }
        return (try inspect(destination), aside)
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
                throw DomainError(.unprocessable, field: "to", "the copy does not pass SQLite's integrity check: \(check.prefix(3).joined(separator: "; "))")
            }
        }
        // link() refuses an existing name: a file that appeared meanwhile is never overwritten.
        guard link(partial, destination) == 0 else {
            throw DomainError(errno == EEXIST ? .conflict : .invalid, field: "to",
                             "cannot put the copy in place at \(destination): \(String(cString: strerror(errno)))")
        }
    }

    /// What a database file holds, refusing files that are not o2o databases.
    public static func inspect(_ path: String, field: String = "to") throws -> Report {
        var config = Configuration()
        config.readonly = true
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            throw DomainError(.unprocessable, field: field, "\(path) is not an SQLite database")
        }
        defer { try? queue.close() }
        do {
            return try queue.read { db in
                guard try db.tableExists("grdb_migrations"), try db.tableExists("stores") else {
                    throw DomainError(.unprocessable, field: field, "\(path) is not an o2o database")
                }
                let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                let orders = try db.tableExists("orders") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0 : 0
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                return Report(path: path, bytes: size, stores: try Int.fetchOne(db, sql: "SELECT count(*) FROM stores") ?? 0,
                              orders: orders, migrations: migrations)
            }
        } catch let e as DomainError {
            throw e
        } catch {
            throw DomainError(.unprocessable, field: field, "\(path) is not an o2o database: \(error)")
        }
    }
}
