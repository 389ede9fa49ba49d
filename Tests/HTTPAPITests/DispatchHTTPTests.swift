import Dispatching
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Stores
import Testing

@Suite("Riders, deliveries and dispatch rounds over HTTP")
struct DispatchHTTPTests {
    static func app() async throws -> (some ApplicationProtocol, StoreService, DispatchService, TestClock) {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let clock = TestClock()
        let dispatch = DemoFixture.dispatch(db, now: { clock.now })
        return (Application(router: try await testRouter(db, service, dispatch: dispatch, heartbeat: .milliseconds(50)),
                            configuration: .init(address: .hostname("127.0.0.1", port: 0))), service, dispatch, clock)
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("register, move, find nearby; create, dispatch, accept, pick up, deliver; track with ETA")
    func endToEnd() async throws {
        let (app, service, _, clock) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        let near = store.location.destination(distance: 300, bearing: 45)
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let iso = ISO8601DateFormatter()
            let made = try await client.execute(uri: "/v1/riders", method: .post, headers: admin, body: Self.json(
                #"{"name":"Ana","vehicle":"e-bike","capacity":2,"lat":\#(near.latitude),"lon":\#(near.longitude)}"#))
            #expect(made.status == .created)
            let rider = try #require(made.json["id"]?.numberValue.map(Int.init))
            #expect(made.json["status"] == .string("idle"))

            let moved = try await client.execute(uri: "/v1/riders/\(rider)/location", method: .put, headers: admin, body: Self.json(
                #"{"lat":\#(near.latitude + 0.001),"lon":\#(near.longitude),"at":"\#(iso.string(from: clock.now))"}"#))
            #expect(moved.json["applied"] == .bool(true))
            let stale = try await client.execute(uri: "/v1/riders/\(rider)/location", method: .put, headers: admin, body: Self.json(
                #"{"lat":\#(near.latitude),"lon":\#(near.longitude),"at":"\#(iso.string(from: clock.now.addingTimeInterval(-30)))"}"#))
            #expect(stale.status == .ok && stale.json["applied"] == .bool(false))
            #expect(stale.json["position"]?["lat"]?.numberValue == near.latitude + 0.001)

            let nearby = try await client.execute(uri: "/v1/riders/nearby?lat=\(store.location.latitude)&lon=\(store.location.longitude)&status=idle", method: .get, headers: admin)
            #expect(nearby.json["riders"]?.arrayValue?.first?["id"]?.numberValue == Double(rider))

            let promised = iso.string(from: clock.now.addingTimeInterval(3600))
            let drop = store.location.destination(distance: 1500, bearing: 200)
            let order = #"{"store_id":\#(store.id),"drop":{"lat":\#(drop.latitude),"lon":\#(drop.longitude)},"promised_at":"\#(promised)","external_ref":"order-7"}"#
            let created = try await client.execute(uri: "/v1/deliveries", method: .post, headers: admin, body: Self.json(order))
            #expect(created.status == .created && created.json["status"] == .string("pending"))
            let delivery = try #require(created.json["id"]?.numberValue.map(Int.init))
            let retried = try await client.execute(uri: "/v1/deliveries", method: .post, headers: admin, body: Self.json(order))
            #expect(retried.status == .ok && retried.json["id"]?.numberValue == Double(delivery))

            let round = try await client.execute(uri: "/v1/dispatch/rounds", method: .post, headers: admin)
            #expect(round.status == .ok)
            #expect(round.json["assigned"] == .number(1) && round.json["assignments"]?.arrayValue?.first?["rider_id"]?.numberValue == Double(rider))
            #expect(round.json["solve_ms"]?.numberValue != nil)

            let accepted = try await client.execute(uri: "/v1/deliveries/\(delivery)/accept", method: .post, headers: admin, body: Self.json(#"{"rider_id":\#(rider)}"#))
            #expect(accepted.json["status"] == .string("accepted"))
            let tracking = try await client.execute(uri: "/v1/deliveries/\(delivery)", method: .get, headers: admin)
            #expect(tracking.json["rider"]?["id"]?.numberValue == Double(rider))
            #expect(tracking.json["pickup_eta"]?.stringValue != nil && tracking.json["drop_eta"]?.stringValue != nil)
            for action in ["pickup", "deliver"] {
                let r = try await client.execute(uri: "/v1/deliveries/\(delivery)/\(action)", method: .post, headers: admin)
                #expect(r.status == .ok, "\(action): \(r.json)")
            }
            let done = try await client.execute(uri: "/v1/deliveries/\(delivery)", method: .get, headers: admin)
            #expect(done.json["timeline"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["pending", "assigned", "accepted", "picked_up", "delivered"])
            let list = try await client.execute(uri: "/v1/deliveries?status=delivered", method: .get, headers: admin)
            #expect(list.json["deliveries"]?.arrayValue?.count == 1)
            let rounds = try await client.execute(uri: "/v1/dispatch/rounds?limit=5", method: .get, headers: admin)
            #expect(rounds.json["rounds"]?.arrayValue?.first?["assigned"] == .number(1))
        }
    }

    @Test("bad input: unknown rider or delivery, positions out of range, unknown store, invalid transitions — problems naming the field")
    func badInput() async throws {
        let (app, service, _, clock) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        let promised = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(3600))
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let cases: [(String, HTTPRequest.Method, String?, HTTPResponse.Status, String?)] = [
                ("/v1/riders/99", .get, nil, .notFound, "id"),
                ("/v1/riders/abc", .get, nil, .badRequest, "id"),
                ("/v1/riders/99/location", .put, #"{"lat":41,"lon":-8}"#, .notFound, "id"),
                ("/v1/riders", .post, #"{"name":"X","vehicle":"rocket"}"#, .badRequest, "vehicle"),
                ("/v1/riders", .post, #"{"name":"X","vehicle":"walk","capacity":0}"#, .badRequest, "capacity"),
                ("/v1/riders", .post, #"{"name":"X","vehicle":"walk","lat":91,"lon":0}"#, .badRequest, "lat"),
                ("/v1/riders", .post, #"{"name":"X","vehicle":"walk","shift_start":"2026-01-05T10:00:00Z","shift_end":"2026-01-05T09:00:00Z"}"#, .badRequest, "shift_end"),
                ("/v1/riders/nearby?lat=41&lon=-8&status=sleeping", .get, nil, .badRequest, "status"),
                ("/v1/deliveries", .post, #"{"store_id":999999,"drop":{"lat":41.15,"lon":-8.6},"promised_at":"\#(promised)"}"#, .unprocessableContent, "store_id"),
                ("/v1/deliveries", .post, #"{"store_id":\#(store.id),"drop":{"lat":41.15,"lon":-200},"promised_at":"\#(promised)"}"#, .badRequest, "drop.lon"),
                ("/v1/deliveries", .post, #"{"store_id":\#(store.id),"drop":{"lat":41.15,"lon":-8.6},"promised_at":"yesterday"}"#, .badRequest, "promised_at"),
                ("/v1/deliveries", .post, #"{"store_id":\#(store.id),"drop":{"lat":41.15,"lon":-8.6},"promised_at":"2020-01-01T00:00:00Z"}"#, .badRequest, "promised_at"),
                ("/v1/deliveries/77", .get, nil, .notFound, "id"),
                ("/v1/deliveries/77/accept", .post, #"{"rider_id":1}"#, .notFound, "id"),
                ("/v1/deliveries?status=lost", .get, nil, .badRequest, "status"),
                ("/v1/dispatch/rounds", .post, #"{"strategy":"fastest"}"#, .badRequest, "strategy"),
                ("/v1/dispatch/rounds", .post, #"{"radius_m":-5}"#, .badRequest, "radius_m"),
            ]
            for (uri, method, text, status, field) in cases {
                let r = try await client.execute(uri: uri, method: method, headers: admin, body: text.map(Self.json))
                #expect(r.status == status, "\(method) \(uri): \(r.status) \(r.json)")
                #expect(r.contentType == "application/problem+json", "\(uri)")
                #expect(r.json["field"]?.stringValue == field, "\(uri): \(r.json)")
            }
            // Invalid transitions are 409 problems, and nothing changes.
            let created = try await client.execute(uri: "/v1/deliveries", method: .post, headers: admin, body: Self.json(
                #"{"store_id":\#(store.id),"drop":{"lat":41.155,"lon":-8.62},"promised_at":"\#(promised)"}"#))
            let id = try #require(created.json["id"]?.numberValue.map(Int.init))
            for action in ["pickup", "deliver"] {
                let r = try await client.execute(uri: "/v1/deliveries/\(id)/\(action)", method: .post, headers: admin)
                #expect(r.status == .conflict && r.json["field"] == .string("status"))
            }
            let noRider = try await client.execute(uri: "/v1/deliveries/\(id)/assign", method: .post, headers: admin, body: Self.json(#"{"rider_id":5}"#))
            #expect(noRider.status == .unprocessableContent && noRider.json["field"] == .string("rider_id"))
            let noReason = try await client.execute(uri: "/v1/deliveries/\(id)/fail", method: .post, headers: admin)
            #expect(noReason.status == .badRequest && noReason.json["field"] == .string("reason"))
            let after = try await client.execute(uri: "/v1/deliveries/\(id)", method: .get, headers: admin)
            #expect(after.json["delivery"]?["status"] == .string("pending"))
            #expect(after.json["timeline"]?.arrayValue?.count == 1)
        }
    }

    @Test("tracking as Server-Sent Events on a real loopback server: the timeline, rider positions, and the end")
    func trackingStream() async throws {
        let (app, service, dispatch, clock) = try await Self.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        let rider = try await dispatch.register(RiderDraft(name: "Ana", vehicle: .bicycle, capacity: 1, shiftStart: clock.now.addingTimeInterval(-60),
                                                           shiftEnd: clock.now.addingTimeInterval(3600), position: store.location))
        let (d, _) = try await dispatch.create(DeliveryDraft(storeID: store.id.rawValue, pickup: store.location,
                                                             drop: store.location.destination(distance: 900, bearing: 0), readyAt: clock.now,
                                                             promisedBy: clock.now.addingTimeInterval(1800)))
        _ = try await dispatch.assign(d.id, to: rider.id)
        try await app.test(.live) { client in
            let admin = try await adminAuth(client)
            async let streamed = client.execute(uri: "/v1/deliveries/\(d.id)/events", method: .get, headers: admin)
            for _ in 0..<1_000 where dispatch.tracking.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(dispatch.tracking.subscriberCount == 1)
            _ = try await dispatch.accept(d.id, by: rider.id)
            clock.advance(10)
            try dispatch.updateLocation(rider.id, to: store.location.destination(distance: 100, bearing: 0))
            _ = try await dispatch.pickUp(d.id, by: rider.id)
            // Time for the interval's heartbeats too (every 50 ms; the first goes out at once; the
            // merger's own test checks them without a server). Longer would risk the test client's
            // 20 s limit on a loaded machine.
            try await Task.sleep(for: .seconds(1))
            _ = try await dispatch.deliver(d.id, by: rider.id)
            let response = try await streamed
            #expect(response.contentType == "text/event-stream")
            let text = String(buffer: response.body)
            let events = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            // Each status once, in order, and the one position; the position may come before or
            // after the pick-up's status: a stream that reads its timeline after the pick-up sends
            // that status from the timeline, ahead of the live position.
            let statuses = text.split(separator: "\n").filter { $0.hasPrefix("data: ") && $0.contains(#""status":""#) }
                .compactMap { line in ["pending", "assigned", "accepted", "picked_up", "delivered"].first { line.contains(#""status":"\#($0)""#) } }
            #expect(statuses == ["pending", "assigned", "accepted", "picked_up", "delivered"], "\(text)")
            #expect(events.count == 6 && events.filter { $0 == "position" }.count == 1 && events.last == "status", "\(text)")
            #expect(events.prefix(3) == ["status", "status", "status"], "the position follows the acceptance: \(text)")
            #expect(text.contains(#""status":"delivered""#))
            #expect(text.contains(": keep-alive"))
        }
    }
}
