import Foundation
import Kernel
import Testing
import O2OTestSupport
import Persistence
import Stores

/// Runs the built `o2o` binary as a user would.
@Suite("The o2o command line", .serialized)
struct CLITests {
    static let binary: URL = {
        // The test bundle sits in the build products folder, beside the executable.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("o2o").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.appendingPathComponent("o2o")
    }()

    struct Run { var status: Int32; var out: String; var err: String }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }

    static func tempDB() -> String {
        TestFiles.fresh("cli").appendingPathComponent("o2o.sqlite").path
    }

    @Test("the first admin from the command line, once; a weak password or a second admin exits non-zero with a message")
    func createAdmin() throws {
        let db = Self.tempDB()
        let weak = try Self.run(["accounts", "create-admin", "--db", db, "--email", "root@example.com", "--bcrypt-cost", "4"],
                                environment: ["O2O_ADMIN_PASSWORD": "short"])
        #expect(weak.status != 0 && weak.err.contains("password: password must be at least 8 characters"), "\(weak.err)")
        let first = try Self.run(["accounts", "create-admin", "--db", db, "--email", "Root@Example.com", "--bcrypt-cost", "4"],
                                 environment: ["O2O_ADMIN_PASSWORD": "a long admin password"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("admin 1 created: root@example.com"))
        let second = try Self.run(["accounts", "create-admin", "--db", db, "--email", "other@example.com", "--bcrypt-cost", "4"],
                                  environment: ["O2O_ADMIN_PASSWORD": "a long admin password"])
        #expect(second.status != 0 && second.err.contains("an admin exists already"), "\(second.err)")
        let badCost = try Self.run(["accounts", "create-admin", "--db", db, "--email", "x@example.com", "--bcrypt-cost", "3"])
        #expect(badCost.status != 0 && badCost.err.contains("--bcrypt-cost"))
    }

    @Test("import the demo city twice, then search offline as a table and as JSON")
    func importAndNearby() throws {
        let db = Self.tempDB(), geo = DemoFixture.geoData.path
        let first = try Self.run(["import", "demo", "--db", db, "--geodata", geo])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("stores created:       222"))
        #expect(first.err.contains("222/222 stores written"), "progress is shown")
        // Zone sizes measured with PROJ in UTM 29N: π × 1.5² km² for the 1,500 m rings.
        #expect(first.out.contains("zone 1500 m: 68 zones, mean area 7.06 km² (EPSG:32629)"))
        let second = try Self.run(["import", "--db", db, "--geodata", geo])
        #expect(second.out.contains("stores created:       0"))
        #expect(second.out.contains("stores unchanged:     222"))

        let table = try Self.run(["nearby", "--db", db, "--lat", "41.1496", "--lon", "-8.6109", "--sku", "DAIRY-001", "--qty", "2", "--limit", "3", "--delivers"])
        #expect(table.status == 0, "\(table.err)")
        #expect(table.out.split(separator: "\n").count == 4, "a header and three rows")
        #expect(table.out.contains("DAIRY-001="))

        let json = try Self.run(["nearby", "--db", db, "--lat", "41.1496", "--lon", "-8.6109", "--limit", "2", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(parsed?["count"] as? Int == 2)
    }

    @Test("o2o report: a table, CSV and an SVG file from the database; a bad kind, range or store exits non-zero with a message")
    func report() throws {
        let db = Self.tempDB(), geo = DemoFixture.geoData.path
        #expect(try Self.run(["import", "demo", "--db", db, "--geodata", geo]).status == 0)
        let table = try Self.run(["report", "sales-by-store", "--db", db, "--from", "2026-01-01", "--to", "2026-01-31"])
        #expect(table.status == 0 && table.out.hasPrefix("Sales by store, 2026-01-01 to 2026-01-31\nstore_id") && table.out.contains("(nothing in this range)"), "\(table.err)")
        let csv = try Self.run(["report", "funnel", "--db", db, "--format", "csv"])
        #expect(csv.status == 0 && csv.out.hasPrefix("stage,orders,of_previous_percent\ncarts,0,"), "\(csv.out)")
        let out = TestFiles.fresh("report").appendingPathExtension("svg").path
        let svg = try Self.run(["report", "sales-by-day", "--db", db, "--format", "svg", "--out", out])
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(svg.status == 0 && written.hasPrefix("<svg"))
        for (arguments, message) in [(["report", "sales-by-week"], "KIND must be one of"), (["report", "funnel", "--from", "2026-02-01", "--to", "2026-01-01"], "--to: the range is reversed"),
                                     (["report", "funnel", "--store", "999999"], "--store: no store 999999"), (["report", "funnel", "--format", "pdf"], "--format must be")] {
            let r = try Self.run(arguments + ["--db", db])
            #expect(r.status != 0 && r.err.contains(message), "\(arguments): \(r.err)")
        }
    }

    @Test("o2o docs api writes the API reference page a server serves at /docs; a folder that does not exist is named")
    func docsAPI() throws {
        let folder = TestFiles.fresh("docs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("index.html").path
        let written = try Self.run(["docs", "api", "--out", out])
        #expect(written.status == 0 && written.out.contains("wrote \(out)"), "\(written.err)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!doctype html>") && page.contains("id=\"op-nearbyStores\"") && page.contains("id=\"schema-NearbyResponse\""))
        let printed = try Self.run(["docs", "api", "--out", "-"])
        #expect(printed.status == 0 && printed.out == page)
        let missing = try Self.run(["docs", "api", "--out", folder.appendingPathComponent("no/such/index.html").path])
        #expect(missing.status != 0 && missing.err.contains("--out: the folder") && missing.err.contains("does not exist"), "\(missing.err)")
    }

    @Test("a retailer CSV imports, and bad input exits non-zero with a message")
    func retailerAndErrors() throws {
        let db = Self.tempDB()
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("stores.csv")
        try """
            external_ref,name,brand,kind,address,phone,lat,lon,opening_hours,time_zone
            PRT-1,Loja Um,Acme,convenience,Rua A 1,+351 1,41.15,-8.61,Mo-Fr 09:00-19:00,
            PRT-1,Loja Um again,Acme,convenience,,,41.15,-8.61,,
            PRT-2,Loja Dois,,bakery,,,91,-8.62,,
            """.write(to: csv, atomically: true, encoding: .utf8)
        let imported = try Self.run(["import", csv.path, "--db", db])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("stores created:       1"))
        #expect(imported.out.contains("rejected line 3 (PRT-1): duplicate external_ref in the file"))
        #expect(imported.out.contains("rejected line 4 (PRT-2): lat/lon missing or out of range"))

        let badLat = try Self.run(["nearby", "--db", db, "--lat", "95", "--lon", "0"])
        #expect(badLat.status != 0)
        #expect(badLat.err.contains("--lat"))
        let badSKU = try Self.run(["nearby", "--db", db, "--lat", "41.15", "--lon", "-8.61", "--sku", "NOPE"])
        #expect(badSKU.status != 0)
        #expect(badSKU.err.contains("unknown SKU"))
        let badLimit = try Self.run(["nearby", "--db", db, "--lat", "41.15", "--lon", "-8.61", "--limit", "0"])
        #expect(badLimit.status != 0)
        #expect(badLimit.err.contains("limit"))
        let missing = try Self.run(["import", "/no/such/file.csv", "--db", db])
        #expect(missing.status != 0)
        #expect(missing.err.contains("no file"))
        let empty = try Self.run(["nearby", "--db", Self.tempDB(), "--lat", "41.15", "--lon", "-8.61"])
        #expect(empty.status != 0)
        #expect(empty.err.contains("o2o import"))
    }

    @Test("stock import applies a till file once, and refuses bad lines by number unless --partial")
    func stockImport() throws {
        let db = Self.tempDB(), geo = DemoFixture.geoData.path
        #expect(try Self.run(["import", "demo", "--db", db, "--geodata", geo]).status == 0)
        let folder = TestFiles.fresh("stock")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = folder.appendingPathComponent("good.csv").path
        try "store_id,sku,qty\n2,DAIRY-001,3\n1,BAKERY-001,2\n".write(toFile: good, atomically: true, encoding: .utf8)
        let first = try Self.run(["stock", "import", good, "--db", db])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("applied — 1 changed"), "\(first.out)")
        let again = try Self.run(["stock", "import", good, "--db", db])
        #expect(again.status == 0 && again.out.contains("replayed"), "the same file applies once: \(again.out)")

        let bad = folder.appendingPathComponent("bad.csv").path
        try "store,sku,qty\n1,DAIRY-001,1\nnowhere,DAIRY-001,1\n1,BAKERY-001,abc\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try Self.run(["stock", "import", bad, "--db", db, "--sequence", "4", "--store-key", "id"])
        #expect(refused.status == 1)
        #expect(refused.err.contains("line 3: unknown store \"nowhere\""), "\(refused.err)")
        let partial = try Self.run(["stock", "import", bad, "--db", db, "--sequence", "4", "--partial", "--store-key", "id"])
        #expect(partial.status == 0, "\(partial.err)")
        #expect(partial.out.contains("line 3: refused") && partial.out.contains("line 4: refused: qty \"abc\""), "\(partial.out)")
        let stale = try Self.run(["stock", "import", good, "--db", db, "--sequence", "3"])
        #expect(stale.status == 1 && stale.err.contains("older than the last applied"), "\(stale.err)")
        let wrongKind = try Self.run(["stock", "import", good, "--db", db, "--kind", "recount"])
        #expect(wrongKind.status != 0 && wrongKind.err.contains("--kind"))
    }

    @Test("stock import names its store key: a snapshot for the store whose reference is 1 never touches the store whose id is 1")
    func stockImportStoreKey() async throws {
        let db = Self.tempDB(), geo = DemoFixture.geoData.path
        #expect(try Self.run(["import", "demo", "--db", db, "--geodata", geo]).status == 0)
        let folder = TestFiles.fresh("stock-key")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A retailer's store whose external reference is "1", beside the demo store whose id is 1.
        let stores = folder.appendingPathComponent("stores.csv").path
        try "external_ref,name,kind,lat,lon\n1,Loja Um,convenience,41.151,-8.612\n".write(toFile: stores, atomically: true, encoding: .utf8)
        #expect(try Self.run(["import", stores, "--db", db]).status == 0)

        func stock() async throws -> (storeOne: [StockLine], refOne: [StockLine], refOneID: StoreID) {
            let service = DemoFixture.service(try SpatiaLiteDatabase(path: db))
            try await service.reload()
            let refOne = try #require(service.finder.stores(after: nil, limit: Int.max).first { $0.externalRef == "1" })
            #expect(refOne.id != StoreID(1))
            func all(_ id: StoreID) async throws -> [StockLine] {
                try await service.repository.stock(of: id, after: nil, limit: 100_000).lines
            }
            return (try await all(StoreID(1)), try await all(refOne.id), refOne.id)
        }
        let before = try await stock()
        #expect(!before.storeOne.isEmpty && before.refOne.isEmpty)

        // The till's snapshot for its store "1": a bare store column is refused until its key is named.
        let snapshot = folder.appendingPathComponent("snapshot.csv").path
        try "store,sku,qty\n1,DAIRY-001,4\n".write(toFile: snapshot, atomically: true, encoding: .utf8)
        let ambiguous = try Self.run(["stock", "import", snapshot, "--db", db, "--kind", "snapshot"])
        #expect(ambiguous.status != 0 && ambiguous.err.contains("--store-key"), "\(ambiguous.err)")
        let nostore = folder.appendingPathComponent("nostore.csv").path
        try "sku,qty\nDAIRY-001,1\n".write(toFile: nostore, atomically: true, encoding: .utf8)
        let withoutKey = try Self.run(["stock", "import", nostore, "--db", db, "--kind", "snapshot", "--store", "1"])
        #expect(withoutKey.status != 0 && withoutKey.err.contains("--store-key"), "\(withoutKey.err)")
        #expect(try await stock().storeOne == before.storeOne, "nothing written by a refused import")

        let byRef = try Self.run(["stock", "import", snapshot, "--db", db, "--kind", "snapshot", "--store-key", "ref"])
        #expect(byRef.status == 0, "\(byRef.err)")
        var after = try await stock()
        #expect(after.storeOne == before.storeOne, "the store whose id is 1 keeps every SKU")
        #expect(after.refOne.map(\.sku) == ["DAIRY-001"] && after.refOne.first?.level.onHand == 4)

        // The key in the column's name, and --store with its key, reach the same store.
        let named = folder.appendingPathComponent("named.csv").path
        try "store_ref,sku,qty\n1,DAIRY-001,6\n".write(toFile: named, atomically: true, encoding: .utf8)
        #expect(try Self.run(["stock", "import", named, "--db", db, "--kind", "snapshot"]).status == 0)
        #expect(try Self.run(["stock", "import", nostore, "--db", db, "--store", "1", "--store-key", "ref"]).status == 0)
        after = try await stock()
        #expect(after.storeOne == before.storeOne)
        #expect(after.refOne.first?.level.onHand == 7)

        // A key that contradicts the column, two store columns, and a value that matches nothing are refused.
        let contradicts = try Self.run(["stock", "import", named, "--db", db, "--store-key", "id"])
        #expect(contradicts.status != 0 && contradicts.err.contains("contradicts"), "\(contradicts.err)")
        let twice = folder.appendingPathComponent("twice.csv").path
        try "store_id,store_ref,sku,qty\n1,1,DAIRY-001,1\n".write(toFile: twice, atomically: true, encoding: .utf8)
        let both = try Self.run(["stock", "import", twice, "--db", db])
        #expect(both.status != 0 && both.err.contains("store_id and store_ref"), "\(both.err)")
        let unknown = folder.appendingPathComponent("unknown.csv").path
        try "store_id,sku,qty\n\(after.refOneID.rawValue + 1000),DAIRY-001,1\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        let nowhere = try Self.run(["stock", "import", unknown, "--db", db, "--kind", "snapshot"])
        #expect(nowhere.status != 0 && nowhere.err.contains("line 2: unknown store") && nowhere.err.contains("no store has that id"), "\(nowhere.err)")
        #expect(try await stock().storeOne == before.storeOne)
    }

    @Test("simulate a day on Porto's real shops and homes: every strategy side by side, as a table and as JSON; bad options refused")
    func simulate() throws {
        let geo = DemoFixture.geoData.path
        let table = try Self.run(["simulate", "--city", "porto", "--orders", "300", "--riders", "6", "--seed", "7", "--geodata", geo])
        #expect(table.status == 0, "\(table.err)")
        #expect(table.out.contains("nearest") && table.out.contains("batch") && table.out.contains("bundle"))
        #expect(table.out.contains("on time") && table.out.contains("km per order") && table.out.contains("orders per rider-hour"))
        let json = try Self.run(["simulate", "--orders", "300", "--riders", "6", "--seed", "7", "--strategy", "bundle,nearest",
                                 "--geodata", geo, "--json"])
        #expect(json.status == 0, "\(json.err)")
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let strategies = object?["strategies"] as? [[String: Any]] ?? []
        #expect(strategies.compactMap { $0["strategy"] as? String } == ["bundle", "nearest"])
        #expect(strategies.allSatisfy { ($0["delivered"] as? Int) == 300 })
        let rates = strategies.compactMap { $0["on_time_rate"] as? Double }
        #expect(rates.count == 2 && rates[0] >= rates[1], "bundling keeps at least as many promises")

        for (arguments, message) in [(["--strategy", "fastest"], "unknown strategy"), (["--city", "lisbon"], "no simulation data"),
                                     (["--orders", "0"], "--orders")] {
            let bad = try Self.run(["simulate", "--geodata", geo] + arguments)
            #expect(bad.status != 0)
            #expect(bad.err.contains(message), "\(bad.err)")
        }
    }

    @Test("routes solve: a Li & Lim instance within the budget, checked, as text and as JSON; malformed files named by line and field")
    func routesSolve() throws {
        let file = DemoFixture.geoData.appendingPathComponent("vrp/lilim100/lc101.txt").path
        let text = try Self.run(["routes", "solve", file, "--time-limit", "0.5"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("checker: feasible") && text.out.contains("best known: 10 vehicles"))
        let json = try Self.run(["routes", "solve", file, "--time-limit", "0.5", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let vehicles = try #require(object?["vehicles"] as? Int), distance = try #require(object?["distance"] as? Double)
        #expect(vehicles <= 11 && distance >= 828.93)
        #expect(object?["feasible"] as? Bool == true)
        #expect((object?["routes"] as? [[Int]])?.count == vehicles)

        let folder = TestFiles.fresh("routes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.txt")
        try "2\t200\t1\n0\t40\t50\t0\t0\t1236\t0\t0\t0\n1\t45\t68\t-10\tsoon\t967\t90\t2\t0\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try Self.run(["routes", "solve", bad.path])
        #expect(refused.status != 0)
        #expect(refused.err.contains("line 3") && refused.err.contains("earliest"), "\(refused.err)")
        let missing = try Self.run(["routes", "solve", folder.appendingPathComponent("none.txt").path])
        #expect(missing.status != 0 && missing.err.contains("none.txt"))
    }

    @Test("serve refuses settings out of range, from a flag, the environment or a file, naming the option, before it opens anything")
    func badETAOptions() throws {
        for (arguments, option) in [(["--detour-factor", "0.5"], "--detour-factor"), (["--pickup-service-seconds", "-1"], "--pickup-service-seconds"),
                                    (["--eta-city", "lisbon"], "--eta-city"), (["--dispatch-interval", "-3"], "--dispatch-interval")] {
            let run = try Self.run(["serve", "--db", Self.tempDB()] + arguments)
            #expect(run.status != 0)
            #expect(run.err.contains(option), "\(run.err)")
        }
        // The same settings from the environment and a configuration file, named every way they can be given.
        let db = Self.tempDB()
        let fromEnvironment = try Self.run(["serve", "--db", db], environment: ["O2O_HTTP_PORT": "eighty"])
        #expect(fromEnvironment.status != 0 && fromEnvironment.err.contains("--port (O2O_HTTP_PORT, http.port)"), "\(fromEnvironment.err)")
        let missing = try Self.run(["serve", "--db", db], environment: ["O2O_CONFIG": "/no/such/o2o.json"])
        #expect(missing.status != 0 && missing.err.contains("no file at /no/such/o2o.json"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: db), "nothing opened before the settings are checked")
    }

    @Test("coverage: Porto with a what-if, every file written; bad input refused with its line or field and no report left behind")
    func coverage() throws {
        let geo = DemoFixture.geoData.path
        let folder = TestFiles.fresh("coverage")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let whatIf = folder.appendingPathComponent("whatif.json")
        try #"{"name": "new shop east", "changes": [{"op": "add", "lat": 41.149, "lon": -8.585, "kind": "supermarket"}, {"op": "remove", "store": 3}]}"#
            .write(to: whatIf, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("report")
        let run = try Self.run(["coverage", "--city", "porto", "--geodata", geo, "--scenario", whatIf.path, "--minutes", "10", "--out", out.path])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("demand covered by ≥ 1 store") && run.out.contains("new shop east"))
        #expect(run.err.contains("areas in EPSG:32629"), "progress is shown")
        for name in ["report.html", "report.json", "summary.csv", "stores.csv", "zones.geojson", "new-shop-east-zones.geojson"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.hasPrefix("metric,unit,baseline,new shop east,Δ new shop east"))

        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let badGeometry = try write("bowtie.geojson", #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": 1}, "geometry": {"type": "Point", "coordinates": [-8.61, 41.15]}}, {"type": "Feature", "properties": {"store": 1}, "geometry": {"type": "Polygon", "coordinates": [[[-8.62,41.14],[-8.60,41.16],[-8.60,41.14],[-8.62,41.16],[-8.62,41.14]]]}}]}"#)
        let cases: [([String], String)] = [
            (["--city", "lisbon"], "unknown city \"lisbon\""),
            (["--city", "porto", "--demand", try write("empty.csv", "")], "empty.csv: the file is empty"),
            (["--city", "porto", "--demand", try write("neg.csv", "lat,lon,weight\n41.15,-8.61,1\n41.15,-8.61,-4\n")], "neg.csv line 3: weight must not be negative"),
            (["--city", "porto", "--demand", try write("nan.csv", "lat,lon,weight\n41.15,-8.61,lots\n")], "nan.csv line 2: weight is not a number"),
            (["--city", "porto", "--scenario", badGeometry], "invalid geometry"),
            (["--city", "porto", "--scenario", try write("unknown.json", #"{"changes": [{"op": "remove", "store": 9999}]}"#)], "no store 9999"),
            (["--city", "porto", "--scenario", try write("op.json", #"{"changes": [{"op": "teleport"}]}"#)], "unknown op \"teleport\""),
            (["--city", "porto", "--demand", try write("far.csv", "lat,lon,weight\n41.15,-8.61,1\n60.17,24.94,1\n")], "too wide for one UTM zone"),
        ]
        for (arguments, message) in cases {
            let target = folder.appendingPathComponent("refused-\(UUID().uuidString)")
            let bad = try Self.run(["coverage", "--geodata", geo, "--out", target.path] + arguments)
            #expect(bad.status != 0, "\(arguments)")
            #expect(bad.err.contains(message), "\(arguments): \(bad.err)")
            #expect(!FileManager.default.fileExists(atPath: target.path), "no partial report")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }
}
