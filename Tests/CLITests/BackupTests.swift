import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import O2OTestSupport
import Testing

/// `o2o backup` while the real server serves, and `o2o restore`: the restored database holds
/// everything acknowledged before the backup and nothing after it.
@Suite("Backups", .serialized)
struct BackupTests {
    @Test("a backup taken while serving restores to a database that has every write acknowledged before it")
    func backupWhileServing() async throws {
        let db = CLITests.tempDB()
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        let server = try await DurabilityTests.Server.startedAsAdmin(db: db)
        defer { server.killIfRunning() }
        #expect(try await server.request("PUT", "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":321}]}"#).0 == 200)
        let (held, hold) = try await server.request("POST", "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":4}],"ttl_s":3600}"#)
        #expect(held == 201)
        let holdID = try #require(hold["id"] as? String)
        // The backup runs beside the serving server, and writes keep coming while it does.
        let backup = folder.appendingPathComponent("backup.sqlite").path
        async let writes: Void = {
            for i in 0..<20 { _ = try? await server.request("PATCH", "/v1/stores/2/stock", #"{"items":[{"sku":"DAIRY-001","qty":\#(i % 2 == 0 ? 1 : -1)}]}"#) }
        }()
        let run = try CLITests.run(["backup", "--db", db, "--to", backup])
        await writes
        #expect(run.status == 0 && run.out.contains("backed up"), "\(run.out)\(run.err)")
        #expect(try await server.request("PUT", "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":999}]}"#).0 == 200, "after the backup")
        // A second backup to the same file is refused; so is a file that is not an o2o database.
        let again = try CLITests.run(["backup", "--db", db, "--to", backup])
        #expect(again.status != 0 && again.err.contains("exists"))
        await server.stop()

        let junk = folder.appendingPathComponent("junk.sqlite").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
        let refused = try CLITests.run(["restore", "--from", junk, "--db", folder.appendingPathComponent("r0.sqlite").path])
        #expect(refused.status != 0 && refused.err.contains("from:"), "\(refused.err)")
        let restoredDB = folder.appendingPathComponent("restored/o2o.sqlite").path
        let restored = try CLITests.run(["restore", "--from", backup, "--db", restoredDB])
        #expect(restored.status == 0 && restored.out.contains("restored"), "\(restored.out)\(restored.err)")
        #expect(try CLITests.run(["restore", "--from", backup, "--db", restoredDB]).status != 0, "an existing database is kept without --force")
        let forced = try CLITests.run(["restore", "--from", backup, "--db", restoredDB, "--force"])
        #expect(forced.status == 0 && forced.out.contains("the database it replaced is kept at"), "\(forced.out)\(forced.err)")

        let back = try DurabilityTests.Server(db: restoredDB)
        defer { back.killIfRunning() }
        try await back.waitUntilListening()
        back.token = server.token
        let (_, page) = try await back.request("GET", "/v1/stores/1/stock?limit=1000")
        let line = (page["items"] as? [[String: Any]])?.first { $0["sku"] as? String == "DAIRY-001" }
        #expect(line?["on_hand"] as? Int == 321 && line?["reserved"] as? Int == 4, "\(String(describing: line))")
        #expect(try await back.request("GET", "/v1/reservations/\(holdID)").1["status"] as? String == "held")
        #expect(try await back.request("GET", "/v1/ops/stock-check").1["consistent"] as? Bool == true)
        #expect(try await back.request("GET", "/readyz").0 == 200)
        await back.stop()
    }
}
