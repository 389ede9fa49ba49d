import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import Testing

/// The operations served through the protocol generated from openapi.yaml answer as the
/// hand-written ones did: problem documents that name the field, 413 over the body limit, and a
/// problem document whatever the client's Accept.
@Suite("Generated routes")
struct GeneratedRoutesTests {
    @Test("bad input to a generated operation is a 400 problem naming the member or parameter")
    func badInput() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            for (text, field) in [(#"{"name":"Teas"}"#, "slug"), (#"{"slug":"teas","name":7}"#, "name"),
                                  (#"{"slug":"teas","name":"Teas","colour":"green"}"#, "colour"), ("{", "body")] {
                let r = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: admin, body: body(text))
                #expect(r.status == .badRequest, "\(text): \(r.status)")
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(r.json["field"] == .string(field), "\(text): \(r.json)")
            }
            let notANumber = try await client.execute(uri: "/v1/catalog/products/abc", method: .get)
            #expect(notANumber.status == .badRequest && notANumber.json["field"] == .string("id"), "\(notANumber.json)")
            let store = try await client.execute(uri: "/v1/catalog/products/1?store_id=x", method: .get)
            #expect(store.status == .badRequest && store.json["field"] == .string("store_id"), "\(store.json)")
        }
    }

    @Test("a refusal reaches a client that accepts only JSON; a body over 1 MiB is 413; a success is typed JSON")
    func acceptAndLimits() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let missing = try await client.execute(uri: "/v1/catalog/products/99999", method: .get, headers: [.accept: "application/json"])
            #expect(missing.status == .notFound && missing.json["field"] == .string("id"))
            #expect(missing.headers[.contentType] == "application/problem+json")
            let anonymous = try await client.execute(uri: "/v1/catalog/categories", method: .post, body: body(#"{"slug":"x","name":"X"}"#))
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] != nil)
            let admin = try await adminAuth(client)
            let huge = #"{"slug":"x","name":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let tooLarge = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: admin, body: body(huge))
            #expect(tooLarge.status == .contentTooLarge && tooLarge.json["field"] == .string("body"))
            // JSON sent as a form, as `curl -d` does, or with no type at all, is still read as JSON.
            for type in ["application/x-www-form-urlencoded", nil] {
                var headers = admin
                if let type { headers[.contentType] = type }
                let asForm = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: headers,
                                                      body: body(#" {"slug":"form-\#(type == nil ? "none" : "form")","name":"Form"}"#))
                #expect(asForm.status == .created, "\(type ?? "no type"): \(asForm.json)")
            }
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok && health.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(health.json["status"] == .string("ok") && health.json["stores"]?.numberValue ?? 0 > 0)
            let created = try await client.execute(uri: "/v1/catalog/categories", method: .post, headers: admin,
                                                   body: body(#"{"slug":"teas","name":"Teas","parent":null}"#))
            #expect(created.status == .created && created.json["slug"] == .string("teas") && created.json["path"] == .array([.string("Teas")]))
        }
    }
}
