import Dispatching
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Stores
import Testing

@Suite("The dispatcher's board: riders, the day's figures, and every change live")
struct DispatchBoardTests {
    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// Server-Sent Events as (event, data) pairs.
    static func events(_ text: String) -> [(name: String, data: JSONValue)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var name: String?, data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let name, let data, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) else { return nil }
            return (name, value)
        }
    }

    @Test("riders listed by id with status and pages; bad filters are problems naming the field")
    func riders() async throws {
        let (app, service, dispatch, clock) = try await DispatchHTTPTests.app()
        let store = try #require(service.finder.stores(after: nil, limit: 1).first)
        for i in 0..<3 {
            _ = try await dispatch.register(RiderDraft(name: "R\(i)", vehicle: .bicycle, capacity: 2, shiftStart: clock.now.addingTimeInterval(-60),
                                                       shiftEnd: clock.now.addingTimeInterval(3600), online: i != 2,
                                                       position: store.location.destination(distance: 100 * Double(i + 1), bearing: 90)))
        }
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let all = try await client.execute(uri: "/v1/riders", method: .get, headers: admin)
            #expect(all.status == .ok)
            #expect(all.json["riders"]?.arrayValue?.compactMap { $0["id"]?.numberValue } == [1, 2, 3])
            #expect(all.json["next_cursor"] == nil)
            let offline = try await client.execute(uri: "/v1/riders?status=offline", method: .get, headers: admin)
            #expect(offline.json["riders"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["R2"])
            let first = try await client.execute(uri: "/v1/riders?limit=2", method: .get, headers: admin)
            #expect(first.json["riders"]?.arrayValue?.count == 2 && first.json["next_cursor"] == .string("2"))
            let rest = try await client.execute(uri: "/v1/riders?limit=2&cursor=2", method: .get, headers: admin)
            #expect(rest.json["riders"]?.arrayValue?.compactMap { $0["id"]?.numberValue } == [3] && rest.json["next_cursor"] == nil)
            for (uri, field) in [("/v1/riders?status=lost", "status"), ("/v1/riders?limit=0", "limit"), ("/v1/riders?cursor=x", "cursor"),
                                 ("/v1/dispatch/kpis?time_zone=Mars/Olympus", "time_zone"), ("/v1/dispatch/kpis?date=2026-02-30", "date"),
                                 ("/v1/dispatch/kpis?date=yesterday", "date"), ("/v1/dispatch/kpis?date=2026-1-5", "date")] {
                let r = try await client.execute(uri: uri, method: .get, headers: admin)
                #expect(r.status == .badRequest, "\(uri): \(r.status)")
                #expect(r.contentType == "application/problem+json" && r.json["field"]?.stringValue == field, "\(uri): \(r.json)")
            }
        }
    }

    @Test("on a real loopback server: a snapshot, then positions, deliveries, routes and rounds as they happen; the day's figures agree")
    func liveBoardAndFigures() async throws {
        let (app, service, dispatch, clock) = try await DispatchHTTPTests.app()
        let stores = service.finder.stores(after: nil, limit: 2)
        let riders = try await (0..<2).asyncMap { i in
            try await dispatch.register(RiderDraft(name: "R\(i)", vehicle: .bicycle, capacity: 2, shiftStart: clock.now.addingTimeInterval(-60),
                                                   shiftEnd: clock.now.addingTimeInterval(3600),
                                                   position: stores[i].location.destination(distance: 150, bearing: 45)))
        }
        try await app.test(.live) { client in
            let admin = try await adminAuth(client)
            // One delivery before the stream opens (in the snapshot), two after (live).
            let early = try await dispatch.create(DeliveryDraft(storeID: stores[0].id.rawValue, pickup: stores[0].location,
                                                                 drop: stores[0].location.destination(distance: 700, bearing: 0), readyAt: clock.now,
                                                                 promisedBy: clock.now.addingTimeInterval(1800))).delivery
            async let streamed = client.execute(uri: "/v1/dispatch/events", method: .get, headers: admin)
            for _ in 0..<1_000 where dispatch.board.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(dispatch.board.subscriberCount == 1)
            let late = try await dispatch.create(DeliveryDraft(storeID: stores[1].id.rawValue, pickup: stores[1].location,
                                                                drop: stores[1].location.destination(distance: 600, bearing: 180), readyAt: clock.now,
                                                                promisedBy: clock.now.addingTimeInterval(1800))).delivery
            try dispatch.updateLocation(riders[0].id, to: stores[0].location.destination(distance: 50, bearing: 0))
            let round = try await dispatch.runRound()
            #expect(round.plan.assignments.count == 2)
            _ = try await dispatch.accept(early.id, by: try #require(round.plan.assignments.first { $0.delivery == early.id }?.rider))
            clock.advance(600)
            _ = try await dispatch.pickUp(early.id, by: nil)
            _ = try await dispatch.deliver(early.id, by: nil)
            _ = try await dispatch.cancel(late.id, reason: "customer changed their mind")
            try await Task.sleep(for: .milliseconds(200))
            dispatch.board.finish()
            let response = try await streamed
            #expect(response.contentType == "text/event-stream")
            let events = Self.events(String(buffer: response.body))
            let names = events.map(\.name)
            #expect(names.first == "snapshot")
            let snapshot = events[0].data
            #expect(snapshot["riders"]?.arrayValue?.count == 2)
            #expect(snapshot["deliveries"]?.arrayValue?.compactMap { $0["id"]?.numberValue } == [Double(early.id.rawValue)])
            // The live part, in order: the new delivery, the position, the round's routes and offers then its report, the steps.
            #expect(names.contains("position") && names.contains("round"), "\(names)")
            let position = try #require(events.first { $0.name == "position" }?.data)
            #expect(position["rider_id"] == .number(Double(riders[0].id.rawValue)))
            let statuses = events.filter { $0.name == "delivery" && $0.data["id"] == .number(Double(early.id.rawValue)) }.compactMap { $0.data["status"]?.stringValue }
            #expect(statuses == ["assigned", "accepted", "picked_up", "delivered"], "\(statuses)")
            let lateStatuses = events.filter { $0.name == "delivery" && $0.data["id"] == .number(Double(late.id.rawValue)) }.compactMap { $0.data["status"]?.stringValue }
            #expect(lateStatuses == ["pending", "assigned", "cancelled"], "\(lateStatuses)")
            let routed = events.filter { $0.name == "rider" }.compactMap { $0.data["route"]?.arrayValue?.count }
            #expect(routed.contains { $0 > 0 }, "a rider event carries the new route")
            let reported = try #require(events.first { $0.name == "round" }?.data)
            #expect(reported["assigned"] == .number(2) && reported["assignments"]?.arrayValue?.count == 2)
            // The round event comes after the deliveries it assigned.
            let roundAt = try #require(names.firstIndex(of: "round"))
            #expect(events[..<roundAt].contains { $0.name == "delivery" && $0.data["status"] == .string("assigned") })

            // The day's figures (the clock's day, 2026-01-05, in Lisbon).
            let kpis = try await client.execute(uri: "/v1/dispatch/kpis?time_zone=Europe/Lisbon", method: .get, headers: admin)
            #expect(kpis.status == .ok, "\(kpis.json)")
            #expect(kpis.json["date"] == .string("2026-01-05"))
            let d = try #require(kpis.json["deliveries"])
            #expect(d["created"] == .number(2) && d["delivered"] == .number(1) && d["on_time"] == .number(1) && d["late"] == .number(0))
            #expect(d["cancelled"] == .number(1) && d["failed"] == .number(0) && d["on_time_percent"] == .number(100))
            #expect(d["mean_minutes"] == .number(10) && d["p90_minutes"] == .number(10))
            #expect(kpis.json["rounds"]?["count"] == .number(1) && kpis.json["rounds"]?["assigned"] == .number(2))
            #expect(kpis.json["now"]?["riders"]?["idle"] == .number(2) && kpis.json["now"]?["deliveries"]?["pending"] == .number(0))
            let before = try await client.execute(uri: "/v1/dispatch/kpis?date=2026-01-04&time_zone=Europe/Lisbon", method: .get, headers: admin)
            #expect(before.json["deliveries"]?["created"] == .number(0) && before.json["rounds"]?["count"] == .number(0))
            #expect(before.json["deliveries"]?["on_time_percent"] == nil)
            // Tokyo's 2026-01-05 began at 15:00 UTC the day before: the morning's deliveries fall in it too.
            let tokyo = try await client.execute(uri: "/v1/dispatch/kpis?date=2026-01-05&time_zone=Asia/Tokyo", method: .get, headers: admin)
            #expect(tokyo.json["from"] == .string("2026-01-04T15:00:00Z") && tokyo.json["deliveries"]?["created"] == .number(2))
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
