import CSpatialite
import GRDB

/// A value bound straight to an SQLite statement.
enum DirectValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

extension Statement {
    /// Runs a write statement through SQLite's C interface with `values` bound in order. For the
    /// few statements run once per stock row, where converting arguments through GRDB costs more
    /// than SQLite's own work; everything else goes through GRDB. The statement comes from the
    /// connection's cache, inside GRDB's transaction, and errors come back as `DatabaseError`.
    func runDirect(_ db: Database, _ values: DirectValue...) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .integer(let v): sqlite3_bind_int64(statement, index, v)
            case .real(let v): sqlite3_bind_double(statement, index, v)
            case .null: sqlite3_bind_null(statement, index)
            case .text(let v):
                // SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
                _ = v.utf8CString.withUnsafeBufferPointer {
                    sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count - 1),
                                      unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                }
            }
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(statement)
    }
}

extension Statement {
    /// Steps a read statement through SQLite's C interface, calling `body` with the statement
    /// on each row (read its columns with `sqlite3_column_*`): for reads of millions of rows
    /// (the stock at start), where GRDB's row values cost more than SQLite's own work.
    func forEachRowDirect(_ db: Database, _ body: (OpaquePointer) throws -> Void) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            try body(handle)
        }
    }
}
