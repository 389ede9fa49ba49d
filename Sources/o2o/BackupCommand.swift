import ArgumentParser
import Foundation
import Persistence

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a file, while the server keeps serving (SQLite's online backup).")

    @Option(name: .long, help: "The database to copy.")
    var db: String = "data/o2o.sqlite"

    @Option(name: .long, help: "The file to write (it must not exist).")
    var to: String

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else { throw Runtime.fail(ValidationError("--db: no database at \(db)")) }
        do {
            let report = try DatabaseBackup.backup(db, to: to)
            print("backed up \(db) to \(report.path): \(report.bytes) bytes, \(report.stores) stores, \(report.orders) orders, schema \(report.migrations.last ?? "-")")
        } catch {
            throw Runtime.fail(error)
        }
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place as the database (stop the server first).")

    @Option(name: .long, help: "The backup to restore.")
    var from: String

    @Option(name: .long, help: "The database to create or, with --force, replace.")
    var db: String = "data/o2o.sqlite"

    @Flag(help: "Replace an existing database.")
    var force = false

    func run() async throws {
        do {
            let (report, aside) = try DatabaseBackup.restore(from: from, to: db, replacing: force)
            print("restored \(from) to \(report.path): \(report.stores) stores, \(report.orders) orders, schema \(report.migrations.last ?? "-")")
            if let aside { print("the database it replaced is kept at \(aside)") }
        } catch {
            throw Runtime.fail(error)
        }
    }
}
