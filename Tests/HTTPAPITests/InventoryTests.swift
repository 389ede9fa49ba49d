import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import NIOCore
import O2OTestSupport
import Stores
import Testing

@Suite("Availability, reservations, till batches and stock events over HTTP")
struct InventoryTests {
    /// The demo city with a clock the test moves.
    static func app() async throws -> (some ApplicationProtocol, StoreService, TestClock) {
        let (db, demo, _) = try await DemoFixture.demoDatabase()
        let clock = TestClock()
        let service = StoreService(repository: demo.repository, finder: demo.finder, now: { clock.now })
        return (Application(router: try await testRouter(db, service, dispatch: DemoFixture.dispatch(db, now: { clock.now }), heartbeat: .milliseconds(50)),
                            configuration: .init(address: .hostname("127.0.0.1", port: 0))), service, clock)
    }

    @Test("a basket: the stores with all of it, else the best split, as the finder answers")
    func availability() async throws {
        let (app, service, _) = try await Self.app()
        let all = try await service.repository.allSKUs().map(\.code.rawValue)
        try await app.test(.router) { client in
            let two = #"{"lat":41.1496,"lon":-8.6109,"items":[{"sku":"DAIRY-001","qty":2},{"sku":"BAKERY-001"}],"limit":3}"#
            let r = try await client.execute(uri: "/v1/availability", method: .post, body: body(two))
            #expect(r.status == .ok)
            let direct = try service.finder.basket(BasketQuery(point: Coordinate(latitude: 41.1496, longitude: -8.6109),
                                                               items: [.init(sku: "DAIRY-001", quantity: 2), .init(sku: "BAKERY-001", quantity: 1)],
                                                               limit: 3), now: service.now())
            #expect(r.json["stores"]?.arrayValue?.map { $0["store"]?["id"] } == direct.stores.map { .number(Double($0.store.id.rawValue)) })
            #expect(!direct.stores.isEmpty, "the demo has full-basket stores here")
            #expect(r.json["split"] == nil, "no split when a store has the whole basket")

            // Twenty items: nobody has them all, so the answer is a split and says how it was found.
            let items = all.prefix(20).map { #"{"sku":"\#($0)","qty":3}"# }.joined(separator: ",")
            let big = try await client.execute(uri: "/v1/availability", method: .post,
                                               body: body(#"{"lat":41.1496,"lon":-8.6109,"items":[\#(items)],"max_stores":5}"#))
            #expect(big.status == .ok)
            let split = big.json["split"]
            #expect(big.json["count"] == .number(0))
            #expect(split?["method"]?.stringValue != nil, "\(big.json)")
            let parts = split?["parts"]?.arrayValue ?? []
            let assigned = parts.flatMap { $0["items"]?.arrayValue ?? [] }.count
            #expect(assigned + (big.json["unavailable"]?.arrayValue?.count ?? 0) == 20)
            #expect(parts.count <= 5 && !parts.isEmpty)

            let pickup = try await client.execute(uri: "/v1/availability", method: .post, body: body(
                #"{"lat":41.1496,"lon":-8.6109,"items":[{"sku":"DAIRY-001"}],"fulfilment":"pickup","radius_m":800,"sort":"fee"}"#))
            #expect(pickup.status == .ok)
            for row in pickup.json["stores"]?.arrayValue ?? [] {
                #expect((row["distance_m"]?.numberValue ?? .infinity) <= 800)
                #expect(row["fee_minor"] == .number(0))
            }
        }
    }

    @Test("hold, confirm, release and expire over HTTP, with 409 and 410 problems")
    func reservations() async throws {
        let (app, service, clock) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 300).first { service.finder.available("DAIRY-001", at: $0.id) ?? 0 >= 3 })
        let available = service.finder.available("DAIRY-001", at: store.id)!
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let create = #"{"store_id":\#(store.id),"items":[{"sku":"DAIRY-001","qty":2}],"ttl_s":60}"#
            let held = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin, body: body(create))
            #expect(held.status == .created)
            #expect(held.json["status"] == .string("held"))
            let id = try #require(held.json["id"]?.stringValue)
            #expect(service.finder.available("DAIRY-001", at: store.id) == available - 2)

            let shown = try await client.execute(uri: "/v1/reservations/\(id)", method: .get, headers: admin)
            #expect(shown.json["items"] == .array([.object(["sku": .string("DAIRY-001"), "qty": .number(2)])]))

            let confirmed = try await client.execute(uri: "/v1/reservations/\(id)/confirm", method: .post, headers: admin)
            #expect(confirmed.status == .ok && confirmed.json["status"] == .string("confirmed"))
            let again = try await client.execute(uri: "/v1/reservations/\(id)/confirm", method: .post, headers: admin)
            #expect(again.status == .ok, "confirming twice is harmless")
            let release = try await client.execute(uri: "/v1/reservations/\(id)", method: .delete, headers: admin)
            #expect(release.status == .conflict && release.contentType == "application/problem+json")

            // More than there is: 409 naming each short item.
            let greedy = #"{"store_id":\#(store.id),"items":[{"sku":"DAIRY-001","qty":\#(available)}]}"#
            let short = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin, body: body(greedy))
            #expect(short.status == .conflict)
            #expect(short.json["field"] == .string("items[0].qty"))
            #expect(short.json["errors"]?.arrayValue?.count == 1)

            // Checkout retries with its key: one hold, the same reservation back, 200 the second time.
            let keyed = #"{"store_id":\#(store.id),"items":[{"sku":"DAIRY-001","qty":1}],"ttl_s":60}"#
            let key: HTTPFields = [.init("Idempotency-Key")!: "checkout-1"]
            let firstTry = try await client.execute(uri: "/v1/reservations", method: .post, headers: key.with(admin), body: body(keyed))
            let retry = try await client.execute(uri: "/v1/reservations", method: .post, headers: key.with(admin), body: body(keyed))
            #expect(firstTry.status == .created && retry.status == .ok)
            #expect(retry.json["id"] == firstTry.json["id"] && retry.json["idempotency_key"] == .string("checkout-1"))
            #expect(service.finder.available("DAIRY-001", at: store.id) == available - 3, "held once")
            let other = try await client.execute(uri: "/v1/reservations", method: .post, headers: key.with(admin),
                                                 body: body(#"{"store_id":\#(store.id),"items":[{"sku":"DAIRY-001","qty":2}]}"#))
            #expect(other.status == .conflict && other.json["field"] == .string("idempotency_key"))
            _ = try await client.execute(uri: "/v1/reservations/\(firstTry.json["id"]!.stringValue!)", method: .delete, headers: admin)

            let brief = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin,
                                                 body: body(#"{"store_id":\#(store.id),"items":[{"sku":"DAIRY-001","qty":1}],"ttl_s":5}"#))
            let briefID = try #require(brief.json["id"]?.stringValue)
            clock.advance(6)
            let late = try await client.execute(uri: "/v1/reservations/\(briefID)/confirm", method: .post, headers: admin)
            #expect(late.status == .gone)
            #expect(late.json["type"] == .string("urn:o2o:problem:gone"))
            let lateRelease = try await client.execute(uri: "/v1/reservations/\(briefID)", method: .delete, headers: admin)
            #expect(lateRelease.status == .ok && lateRelease.json["status"] == .string("expired"))
            #expect(service.finder.available("DAIRY-001", at: store.id) == available - 2)
        }
    }

    @Test("till batches as JSON and CSV: replays acknowledged, stale refused, bad lines reported by line")
    func batches() async throws {
        let (app, service, _) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        let before = service.finder.available("DAIRY-001", at: store.id) ?? 0
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let delta = #"{"kind":"delta","items":[{"sku":"DAIRY-001","qty":5,"low_threshold":2}]}"#
            let first = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches", method: .post, headers: admin.with([.init("Idempotency-Key")!: "till-1-0001"]),
                                                  body: body(delta))
            #expect(first.status == .created && first.json["outcome"] == .string("applied"))
            let replay = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches", method: .post, headers: admin.with([.init("Idempotency-Key")!: "till-1-0001"]),
                                                   body: body(delta))
            #expect(replay.status == .ok && replay.json["outcome"] == .string("replayed"))
            #expect(service.finder.available("DAIRY-001", at: store.id) == before + 5)

            let csvHeaders: HTTPFields = [.contentType: "text/csv"]
            let csv = "sku,qty\nDAIRY-001,1\nNOPE,2\nBAKERY-001,x\n"
            let refused = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches?kind=delta&sequence=10", method: .post, headers: admin.with(csvHeaders),
                                                    body: body(csv))
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == ["line 3", "line 4"])
            #expect(service.finder.available("DAIRY-001", at: store.id) == before + 5, "nothing applied")
            let partial = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches?kind=delta&sequence=10&partial=true",
                                                   method: .post, headers: admin.with(csvHeaders), body: body(csv))
            #expect(partial.status == .created)
            #expect(partial.json["refused"]?.arrayValue?.count == 2)
            #expect(service.finder.available("DAIRY-001", at: store.id) == before + 6)
            let stale = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches?kind=delta&sequence=9", method: .post, headers: admin.with(csvHeaders),
                                                  body: body("sku,qty\nDAIRY-001,1\n"))
            #expect(stale.status == .conflict && stale.json["field"] == .string("sequence"))

            // The feed: the threshold of 2 and a sale of everything gives an out-of-stock event.
            let sale = #"{"kind":"delta","sequence":11,"items":[{"sku":"DAIRY-001","qty":-1000}]}"#
            let sold = try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches", method: .post, headers: admin, body: body(sale))
            #expect(sold.json["warnings"]?.arrayValue?.count == 1)
            let feed = try await client.execute(uri: "/v1/stores/\(store.id)/stock/events", method: .get, headers: admin)
            let last = feed.json["events"]?.arrayValue?.last
            #expect(last?["kind"] == .string("out_of_stock") && last?["sku"] == .string("DAIRY-001") && last?["threshold"] == .number(2))
            let global = try await client.execute(uri: "/v1/stock/events?store_id=\(store.id)", method: .get, headers: admin)
            #expect(global.json["events"] == feed.json["events"])

            let check = try await client.execute(uri: "/v1/ops/stock-check", method: .get, headers: admin)
            #expect(check.json["consistent"] == .bool(true), "\(check.json)")
        }
    }

    @Test("a CSV batch's store column says its key: a bare column is refused, a line naming another store is refused, never guessed")
    func csvStoreKey() async throws {
        let (app, service, _) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        let before = service.finder.available("DAIRY-001", at: store.id) ?? 0
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let csv: HTTPFields = [.contentType: "text/csv"]
            func post(_ query: String, _ text: String) async throws -> TestResponse {
                try await client.execute(uri: "/v1/stores/\(store.id)/stock/batches?kind=delta&\(query)", method: .post,
                                         headers: admin.with(csv), body: body(text))
            }
            let bare = "store,sku,qty\n\(store.id),DAIRY-001,1\n"
            let unsaid = try await post("sequence=20", bare)
            #expect(unsaid.status == .badRequest && unsaid.json["field"] == .string("store_key"), "\(unsaid.json)")
            let badKey = try await post("sequence=20&store_key=maybe", bare)
            #expect(badKey.status == .badRequest && badKey.json["field"] == .string("store_key"))
            // The store's id read as an external reference names no store: refused by line, nothing written.
            let asRef = try await post("sequence=20&store_key=ref", bare)
            #expect(asRef.status == .unprocessableContent)
            #expect(asRef.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } == ["line 2"])
            let contradicts = try await post("sequence=20&store_key=id", "store_ref,sku,qty\n\(store.externalRef),DAIRY-001,1\n")
            #expect(contradicts.status == .badRequest && contradicts.json["field"] == .string("store_key"))
            #expect(service.finder.available("DAIRY-001", at: store.id) == before)

            let asID = try await post("sequence=20&store_key=id", bare)
            #expect(asID.status == .created, "\(asID.json)")
            let named = try await post("sequence=21", "store_ref,sku,qty\n\(store.externalRef),DAIRY-001,2\n")
            #expect(named.status == .created, "\(named.json)")
            #expect(service.finder.available("DAIRY-001", at: store.id) == before + 3)
        }
    }

    @Test("Server-Sent Events on a real loopback server: the backlog, then live events, until shutdown")
    func serverSentEvents() async throws {
        let (app, service, _) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 300).first { service.finder.available("DAIRY-001", at: $0.id) ?? 0 > 5 })
        // One event before anyone listens: it arrives from the backlog.
        _ = try await service.writeStock(of: store.id, [("DAIRY-001", 0)], mode: .set)
        try await app.test(.live) { client in
            let admin = try await adminAuth(client)
            async let streamed = client.execute(uri: "/v1/stores/\(store.id)/stock/events/stream", method: .get, headers: admin)
            for _ in 0..<1_000 where service.events.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(service.events.subscriberCount == 1)
            _ = try await service.writeStock(of: store.id, [("DAIRY-001", 50)], mode: .set)
            _ = try await service.writeStock(of: store.id, [("DAIRY-001", 1)], mode: .set)
            // Time for the interval's heartbeats too (every 50 ms; the first goes out at once; the
            // merger's own test checks them without a server). Longer would risk the test client's
            // 20 s limit on a loaded machine.
            try await Task.sleep(for: .seconds(1))
            service.events.finish()
            let response = try await streamed
            #expect(response.status == .ok)
            #expect(response.contentType == "text/event-stream")
            let text = String(buffer: response.body)
            let kinds = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(kinds == ["out_of_stock", "restocked", "low_stock"], "\(text)")
            #expect(text.contains(": keep-alive"), "idle streams send heartbeats")
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        }
    }
}
