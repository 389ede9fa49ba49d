import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import O2OTestSupport
import Testing

/// A value shared between the test and the threads feeding it.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}

/// The real server, killed with SIGKILL while stock changes stream in: every change it
/// acknowledged is there after a restart, and the in-memory index equals the database.
@Suite("Durability", .serialized)
struct DurabilityTests {
    final class Server: @unchecked Sendable {
        let process = Process()
        let output = Locked("")
        var port = 0
        /// The bearer token requests carry (store and stock writes are for staff and admins).
        var token: String?

        /// Makes the database's first admin, as an operator would before the first start.
        static func createAdmin(_ db: String) throws {
            let run = try CLITests.run(["accounts", "create-admin", "--db", db, "--geodata", DemoFixture.geoData.path, "--email", "ops@example.com",
                                        "--bcrypt-cost", "4"], environment: ["O2O_ADMIN_PASSWORD": "ops password"])
            precondition(run.status == 0, run.err)
        }

        /// A server on a database whose first admin is made first, signed in as that admin.
        static func startedAsAdmin(db: String, extra: [String] = []) async throws -> Server {
            try createAdmin(db)
            let server = try Server(db: db, extra: extra)
            do {
                try await server.waitUntilListening()
                try await server.signInAdmin()
            } catch {
                server.killIfRunning()
                throw error
            }
            return server
        }

        /// Signs the admin in; later requests carry the token.
        func signInAdmin() async throws {
            let (_, session) = try await request("POST", "/v1/sessions", #"{"email":"ops@example.com","password":"ops password"}"#)
            token = session["token"] as? String
        }

        init(db: String, extra: [String] = []) throws {
            process.executableURL = CLITests.binary
            // These tests pour writes in from one account: no per-caller write limit.
            process.arguments = ["serve", "--db", db, "--geodata", DemoFixture.geoData.path, "--port", "0", "--write-rate", "0"] + extra
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [output] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                output.withLock { $0 += text }
            }
            try process.run()
        }

        /// Ends the server (SIGTERM, then SIGKILL if it has not gone within 10 s) without blocking a thread.
        func stop(signal: Int32 = SIGTERM) async {
            kill(process.processIdentifier, signal)
            for _ in 0..<200 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning {
                Issue.record("the server did not stop on signal \(signal)")
                kill(process.processIdentifier, SIGKILL)
            }
        }

        /// After a failed test: never leave a server behind.
        func killIfRunning() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        func waitUntilListening() async throws {
            for _ in 0..<1_200 {
                let text = output.withLock { $0 }
                if let range = text.range(of: "listening on http://127.0.0.1:") {
                    port = Int(text[range.upperBound...].prefix { $0.isNumber })!
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the server did not start: \(output.withLock { $0 })")
        }

        func request(_ method: String, _ path: String, _ body: String? = nil, headers: [String: String] = [:],
                     timeout: TimeInterval = 5) async throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            request.timeoutInterval = timeout
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return ((response as! HTTPURLResponse).statusCode, json)
        }

        func onHand(store: Int, sku: String) async throws -> Int {
            var cursor = ""
            while true {
                let (_, page) = try await request("GET", "/v1/stores/\(store)/stock?limit=1000&cursor=\(cursor)")
                for item in page["items"] as? [[String: Any]] ?? [] where item["sku"] as? String == sku { return item["on_hand"] as! Int }
                guard let next = page["next_cursor"] as? String else { return 0 }
                cursor = next
            }
        }
    }

    struct Acknowledged: Sendable {
        var patches = 0
        var batchKeys: [String] = []
        var reservations: [String] = []
    }

    @Test("kill -9 while changes stream in: every acknowledged change survives the restart")
    func killNine() async throws {
        let db = CLITests.tempDB()
        let server = try await Server.startedAsAdmin(db: db)
        defer { server.killIfRunning() }
        #expect(try await server.request("PUT", "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-002","qty":100000}]}"#).0 == 200)
        let dairy = try await server.onHand(store: 1, sku: "DAIRY-001")
        let bakery = try await server.onHand(store: 1, sku: "BAKERY-001")

        let acknowledged = Locked(Acknowledged())
        // The writer stops on this flag, or when the killed server stops answering: cancelling a
        // task whose URLSession request is failing can deadlock swift-corelibs-foundation.
        let stopped = Locked(false)
        let writer = Task {
            var i = 0
            while !stopped.withLock({ $0 }) {
                i += 1
                do {
                    switch i % 3 {
                    case 0:
                        let (status, _) = try await server.request("PATCH", "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":1}]}"#)
                        if status == 200 { acknowledged.withLock { $0.patches += 1 } }
                    case 1:
                        let key = "till-1-\(i)"
                        let (status, _) = try await server.request("POST", "/v1/stores/1/stock/batches",
                                                                   #"{"kind":"delta","items":[{"sku":"BAKERY-001","qty":1}]}"#,
                                                                   headers: ["Idempotency-Key": key])
                        if status == 201 { acknowledged.withLock { $0.batchKeys.append(key) } }
                    default:
                        let (status, json) = try await server.request("POST", "/v1/reservations",
                                                                      #"{"store_id":1,"items":[{"sku":"DAIRY-002","qty":1}],"ttl_s":3600}"#)
                        if status == 201, let id = json["id"] as? String { acknowledged.withLock { $0.reservations.append(id) } }
                    }
                } catch {
                    return  // the server is gone
                }
            }
        }
        // Kill it mid-stream, once enough of each kind has been acknowledged (however slow the machine).
        for _ in 0..<600 {
            let a = acknowledged.withLock { $0 }
            if a.patches >= 10 && a.batchKeys.count >= 10 && a.reservations.count >= 10 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))
        await server.stop(signal: SIGKILL)
        stopped.withLock { $0 = true }
        _ = await writer.result
        let acked = acknowledged.withLock { $0 }
        #expect(server.process.terminationReason == .uncaughtSignal)
        #expect(acked.patches >= 10 && acked.batchKeys.count >= 10 && acked.reservations.count >= 10, "changes were streaming: \(acked)")

        let restarted = try Server(db: db)
        defer { restarted.killIfRunning() }
        try await restarted.waitUntilListening()
        restarted.token = server.token
        // One request may have committed without its answer arriving: at most one more of each.
        let dairyNow = try await restarted.onHand(store: 1, sku: "DAIRY-001")
        #expect((dairy + acked.patches...dairy + acked.patches + 1).contains(dairyNow))
        let bakeryNow = try await restarted.onHand(store: 1, sku: "BAKERY-001")
        #expect((bakery + acked.batchKeys.count...bakery + acked.batchKeys.count + 1).contains(bakeryNow))
        for key in acked.batchKeys {
            let (status, json) = try await restarted.request("POST", "/v1/stores/1/stock/batches",
                                                             #"{"kind":"delta","items":[{"sku":"BAKERY-001","qty":1}]}"#,
                                                             headers: ["Idempotency-Key": key])
            #expect(status == 200 && json["outcome"] as? String == "replayed", "batch \(key) was kept")
        }
        for id in acked.reservations {
            let (status, json) = try await restarted.request("GET", "/v1/reservations/\(id)")
            #expect(status == 200 && json["status"] as? String == "held", "reservation \(id) was kept")
        }
        let (_, check) = try await restarted.request("GET", "/v1/ops/stock-check")
        #expect(check["consistent"] as? Bool == true, "\(check)")
        await restarted.stop()
        #expect(restarted.process.terminationStatus == 0, "SIGTERM shuts the server down cleanly")
    }

    @Test("SIGTERM with long requests in flight: each is answered in full, the server exits 0, and then nothing answers")
    func drainsOnSIGTERM() async throws {
        let server = try await Server.startedAsAdmin(db: CLITests.tempDB())
        defer { server.killIfRunning() }
        // Coverage reports take about a second each here, one at a time: in flight when the signal comes.
        let body = #"{"city":"porto","minutes":[10],"scenarios":[{"name":"east","changes":[{"op":"add","lat":41.149,"lon":-8.585,"kind":"supermarket"}]}]}"#
        let reports = (0..<2).map { _ in
            Task { [server] () -> (Int, Int?, ContinuousClock.Instant) in
                let (status, json) = try await server.request("POST", "/v1/coverage/reports", body, timeout: 120)
                return (status, (json["scenarios"] as? [Any])?.count, .now)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let signalled = ContinuousClock.now
        kill(server.process.processIdentifier, SIGTERM)
        var last = signalled
        for report in reports {
            let (status, scenarios, answered) = try await report.value
            last = max(last, answered)
            #expect(status == 200, "a request in flight at SIGTERM is answered")
            #expect(scenarios == 1, "in full")
        }
        #expect(last > signalled, "a report was still running when the signal came")
        await server.stop()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        await #expect(throws: (any Error).self, "nothing listens after the drain") { try await server.request("GET", "/healthz") }
    }

    @Test("a request that trickles in is cut off after --idle-timeout; a whole one on the same server is answered")
    func idleTimeout() async throws {
        let server = try await Server.startedAsAdmin(db: CLITests.tempDB(), extra: ["--idle-timeout", "1"])
        defer { server.killIfRunning() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        // Half a request head, and then nothing.
        let head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        #expect(head.withCString { send(fd, $0, strlen($0), 0) } == head.utf8.count)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 256)
        let read = recv(fd, &buffer, buffer.count, 0)
        let waited = ContinuousClock.now - start
        #expect(read == 0, "the server closed the connection (recv gave \(read))")
        #expect(waited >= .milliseconds(500) && waited < .seconds(8), "after about the idle timeout: \(waited)")
        #expect(try await server.request("GET", "/healthz").0 == 200)
        await server.stop()
    }

    @Test("1,000 concurrent holds over real HTTP on 100 units: exactly 100 are held, 900 refused with 409")
    func concurrentHoldsOverHTTP() async throws {
        let db = CLITests.tempDB()
        let server = try await Server.startedAsAdmin(db: db)
        defer { server.killIfRunning() }
        #expect(try await server.request("PUT", "/v1/stores/7/stock", #"{"items":[{"sku":"PRODUCE-001","qty":100}]}"#).0 == 200)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    try await server.request("POST", "/v1/reservations", #"{"store_id":7,"items":[{"sku":"PRODUCE-001","qty":1}]}"#).0
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(statuses.filter { $0 == 201 }.count == 100)
        #expect(statuses.filter { $0 == 409 }.count == 900)
        let (_, page) = try await server.request("GET", "/v1/stores/7/stock?limit=1000")
        let line = (page["items"] as? [[String: Any]])?.first { $0["sku"] as? String == "PRODUCE-001" }
        #expect(line?["reserved"] as? Int == 100 && line?["available"] as? Int == 0)
        let (_, check) = try await server.request("GET", "/v1/ops/stock-check")
        #expect(check["consistent"] as? Bool == true)
        await server.stop()
    }

    @Test("the real server: timed rounds assign, a rider's last position is flushed at SIGTERM and comes back after a restart")
    func dispatchAcrossRestart() async throws {
        let db = CLITests.tempDB()
        // Positions would reach the database only once an hour: the shutdown flush must do it.
        let options = ["--dispatch-interval", "0.2", "--position-flush-interval", "3600"]
        let server = try await Server.startedAsAdmin(db: db, extra: options)
        defer { server.killIfRunning() }
        let (created, rider) = try await server.request("POST", "/v1/riders", #"{"name":"Ana","vehicle":"e-bike","capacity":2,"lat":41.1496,"lon":-8.6109}"#)
        #expect(created == 201)
        let riderID = try #require(rider["id"] as? Int)
        let promised = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2_700))
        let (_, delivery) = try await server.request("POST", "/v1/deliveries",
                                                     #"{"store_id":31,"drop":{"lat":41.1545,"lon":-8.616},"promised_at":"\#(promised)"}"#)
        let deliveryID = try #require(delivery["id"] as? Int)
        var status = ""
        for _ in 0..<100 where status != "assigned" {
            try await Task.sleep(for: .milliseconds(100))
            status = (try await server.request("GET", "/v1/deliveries/\(deliveryID)").1["delivery"] as? [String: Any])?["status"] as? String ?? ""
        }
        #expect(status == "assigned", "a timed round assigns without being asked")
        for step in 1...20 {
            _ = try await server.request("PUT", "/v1/riders/\(riderID)/location", #"{"lat":\#(41.1496 + Double(step) * 0.0001),"lon":-8.6109}"#)
        }
        await server.stop()

        let again = try Server(db: db, extra: options)
        defer { again.killIfRunning() }
        try await again.waitUntilListening()
        again.token = server.token
        let (_, back) = try await again.request("GET", "/v1/riders/\(riderID)")
        let position = back["position"] as? [String: Any]
        #expect(abs((position?["lat"] as? Double ?? 0) - (41.1496 + 20 * 0.0001)) < 1e-9, "\(back)")
        #expect((back["route"] as? [Any])?.count == 2, "the route survives too")
        let (_, tracked) = try await again.request("GET", "/v1/deliveries/\(deliveryID)")
        #expect((tracked["delivery"] as? [String: Any])?["status"] as? String == "assigned")
        await again.stop()
    }
}
