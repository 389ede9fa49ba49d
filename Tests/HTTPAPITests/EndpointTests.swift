import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import Kernel
import O2OTestSupport
import Testing
import Stores

@Suite("Every endpoint over HTTP")
struct EndpointTests {
    @Test("health and the OpenAPI document")
    func health() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["stores"] == .number(222))
            let doc = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(doc.json["openapi"] == .string("3.1.0"))
        }
    }

    @Test("nearby with stock, delivery and hours, as JSON and GeoJSON")
    func nearby() async throws {
        let (app, service) = try await demoApp()
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=3&sku=DAIRY-001&sku=WINE-002&qty=2&delivers=true&radius_m=3000", method: .get)
            #expect(r.status == .ok)
            let rows = r.json["results"]?.arrayValue ?? []
            #expect(rows.count == 3)
            var last = 0.0
            for row in rows {
                let d = row["distance_m"]!.numberValue!
                #expect(d >= last && d <= 3000)
                last = d
                #expect(row["delivers"] == .bool(true))
                #expect(row["zone"]?["fee_minor"]?.numberValue != nil)
                for a in row["availability"]!.arrayValue! { #expect(a["available"]!.numberValue! >= 2) }
            }
            // The same answer the engine gives.
            let direct = try service.finder.nearby(NearbyQuery(
                point: Coordinate(latitude: 41.1496, longitude: -8.6109), limit: 3, radius: 3000, mustDeliver: true,
                items: [.init(sku: "DAIRY-001", quantity: 2), .init(sku: "WINE-002", quantity: 2)]), now: Date())
            #expect(rows.map { $0["store"]!["id"]!.numberValue! } == direct.map { Double($0.store.id.rawValue) })

            let open = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=10&open_at=2026-11-25T12:00:00Z", method: .get)
            #expect(open.status == .ok)
            #expect(open.json["results"]!.arrayValue!.allSatisfy { $0["open"] == .bool(true) })
            #expect(!open.json["results"]!.arrayValue!.isEmpty)
            let closed = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=10&open_at=2026-11-25T03:00:00Z", method: .get)
            #expect(closed.json["results"]!.arrayValue!.count < open.json["results"]!.arrayValue!.count)

            let geo = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=2", method: .get,
                                               headers: [.accept: "application/geo+json"])
            #expect(geo.contentType == "application/geo+json")
            #expect(geo.json["type"] == .string("FeatureCollection"))
            let first = geo.json["features"]!.arrayValue![0]
            let coordinates = first["geometry"]!["coordinates"]!.arrayValue!
            #expect(coordinates[0].numberValue! < -8, "longitude comes first")
            let format = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=2&format=geojson", method: .get)
            #expect(format.json == geo.json)
        }
    }

    @Test("create, read, change, list, zones, stock and delete a store")
    func storeLifecycle() async throws {
        let (app, service) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let created = try await client.execute(uri: "/v1/stores", method: .post, headers: admin, body: body(storeJSON(ref: "pos:1")))
            #expect(created.status == .created)
            let id = Int(created.json["id"]!.numberValue!)
            #expect(service.finder.store(StoreID(Int64(id)))?.name == "Test store pos:1")

            let got = try await client.execute(uri: "/v1/stores/\(id)", method: .get)
            #expect(got.json["external_ref"] == .string("pos:1"))
            let feature = try await client.execute(uri: "/v1/stores/\(id)?format=geojson", method: .get)
            #expect(feature.json["type"] == .string("Feature"))

            let patched = try await client.execute(uri: "/v1/stores/\(id)", method: .patch, headers: admin, body: body(#"{"phone":"+351 1","lat":41.16,"lon":-8.60}"#))
            #expect(patched.status == .ok)
            #expect(patched.json["phone"] == .string("+351 1"))
            #expect(service.finder.store(StoreID(Int64(id)))?.location == Coordinate(latitude: 41.16, longitude: -8.60))

            // Zones: none yet, then a square around the store.
            let noZones = try await client.execute(uri: "/v1/stores/\(id)/zones", method: .get)
            #expect(noZones.json["features"]?.arrayValue?.isEmpty == true)
            let put = try await client.execute(uri: "/v1/stores/\(id)/zones", method: .put, headers: admin, body: body(zonesJSON([square(41.16, -8.60, 0.01)])))
            #expect(put.status == .ok)
            #expect(put.contentType == "application/geo+json")
            #expect(put.json["features"]!.arrayValue![0]["properties"]!["fee_minor"] == .number(199))
            let zonesHere = try await client.execute(uri: "/v1/zones?lat=41.161&lon=-8.601", method: .get)
            #expect(zonesHere.json["zones"]!.arrayValue!.contains { $0["store_id"] == .number(Double(id)) && $0["serves"] == .bool(true) })

            // Stock: set, adjust, page.
            let set = try await client.execute(uri: "/v1/stores/\(id)/stock", method: .put, headers: admin,
                                               body: body(#"{"items":[{"sku":"DAIRY-001","qty":5},{"sku":"DAIRY-002","qty":7},{"sku":"BAKERY-001","qty":1}]}"#))
            #expect(set.status == .ok)
            #expect(set.json["items"]!.arrayValue!.count == 3)
            let adjust = try await client.execute(uri: "/v1/stores/\(id)/stock", method: .patch, headers: admin, body: body(#"{"items":[{"sku":"DAIRY-001","qty":-2}]}"#))
            #expect(adjust.json["items"]!.arrayValue![0]["on_hand"] == .number(3))
            #expect(adjust.json["items"]!.arrayValue![0]["version"] == .number(2))
            let page1 = try await client.execute(uri: "/v1/stores/\(id)/stock?limit=2", method: .get)
            #expect(page1.json["items"]!.arrayValue!.map { $0["sku"]!.stringValue! } == ["BAKERY-001", "DAIRY-001"])
            let cursor = page1.json["next_cursor"]!.stringValue!
            let page2 = try await client.execute(uri: "/v1/stores/\(id)/stock?limit=2&cursor=\(cursor)", method: .get)
            #expect(page2.json["items"]!.arrayValue!.map { $0["sku"]!.stringValue! } == ["DAIRY-002"])
            #expect(page2.json["next_cursor"] == nil)

            // The finder sees the store's stock at once: it is the only store with 7 of DAIRY-002 here? It has them.
            let near = try await client.execute(uri: "/v1/stores/nearby?lat=41.1601&lon=-8.6001&limit=1&sku=DAIRY-002&qty=7&delivers=true", method: .get)
            #expect(near.json["results"]!.arrayValue!.first?["store"]?["id"] == .number(Double(id)))

            // Listing: by id pages and by map box.
            let list = try await client.execute(uri: "/v1/stores?limit=5", method: .get)
            #expect(list.json["stores"]!.arrayValue!.count == 5)
            #expect(list.json["next_cursor"] == .string("5"))
            let boxed = try await client.execute(uri: "/v1/stores?bbox=-8.601,41.159,-8.599,41.161", method: .get)
            #expect(boxed.json["stores"]!.arrayValue!.contains { $0["id"] == .number(Double(id)) })
            // Paging through a box visits every store in it once, by id.
            let box = "-8.6075,41.1490,-8.6060,41.1500"
            var seen: [Double] = [], boxCursor: String? = nil
            repeat {
                let page = try await client.execute(uri: "/v1/stores?bbox=\(box)&limit=2" + (boxCursor.map { "&cursor=\($0)" } ?? ""), method: .get)
                seen += page.json["stores"]!.arrayValue!.map { $0["id"]!.numberValue! }
                boxCursor = page.json["next_cursor"]?.stringValue
            } while boxCursor != nil
            let all = try await client.execute(uri: "/v1/stores?bbox=\(box)&limit=1000", method: .get)
            #expect(seen == all.json["stores"]!.arrayValue!.map { $0["id"]!.numberValue! })
            #expect(seen.count > 2)

            let deleted = try await client.execute(uri: "/v1/stores/\(id)", method: .delete, headers: admin)
            #expect(deleted.status == .noContent)
            #expect(try await client.execute(uri: "/v1/stores/\(id)", method: .get).status == .notFound)
            #expect(service.finder.store(StoreID(Int64(id))) == nil)
            let stock = try await service.repository.stock(of: StoreID(1), after: nil, limit: 1)
            #expect(!stock.lines.isEmpty, "other stores keep their stock")
        }
    }

    @Test("a real server on loopback answers the same")
    func liveServer() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.live) { client in
            let r = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109&limit=1", method: .get)
            #expect(r.status == .ok)
            #expect(r.json["count"] == .number(1))
            let bad = try await client.execute(uri: "/v1/stores/nearby?lat=100&lon=0", method: .get)
            #expect(bad.status == .badRequest)
            #expect(bad.contentType == "application/problem+json")
        }
    }
}

@Suite("Who may write stores, zones, stock and holds")
struct StoreWritePermissionTests {
    @Test("anonymous 401; a customer or another store's staff 403, nothing changed; the store's staff and admins allowed; stores added and removed by admins only")
    func roles() async throws {
        let (app, service) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let staff1 = try await roleAuth(client, admin: admin, email: "s1@example.com", role: "staff", stores: [1])
            let staff2 = try await roleAuth(client, admin: admin, email: "s2@example.com", role: "staff", stores: [2])
            let customer = try await roleAuth(client, admin: admin, email: "c@example.com", role: "customer")
            let zones = try await client.execute(uri: "/v1/stores/1/zones", method: .get).body
            let cases: [(String, HTTPFields, Int)] = [("anonymous", [:], 401), ("customer", customer, 403), ("other staff", staff2, 403),
                                                      ("staff", staff1, 200), ("admin", admin, 200)]
            for (n, (who, auth, expected)) in cases.enumerated() {
                let before = service.finder.available("DAIRY-001", at: StoreID(1))
                let put = try await client.execute(uri: "/v1/stores/1/stock", method: .put, headers: auth,
                                                   body: body(#"{"items":[{"sku":"DAIRY-001","qty":\#(70 + n)}]}"#))
                #expect(Int(put.status.code) == expected, "\(who) PUT stock")
                if expected != 200 {
                    #expect(put.contentType == "application/problem+json" && put.json["status"] == .number(Double(expected)))
                    #expect(service.finder.available("DAIRY-001", at: StoreID(1)) == before, "\(who): nothing changed")
                }
                let adjust = try await client.execute(uri: "/v1/stores/1/stock", method: .patch, headers: auth, body: body(#"{"items":[{"sku":"DAIRY-001","qty":1}]}"#))
                #expect(Int(adjust.status.code) == expected, "\(who) PATCH stock")
                let patch = try await client.execute(uri: "/v1/stores/1", method: .patch, headers: auth, body: body(#"{"phone":"+351 22\#(n)"}"#))
                #expect(Int(patch.status.code) == expected, "\(who) PATCH store")
                let zonesPut = try await client.execute(uri: "/v1/stores/1/zones", method: .put, headers: auth, body: zones)
                #expect(Int(zonesPut.status.code) == expected, "\(who) PUT zones")
                let batch = try await client.execute(uri: "/v1/stores/1/stock/batches", method: .post, headers: auth,
                                                     body: body(#"{"kind":"delta","idempotency_key":"perm-\#(n)","items":[{"sku":"DAIRY-001","qty":1}]}"#))
                #expect(Int(batch.status.code) == (expected == 200 ? 201 : expected), "\(who) batch")
                let hold = try await client.execute(uri: "/v1/reservations", method: .post, headers: auth,
                                                    body: body(#"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#))
                #expect(Int(hold.status.code) == (expected == 200 ? 201 : expected), "\(who) hold")
            }
            // A hold at store 1: store 2's staff may neither confirm nor release it; store 1's may.
            let hold = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin,
                                                body: body(#"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#))
            let rid = try #require(hold.json["id"]?.stringValue)
            #expect(try await client.execute(uri: "/v1/reservations/\(rid)/confirm", method: .post, headers: staff2).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/reservations/\(rid)", method: .delete).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/reservations/\(rid)", method: .delete, headers: staff1).json["status"] == .string("released"))
            // Stores are added and removed by admins.
            #expect(try await client.execute(uri: "/v1/stores", method: .post, headers: staff1, body: body(storeJSON(ref: "perm:1"))).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/stores/1", method: .delete, headers: staff1).status == .forbidden)
            #expect(service.finder.store(StoreID(1)) != nil)
            #expect(try await client.execute(uri: "/v1/stores", method: .post, headers: admin, body: body(storeJSON(ref: "perm:1"))).status == .created)
        }
    }
}

@Suite("Liveness and readiness")
struct ReadinessTests {
    @Test("/readyz is 200 while the database takes writes and 503 once it does not; /healthz stays 200")
    func readyz() async throws {
        let (app, db, _) = try await demoAppWithDatabase()
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok && ready.json["status"] == .string("ready") && ready.json["database"] == .string("writable"))
            // The writer connection refuses writes from now on, as a full or read-only disk would.
            try await db.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }
            try await Task.sleep(for: .milliseconds(2_100))  // the probe's last answer is kept for 2 s
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            #expect(notReady.status == .serviceUnavailable && notReady.contentType == "application/problem+json")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("/metrics: latency histograms by route pattern, method and status; index sizes, holds, stock events and dispatch, read when scraped")
    func metrics() async throws {
        let (app, _, service) = try await demoAppWithDatabase()
        try await app.test(.router) { client in
            for _ in 0..<3 { _ = try await client.execute(uri: "/v1/stores/nearby?lat=41.1496&lon=-8.6109", method: .get) }
            _ = try await client.execute(uri: "/v1/stores/1", method: .get)
            _ = try await client.execute(uri: "/v1/stores/2", method: .get)
            _ = try await client.execute(uri: "/v1/stores/999999", method: .get)
            let admin = try await adminAuth(client)
            _ = try await client.execute(uri: "/v1/stores/1/stock", method: .put, headers: admin, body: body(#"{"items":[{"sku":"DAIRY-001","qty":0}]}"#))
            _ = try await client.execute(uri: "/v1/stores/1/stock", method: .put, headers: admin, body: body(#"{"items":[{"sku":"DAIRY-001","qty":10}]}"#))
            let hold = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin, body: body(#"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#))
            #expect(hold.status == .created)
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .unauthorized)
            let scraped = try await client.execute(uri: "/metrics", method: .get, headers: admin)
            #expect(scraped.status == .ok && scraped.contentType?.hasPrefix("text/plain") == true && scraped.contentType?.contains("version=0.0.4") == true, "\(scraped.contentType ?? "")")
            let text = String(buffer: scraped.body)
            func value(_ series: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
            }
            #expect(value(#"o2o_http_request_duration_seconds_count{route="/v1/stores/nearby",method="GET",status="200"}"#) == 3, "\(text.prefix(3000))")
            #expect(value(#"o2o_http_request_duration_seconds_count{route="/v1/stores/{id}",method="GET",status="200"}"#) == 2, "one series for every store id")
            #expect(value(#"o2o_http_request_duration_seconds_count{route="/v1/stores/{id}",method="GET",status="404"}"#) == 1)
            #expect(value(#"o2o_http_request_duration_seconds_bucket{route="/v1/stores/nearby",method="GET",status="200",le="+Inf"}"#) == 3)
            #expect(value("o2o_index_stores") == Double(service.finder.storeCount))
            #expect(value(#"o2o_reservations{status="held"}"#) == 1)
            #expect((value("o2o_stock_events_published_total") ?? 0) >= 1)
            #expect(text.contains("# TYPE o2o_stock_events_published_total counter"), "a counter, named as Prometheus names counters")
            #expect(value("o2o_riders") == 0)
        }
    }
}

@Suite("Write limits")
struct WriteLimitTests {
    @Test("a caller's writes beyond the burst get 429 with Retry-After and change nothing; another caller and reads go on; the bucket refills")
    func limits() async throws {
        let (app, _, service) = try await demoAppWithDatabase(writeLimit: WriteRateLimit(perSecond: 0.001, burst: 3))
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let staff = try await roleAuth(client, admin: admin, email: "s1@example.com", role: "staff", stores: [1])  // one of the admin's 3
            let before = service.finder.available("DAIRY-001", at: StoreID(1)) ?? 0
            var statuses: [Int] = []
            for _ in 0..<5 {
                let r = try await client.execute(uri: "/v1/stores/1/stock", method: .patch, headers: admin, body: body(#"{"items":[{"sku":"DAIRY-001","qty":1}]}"#))
                statuses.append(Int(r.status.code))
                if r.status == .tooManyRequests {
                    #expect(r.contentType == "application/problem+json" && r.json["type"] == .string("urn:o2o:problem:throttled"))
                    #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
                }
            }
            #expect(statuses == [200, 200, 429, 429, 429])
            #expect(service.finder.available("DAIRY-001", at: StoreID(1)) == before + 2, "refused writes changed nothing")
            // Another caller has their own allowance; reads are not limited.
            #expect(try await client.execute(uri: "/v1/stores/1/stock", method: .patch, headers: staff, body: body(#"{"items":[{"sku":"DAIRY-001","qty":1}]}"#)).status == .ok)
            #expect(try await client.execute(uri: "/v1/stores/1/stock", method: .get, headers: admin).status == .ok)
        }
    }

    @Test("the bucket: a burst at once, then refilled at the rate, never above the burst; callers apart")
    func bucket() {
        let limiter = WriteRateLimiter(WriteRateLimit(perSecond: 2, burst: 3))
        #expect((0..<3).map { _ in limiter.take("a", now: 100) } == [nil, nil, nil])
        #expect(limiter.take("a", now: 100) == 0.5, "one token comes back in half a second")
        #expect(limiter.take("b", now: 100) == nil)
        #expect(limiter.take("a", now: 100.5) == nil)
        #expect(limiter.take("a", now: 100.5) != nil)
        // Idle for a minute: full again, but no more than the burst.
        #expect((0..<4).map { _ in limiter.take("a", now: 160) == nil } == [true, true, true, false])
    }
}

@Suite("Request ids")
struct RequestIDTests {
    @Test("every answer carries a request id: the client's when it is a plain token, else a new one each time")
    func ids() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let name = HTTPField.Name("X-Request-Id")!
            let given = try await client.execute(uri: "/healthz", method: .get, headers: [name: "trace-42_a"])
            #expect(given.headers[name] == "trace-42_a")
            let refused = try await client.execute(uri: "/v1/stores/nearby?lat=100&lon=0", method: .get, headers: [name: "no spaces allowed"])
            let made = try #require(refused.headers[name])
            #expect(made.count == 16 && made != "no spaces allowed" && refused.status == .badRequest)
            let another = try await client.execute(uri: "/v1/nowhere", method: .get)
            #expect(another.headers[name] != nil && another.headers[name] != made)
        }
    }
}
