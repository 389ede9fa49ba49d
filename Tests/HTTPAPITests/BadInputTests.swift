import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import Kernel
import NIOCore
import Testing
import Stores

@Suite("Bad input gets a problem document naming the field")
struct BadInputTests {
    /// (method, uri, body, expected status, expected field)
    static let cases: [(HTTPRequest.Method, String, String?, Int, String?)] = [
        (.get, "/v1/stores/nearby?lat=90.5&lon=0", nil, 400, "lat"),
        (.get, "/v1/stores/nearby?lat=-91&lon=0", nil, 400, "lat"),
        (.get, "/v1/stores/nearby?lat=0&lon=180.1", nil, 400, "lon"),
        (.get, "/v1/stores/nearby?lat=0&lon=-181", nil, 400, "lon"),
        (.get, "/v1/stores/nearby?lat=NaN&lon=0", nil, 400, "lat"),
        (.get, "/v1/stores/nearby?lat=0&lon=inf", nil, 400, "lon"),
        (.get, "/v1/stores/nearby?lat=0&lon=-infinity", nil, 400, "lon"),
        (.get, "/v1/stores/nearby?lon=0", nil, 400, "lat"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&limit=0", nil, 400, "limit"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&limit=-3", nil, 400, "limit"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&limit=101", nil, 400, "limit"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&limit=ten", nil, 400, "limit"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&radius_m=0", nil, 400, "radius_m"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&sku=NO-SUCH-SKU", nil, 422, "sku"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&sku=DAIRY-001&qty=0", nil, 400, "qty"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&delivers=maybe", nil, 400, "delivers"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&open_at=tomorrow", nil, 400, "open_at"),
        (.get, "/v1/stores/nearby?lat=41&lon=-8&format=xml", nil, 400, "format"),
        (.get, "/v1/stores?bbox=1,2,3", nil, 400, "bbox"),
        (.get, "/v1/stores?limit=5000", nil, 400, "limit"),
        (.get, "/v1/zones?lat=41&lon=500", nil, 400, "lon"),
        (.get, "/v1/stores/999999", nil, 404, "id"),
        (.get, "/v1/stores/0", nil, 400, "id"),
        (.get, "/v1/stores/999999/zones", nil, 404, "id"),
        (.get, "/v1/stores/999999/stock", nil, 404, "id"),
        (.patch, "/v1/stores/999999", #"{"name":"x"}"#, 404, "id"),
        (.delete, "/v1/stores/999999", nil, 404, "id"),
        (.post, "/v1/stores", "{", 400, "body"),
        (.post, "/v1/stores", "[]", 400, "body"),
        (.post, "/v1/stores", #"{"name":"x"}"#, 400, "external_ref"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":91,"lon":0}"#, 400, "lat"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"x","kind":"bakery","time_zone":"Mars/Olympus","lat":41,"lon":-8}"#, 400, "time_zone"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":41,"lon":-8,"colour":"red"}"#, 400, "colour"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":41,"lon":-8,"opening_hours":"sunrise-sunset"}"#, 422, "opening_hours"),
        (.post, "/v1/stores", #"{"external_ref":"osm:node/987218130","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":41,"lon":-8}"#, 409, "external_ref"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"","kind":"bakery","time_zone":"Europe/Lisbon","lat":41,"lon":-8}"#, 400, "name"),
        (.post, "/v1/stores", #"{"external_ref":"a","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":"41","lon":-8}"#, 400, "lat"),
        (.patch, "/v1/stores/1", #"{"external_ref":"osm:node/987218307"}"#, 409, "external_ref"),
        (.patch, "/v1/stores/1", #"{"lat":41.1}"#, 400, "lon"),
        (.patch, "/v1/stores/1", #"{"name":null}"#, 400, "name"),
        (.patch, "/v1/stores/1", "{}", 400, "body"),
        (.put, "/v1/stores/1/zones", #"{"type":"Feature"}"#, 400, "type"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#, 400, "features[0].geometry.coordinates[0]"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}"#, 422, "features[0].geometry"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[2,2],[0,0]]]}}]}"#, 422, "features[0].geometry"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#, 400, "features[0].geometry"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"fee_minor":-1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#, 400, "features[0].properties.fee_minor"),
        (.put, "/v1/stores/1/zones", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"sometimes"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#, 400, "features[0].properties.kind"),
        (.put, "/v1/stores/1/stock", #"{"items":[{"sku":"NOPE","qty":1}]}"#, 422, "items[0].sku"),
        (.put, "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":-1}]}"#, 400, "items[0].qty"),
        (.put, "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":1.5}]}"#, 400, "items[0].qty"),
        (.put, "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":1},{"sku":"DAIRY-001","qty":2}]}"#, 400, "items[1].sku"),
        (.put, "/v1/stores/1/stock", #"{"items":[]}"#, 400, "items"),
        (.put, "/v1/stores/1/stock", #"{"stuff":[]}"#, 400, "items"),
        (.put, "/v1/stores/1/stock", #"{"items":[],"stuff":[]}"#, 400, "stuff"),
        (.patch, "/v1/stores/1/stock", #"{"items":[{"sku":"DAIRY-001","qty":-1000000}]}"#, 409, "items[0].qty"),
        (.put, "/v1/stores/999999/stock", #"{"items":[{"sku":"DAIRY-001","qty":1}]}"#, 404, "id"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61}"#, 400, "items"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[]}"#, 400, "items"),
        (.post, "/v1/availability", #"{"lat":41.15,"items":[{"sku":"DAIRY-001"}]}"#, 400, "lon"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"NOPE"}]}"#, 422, "items[0].sku"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001","qty":0}]}"#, 400, "items[0].qty"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001","qty":1e12}]}"#, 400, "items[0].qty"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001"},{"sku":"DAIRY-001"}]}"#, 400, "items[1].sku"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001"}],"fulfilment":"drone"}"#, 400, "fulfilment"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001"}],"max_stores":0}"#, 400, "max_stores"),
        (.post, "/v1/availability", #"{"lat":41.15,"lon":-8.61,"items":[{"sku":"DAIRY-001"}],"sort":"rating"}"#, 400, "sort"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[]}"#, 400, "items"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001"}]}"#, 400, "items[0].qty"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":-2}]}"#, 400, "items[0].qty"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}],"ttl_s":999999}"#, 400, "ttl_s"),
        (.post, "/v1/reservations", #"{"store_id":999999,"items":[{"sku":"DAIRY-001","qty":1}]}"#, 422, "store_id"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"NOPE","qty":1}]}"#, 422, "items[0].sku"),
        (.post, "/v1/reservations", #"{"items":[{"sku":"DAIRY-001","qty":1}]}"#, 400, "store_id"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1000000}]}"#, 409, "items[0].qty"),
        (.get, "/v1/reservations/not-a-uuid", nil, 400, "id"),
        (.post, "/v1/reservations", #"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}],"idempotency_key":"has space"}"#, 400, "idempotency_key"),
        (.post, "/v1/reservations/6f1c2e0a-0000-4000-8000-000000000000/confirm", nil, 404, "id"),
        (.delete, "/v1/reservations/6f1c2e0a-0000-4000-8000-000000000000", nil, 404, "id"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"delta","items":[{"sku":"DAIRY-001","qty":1}]}"#, 400, "sequence"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"recount","sequence":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#, 400, "kind"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"delta","sequence":1,"items":[]}"#, 400, "items"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"delta","sequence":-4,"items":[{"sku":"DAIRY-001","qty":1}]}"#, 400, "sequence"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"snapshot","sequence":1,"items":[{"sku":"DAIRY-001","qty":-1}]}"#, 422, "items[0]"),
        (.post, "/v1/stores/1/stock/batches", #"{"kind":"delta","sequence":1,"items":[{"sku":"DAIRY-001","qty":"x"}]}"#, 422, "items[0].qty"),
        (.post, "/v1/stores/999999/stock/batches", #"{"kind":"delta","sequence":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#, 404, "id"),
        (.get, "/v1/stores/999999/stock/events", nil, 404, "id"),
        (.get, "/v1/stores/1/stock/events?after=-1", nil, 400, "after"),
        (.get, "/v1/stock/events?store_id=999999", nil, 422, "store_id"),
        (.get, "/v1/stores/999999/stock/events/stream", nil, 404, "id"),
        (.get, "/v1/nowhere", nil, 404, nil),
        (.put, "/v1/stores/nearby", nil, 405, nil),
        (.post, "/v1/stores/1", "{}", 405, nil),
    ]

    @Test("each bad request is refused with its status and field")
    func refusals() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            for (method, uri, text, status, field) in Self.cases {
                let r = try await client.execute(uri: uri, method: method, headers: admin, body: text.map { body($0) })
                #expect(Int(r.status.code) == status, "\(method) \(uri) \(text ?? "")")
                #expect(r.contentType == "application/problem+json", "\(method) \(uri)")
                let problem = r.json
                #expect(problem["status"] == .number(Double(status)))
                #expect(problem["type"]?.stringValue?.hasPrefix("urn:o2o:problem:") == true)
                #expect(problem["detail"]?.stringValue?.isEmpty == false)
                if let field { #expect(problem["field"] == .string(field), "\(method) \(uri) \(text ?? ""): \(problem["detail"]?.stringValue ?? "")") }
            }
        }
    }

    @Test("a body over the limit is refused with 413")
    func bodyTooLarge() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: APIConfiguration.maximumBodyBytes + 1)
            let r = try await client.execute(uri: "/v1/stores/1/stock", method: .put, headers: admin, body: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.json["field"] == .string("body"))
        }
    }

    @Test("a refused write leaves nothing behind: zones, stock and stores stay as they were")
    func noPartialWrites() async throws {
        let (app, service) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let zonesBefore = try await client.execute(uri: "/v1/stores/1/zones", method: .get).json
            // The first zone is fine, the second self-intersects: neither may be stored.
            let mixed = zonesJSON([square(41.15, -8.61, 0.01), [(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)]])
            let r = try await client.execute(uri: "/v1/stores/1/zones", method: .put, headers: admin, body: body(mixed))
            #expect(r.status == .unprocessableContent)
            #expect(r.json["field"] == .string("features[1].geometry"))
            #expect(try await client.execute(uri: "/v1/stores/1/zones", method: .get).json == zonesBefore)

            let stockBefore = try await service.repository.stock(of: StoreID(1), after: nil, limit: 1000)
            let bad = try await client.execute(uri: "/v1/stores/1/stock", method: .put, headers: admin,
                                               body: body(#"{"items":[{"sku":"DAIRY-001","qty":999},{"sku":"NOPE","qty":1}]}"#))
            #expect(bad.status == .unprocessableContent)
            #expect(try await service.repository.stock(of: StoreID(1), after: nil, limit: 1000) == stockBefore)
            #expect(service.finder.available("DAIRY-001", at: StoreID(1)) != 999)

            let count = service.finder.storeCount
            let badStore = try await client.execute(uri: "/v1/stores", method: .post, headers: admin, body: body(
                #"{"external_ref":"new-1","name":"x","kind":"bakery","time_zone":"Europe/Lisbon","lat":41.15,"lon":-8.61,"zones":\#(mixed)}"#))
            #expect(badStore.status == .unprocessableContent)
            #expect(badStore.json["field"] == .string("zones.features[1].geometry"))
            #expect(service.finder.storeCount == count)
            #expect(try await service.repository.allStores().count == count, "the store row rolled back with its zones")
        }
    }
}
