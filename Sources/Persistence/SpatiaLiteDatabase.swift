import CSpatialite
import Foundation
import GRDB

/// A SpatiaLite database: an SQLite file (WAL mode) whose every connection has the SpatiaLite
/// functions loaded, with the spatial metadata and the o2o schema in place.
public final class SpatiaLiteDatabase: Sendable {
    /// The connection pool (or queue, for an in-memory database).
    public let writer: any DatabaseWriter
    private let caches: SpatiaLiteCaches

    /// Opens (creating if needed) the database at `path`, or an in-memory one for `nil`,
    /// and brings its schema up to date.
    public init(path: String?) throws {
        let caches = SpatiaLiteCaches()
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            guard let connection = db.sqliteConnection else { return }
            // SpatiaLite keeps per-connection state in a cache it allocates; init_ex registers
            // its SQL functions on this connection only.
            let cache = spatialite_alloc_connection()
            spatialite_init_ex(connection, cache, 0)
            caches.add(cache)
        }
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: config)
            // A commit is on disk before the write is acknowledged, power cut or not: WAL mode
            // with synchronous = FULL (the pool sets NORMAL, which a crash of the machine, not
            // of the process, could roll back to the last checkpoint).
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            writer = pool
        } else {
            writer = try DatabaseQueue(configuration: config)
        }
        self.caches = caches
        try Schema.migrate(writer)
    }

    /// Closes every connection and frees SpatiaLite's per-connection state.
    public func close() throws {
        if let pool = writer as? DatabasePool { try pool.close() }
        if let queue = writer as? DatabaseQueue { try queue.close() }
        caches.freeAll()
    }

    /// The SpatiaLite version the connections run.
    public func spatialiteVersion() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT spatialite_version()") ?? "?" }
    }
}

/// The SpatiaLite caches of a database's connections, freed when it closes.
final class SpatiaLiteCaches: @unchecked Sendable {
    private var caches: [UnsafeMutableRawPointer] = []
    private let lock = NSLock()

    func add(_ cache: UnsafeMutableRawPointer?) {
        guard let cache else { return }
        lock.lock(); caches.append(cache); lock.unlock()
    }

    func freeAll() {
        lock.lock(); defer { lock.unlock() }
        for cache in caches { spatialite_cleanup_ex(cache) }
        caches.removeAll()
    }
}
