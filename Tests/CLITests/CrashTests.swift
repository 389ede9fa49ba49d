import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import O2OTestSupport
import Payments
import Testing

/// The real server killed with SIGKILL three times while customers check out, the payment
/// provider's callbacks arrive and a rider reports positions: after each restart every
/// acknowledged order is there, every acknowledged payment has paid its order and turned its
/// hold into a sale, and the stock index equals the database. Rider positions are soft state,
/// written every `--position-flush-interval`: the restarted server has one the rider sent,
/// no older than the last acknowledged a flush interval (and a margin) before the kill.
@Suite("Crash safety of orders and payments", .serialized)
struct CrashTests {
    typealias Server = DurabilityTests.Server

    struct Acked: Sendable {
        var orders: [Int: String] = [:]   // order id → reservation id
        var paid: Set<Int> = []
        /// Position steps acknowledged, with when.
        var positions: [(step: Int, at: ContinuousClock.Instant)] = []
    }

    /// The rider's position at step k: a little further north each time.
    static func latitude(_ k: Int) -> Double { 41.15 + Double(k) * 1e-5 }
    static let flush = 0.5

    @Test("kill -9 three times during checkouts and payment callbacks: every acknowledged order and payment survives, whole")
    func killDuringCheckouts() async throws {
        let db = CLITests.tempDB()
        let settingsFile = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("payments.json")
        let options = ["--position-flush-interval", String(Self.flush)]
        var server = try await Server.startedAsAdmin(db: db, extra: options)
        defer { server.killIfRunning() }
        let (riderStatus, rider) = try await server.request("POST", "/v1/riders", #"{"name":"Rui","vehicle":"bicycle","lat":\#(Self.latitude(0)),"lon":-8.61}"#)
        #expect(riderStatus == 201)
        let riderID = try #require(rider["id"] as? Int)
        #expect(try await server.request("PUT", "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":100000}]}"#).0 == 200)
        #expect(try await server.request("POST", "/v1/accounts", #"{"email":"ana@example.com","password":"correct horse","name":"Ana"}"#).0 == 201)
        let (_, session) = try await server.request("POST", "/v1/sessions", #"{"email":"ana@example.com","password":"correct horse"}"#)
        let ana = ["Authorization": "Bearer \(try #require(session["token"] as? String))"]
        // The provider's side, with the keys the server made on its first start.
        let settings = try PaymentSettings.load(settingsFile)
        let provider = SandboxGateway(providers: try settings.sandboxProviders(), records: SandboxRecords(folder: URL(fileURLWithPath: settings.sandboxRecords!)))

        let acked = Locked(Acked())
        var next = 0, step = 0
        for cycle in 1...3 {
            let target = acked.withLock { $0.paid.count } + Int.random(in: 3...8)
            let start = next
            // The loops stop on this flag, or when the killed server stops answering: cancelling a
            // task whose URLSession request is failing can deadlock swift-corelibs-foundation.
            let stopped = Locked(false)
            let worker = Task { [server] in
                var i = start
                while !stopped.withLock({ $0 }) {
                    i += 1
                    do {
                        guard try await server.request("POST", "/v1/cart/lines", #"{"sku":"DAIRY-001","qty":1}"#, headers: ana).0 == 200,
                              try await server.request("PUT", "/v1/cart/fulfilment", #"{"kind":"pickup","store_id":1}"#, headers: ana).0 == 200 else { continue }
                        let (status, order) = try await server.request("POST", "/v1/orders", headers: ana.merging(["Idempotency-Key": "crash-\(i)"]) { a, _ in a })
                        guard status == 201 || status == 200, let id = order["id"] as? Int, let rid = order["reservation_id"] as? String else { continue }
                        acked.withLock { $0.orders[id] = rid }
                        let (_, payment) = try await server.request("POST", "/v1/orders/\(id)/payments", #"{"provider":"wechat"}"#, headers: ana)
                        guard let p = payment["payload"] as? [String: Any], let url = p["url"] as? String, let fields = p["fields"] as? [String: String] else { continue }
                        let note = try provider.pay(PaymentPayload(kind: .qrCode, url: url, fields: fields), provider: .wechat).notification
                        let (ack, _) = try await server.request("POST", "/v1/payments/wechat/notify", String(decoding: note.body, as: UTF8.self),
                                                                headers: ["Content-Type": note.contentType])
                        if ack == 200 { acked.withLock { _ = $0.paid.insert(id) } }
                    } catch {
                        return  // the server is gone
                    }
                }
            }
            let firstStep = step
            let rides = Task { [server] in
                var k = firstStep
                while !stopped.withLock({ $0 }) {
                    k += 1
                    do {
                        let (status, answer) = try await server.request("PUT", "/v1/riders/\(riderID)/location", #"{"lat":\#(Self.latitude(k)),"lon":-8.61}"#)
                        if status == 200, answer["applied"] as? Bool == true { acked.withLock { $0.positions.append((k, .now)) } }
                        try await Task.sleep(for: .milliseconds(20))
                    } catch {
                        return
                    }
                }
            }
            // Until enough payments have been acknowledged, and a position this cycle over two flush intervals and the margin ago.
            func ridden() -> Bool {
                acked.withLock { a in a.positions.first { $0.step > firstStep }.map { ContinuousClock.now - $0.at > .seconds(2 * Self.flush + 1) } ?? false }
            }
            for _ in 0..<2_400 where acked.withLock({ $0.paid.count }) < target || !ridden() { try await Task.sleep(for: .milliseconds(25)) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
            let killed = ContinuousClock.now
            await server.stop(signal: SIGKILL)
            stopped.withLock { $0 = true }
            _ = await worker.result
            _ = await rides.result
            step = (acked.withLock { $0.positions.last?.step } ?? step) + 1_000
            next = start + 10_000
            #expect(server.process.terminationReason == .uncaughtSignal, "cycle \(cycle)")

            let restarted = try Server(db: db, extra: options)
            try await restarted.waitUntilListening()
            restarted.token = server.token
            server = restarted
            let a = acked.withLock { $0 }
            #expect(a.paid.count >= target, "cycle \(cycle): callbacks were arriving (\(a.paid.count) paid)")
            for (id, rid) in a.orders.sorted(by: { $0.key < $1.key }) {
                let (status, order) = try await server.request("GET", "/v1/orders/\(id)", headers: ana)
                #expect(status == 200, "cycle \(cycle): acknowledged order \(id) is there")
                let hold = try await server.request("GET", "/v1/reservations/\(rid)").1["status"] as? String
                if a.paid.contains(id) {
                    #expect(order["status"] as? String == "paid", "cycle \(cycle): order \(id) was paid")
                    #expect(hold == "confirmed", "cycle \(cycle): a paid order's hold is a sale")
                    let ledger = try await server.request("GET", "/v1/orders/\(id)/payments", headers: ana).1["payments"] as? [[String: Any]]
                    #expect(ledger?.map { $0["status"] as? String } == ["paid"], "cycle \(cycle): order \(id)'s payment")
                } else {
                    // Not acknowledged: paid whole (its answer lost) or not at all. A crash between paying the
                    // order and confirming its hold is mended by the settling sweep, which runs at start.
                    var (s, hold) = (order["status"] as? String, hold)
                    // (Status and hold are read one after the other, so the sweep may move them in between: read again.)
                    func whole() -> Bool { (s == "paid" && hold == "confirmed") || (s == "awaiting_payment" && hold == "held") }
                    for _ in 0..<100 where !whole() {
                        try await Task.sleep(for: .milliseconds(100))
                        s = try await server.request("GET", "/v1/orders/\(id)", headers: ana).1["status"] as? String
                        hold = try await server.request("GET", "/v1/reservations/\(rid)").1["status"] as? String
                    }
                    #expect((s == "paid" && hold == "confirmed") || (s == "awaiting_payment" && hold == "held"), "cycle \(cycle): order \(id) is \(s ?? "?") with its hold \(hold ?? "?")")
                }
            }
            #expect(try await server.request("GET", "/v1/ops/stock-check").1["consistent"] as? Bool == true, "cycle \(cycle)")
            // The rider: a position it sent, no older than the last acknowledged a flush (and a margin) before the kill.
            let position = try await server.request("GET", "/v1/riders/\(riderID)").1["position"] as? [String: Any]
            let restored = Int((((position?["lat"] as? Double) ?? 0) - Self.latitude(0)) / 1e-5 + 0.5)
            let sent = a.positions.filter { $0.at <= killed }
            let durable = sent.filter { $0.at < killed - .seconds(Self.flush + 1) }.last?.step ?? 0
            #expect(durable > firstStep, "cycle \(cycle): positions were acknowledged long enough before the kill to be flushed")
            #expect(restored == 0 || a.positions.contains { $0.step == restored }, "cycle \(cycle): position step \(restored) was sent")
            #expect(restored >= durable, "cycle \(cycle): step \(restored) restored, but \(durable) was acknowledged over \(Self.flush + 1) s before the kill")
            let lost = sent.filter { $0.step > restored }
            print("crash cycle \(cycle): \(a.orders.count) orders and \(a.paid.count) payments acknowledged so far, all there after SIGKILL;",
                  "rider positions: \(sent.count) acknowledged, step \(restored) restored, the last \(lost.count) not yet flushed (the oldest of them sent \(lost.first.map { "\(killed - $0.at)" } ?? "-") before the kill)")
        }
        await server.stop()
    }
}
