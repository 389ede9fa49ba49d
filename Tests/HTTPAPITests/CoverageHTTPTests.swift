import Coverage
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import O2OTestSupport
import Stores
import StoreImport
import Testing

@Suite("Coverage reports over HTTP")
struct CoverageHTTPTests {
    @Test("the live stores against Porto's homes and a what-if: the figures the planner gives, with gap and demand layers")
    func report() async throws {
        let (app, service) = try await demoApp()
        let body = #"{"city": "porto", "minutes": [10], "scenarios": [{"name": "only three", "changes": [\#((4...222).map { #"{"op": "remove", "store": \#($0)}"# }.joined(separator: ","))]}]}"#
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: body))
            #expect(r.status == .ok, "\(r.json)")
            let homes = try CoverageCity.demand("porto", geoData: DemoFixture.geoData)
            let stores = CoverageCity.stores(try await service.repository.allStores(), zones: try await service.repository.allZones())
            let expected = CoverageAnalysis(stores: stores, minutes: [10]).run(homes)
            #expect(r.json["baseline"]?["covered_points"]?.numberValue == Double(expected.coveredPoints))
            #expect(r.json["baseline"]?["covered_twice_points"]?.numberValue == Double(expected.coveredTwicePoints))
            let scenario = r.json["scenarios"]?.arrayValue?.first
            #expect(scenario?["name"] == .string("only three"))
            #expect(scenario?["headline"]?["stores"] == .number(3))
            let delta = scenario?["delta"]?["covered_share"]?.numberValue ?? 0
            #expect(delta < 0, "three stores cover less")
            let gaps = r.json["layers"]?["only three"]?["gaps"]?["features"]?.arrayValue ?? []
            #expect(!gaps.isEmpty)
            #expect(r.json["layers"]?["baseline"]?["demand"]?["features"]?.arrayValue?.count == homes.points.count)
        }
    }

    @Test("bad input: unknown city, no demand, bad weights, unknown stores, invalid JSON — problems naming the field")
    func badInput() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            let cases: [(String, HTTPResponse.Status, String?)] = [
                (#"{"city": "lisbon"}"#, .badRequest, "city"),
                (#"{}"#, .badRequest, "demand"),
                (#"{"demand": [{"lat": 41.15, "lon": -8.61, "weight": 2}, {"lat": 41.15, "lon": -8.61, "weight": -1}]}"#, .badRequest, "demand[1].weight"),
                (#"{"demand": [{"lat": 95, "lon": -8.61}]}"#, .badRequest, "demand[0].lat"),
                (#"{"city": "porto", "scenarios": [{"changes": [{"op": "remove", "store": 99999}]}]}"#, .unprocessableContent, "scenarios[0]: changes[0].store"),
                (#"{"city": "porto", "minutes": [0]}"#, .unprocessableContent, "minutes"),
                (#"{"city": "porto", "scenarios": [{"changes": [{"op": "fly"}]}]}"#, .unprocessableContent, "scenarios[0].changes[0].op"),
                ("not json", .badRequest, "body"),
            ]
            for (text, status, field) in cases {
                let r = try await client.execute(uri: "/v1/coverage/reports", method: .post, headers: admin, body: ByteBuffer(string: text))
                #expect(r.status == status, "\(text): \(r.status) \(r.json)")
                #expect(r.contentType == "application/problem+json")
                #expect(r.json["field"]?.stringValue == field, "\(text): \(r.json)")
            }
        }
    }
}
