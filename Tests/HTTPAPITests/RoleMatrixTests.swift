import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import Kernel
import O2OTestSupport
import Stores
import Testing

/// Walks the whole OpenAPI document: every operation, called with its example by each of eight
/// callers, answers 401, 403 or gets through exactly as its `x-o2o-access` declares.
@Suite("Every operation's access, role by role")
struct RoleMatrixTests {
    /// A caller and the access labels they satisfy (on the examples' store 1, order 1, delivery 1).
    struct Caller {
        var name: String
        var labels: Set<String>
        var email: String?
        var password = "a long password"
        var role = "customer"
        var stores: [Int] = []
    }

    static let callers: [Caller] = [
        Caller(name: "anonymous", labels: []),
        Caller(name: "customer", labels: ["signed-in", "the order's customer"], email: "ana@example.com", password: "correct horse battery"),
        Caller(name: "other customer", labels: ["signed-in"], email: "bo@example.com"),
        Caller(name: "staff of this store", labels: ["signed-in", "staff of the store", "staff of its store"], email: "here@example.com", role: "staff", stores: [1]),
        Caller(name: "staff of another store", labels: ["signed-in"], email: "there@example.com", role: "staff", stores: [2]),
        Caller(name: "dispatcher", labels: ["signed-in", "dispatcher"], email: "dispatch@example.com", role: "dispatcher"),
        Caller(name: "planner", labels: ["signed-in", "planner"], email: "plan@example.com", role: "planner"),
        Caller(name: "admin", labels: ["signed-in", "admin"], email: testAdmin.email, password: testAdmin.password, role: "admin"),
    ]

    @Test("each operation × each of 8 callers: 401, 403 or through, as declared")
    func matrix() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        _ = try await service.writeStock(of: StoreID(1), [("DAIRY-001", 500)], mode: .set)
        let app = Application(router: try await testRouter(db, service, dispatch: DemoFixture.dispatch(db)),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.router) { client in
            let admin = try await adminAuth(client)
            // The callers' accounts; the customer is the one the sign-in example names.
            _ = try await client.execute(uri: "/v1/accounts", method: .post,
                                         body: body(#"{"email":"ana@example.com","password":"correct horse battery","name":"Ana"}"#))
            for c in Self.callers where c.email != nil && c.role != "admin" && c.email != "ana@example.com" {
                _ = try await roleAuth(client, admin: admin, email: c.email!, role: c.role, stores: c.stores)
            }
            func signIn(_ c: Caller) async throws -> HTTPFields {
                guard let email = c.email else { return [:] }
                let r = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"\#(email)","password":"\#(c.password)"}"#))
                return [.authorization: "Bearer \(try #require(r.json["token"]?.stringValue))"]
            }
            var tokens: [String: HTTPFields] = [:]
            for c in Self.callers { tokens[c.name] = try await signIn(c) }
            // What the examples name: order 1 (the customer's, at store 1, a pickup), rider 1, delivery 1 at store 1, a hold at store 1.
            let ana = tokens["customer"]!
            _ = try await client.execute(uri: "/v1/cart/lines", method: .post, headers: ana, body: body(#"{"sku":"DAIRY-001","qty":2}"#))
            _ = try await client.execute(uri: "/v1/cart/fulfilment", method: .put, headers: ana, body: body(#"{"kind":"pickup","store_id":1}"#))
            #expect(try await client.execute(uri: "/v1/orders", method: .post, headers: ana).json["id"] == .number(1))
            #expect(try await client.execute(uri: "/v1/riders", method: .post, headers: admin,
                                              body: body(#"{"name":"R","vehicle":"e-bike","lat":41.15,"lon":-8.61}"#)).json["id"] == .number(1))
            let promised = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_767_603_600 + 3_600))
            #expect(try await client.execute(uri: "/v1/deliveries", method: .post, headers: admin,
                                              body: body(#"{"store_id":1,"drop":{"lat":41.155,"lon":-8.62},"promised_at":"\#(promised)"}"#)).json["id"] == .number(1))
            let hold = try await client.execute(uri: "/v1/reservations", method: .post, headers: admin,
                                                body: body(#"{"store_id":1,"items":[{"sku":"DAIRY-001","qty":1}]}"#))
            let holdID = try #require(hold.json["id"]?.stringValue)

            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            var cells = 0, operations = 0
            for (path, item) in doc["paths"]!.objectValue!.sorted(by: { $0.key < $1.key }) {
                for (methodName, operation) in item.objectValue!.sorted(by: { $0.key < $1.key }) {
                    let access = operation["x-o2o-access"]?.arrayValue?.compactMap(\.stringValue)
                    operations += 1
                    let streams = operation["responses"]?["200"]?["content"]?["text/event-stream"] != nil
                    var uri = path, query: [String] = []
                    for parameter in operation["parameters"]?.arrayValue ?? [] {
                        let name = parameter["name"]!.stringValue!
                        let text: String = switch parameter["example"]! {
                        case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
                        case .bool(let b): String(b)
                        case .string(let s): s
                        default: ""
                        }
                        switch parameter["in"]?.stringValue {
                        case "path": uri = uri.replacingOccurrences(of: "{\(name)}", with: name == "rid" ? holdID : text)
                        case "query" where name != "cursor" || !text.isEmpty: query.append("\(name)=\(text)")
                        default: break
                        }
                    }
                    if !query.isEmpty { uri += "?" + query.joined(separator: "&") }
                    let requestBody = operation["requestBody"]?["content"]?.objectValue?.values.first.map { body($0["example"]!) }
                    let method = HTTPRequest.Method(methodName.uppercased())!
                    for c in Self.callers {
                        let allowed = access.map { !c.labels.isDisjoint(with: $0) } ?? true
                        // An allowed stream never ends by itself; the loopback tests read those.
                        if streams && allowed { continue }
                        let r = try await client.execute(uri: uri, method: method, headers: tokens[c.name]!, body: requestBody)
                        cells += 1
                        let code = Int(r.status.code)
                        if allowed {
                            #expect(code != 401 && code != 403, "\(c.name) \(methodName) \(uri) got \(code): \(r.json)")
                        } else {
                            #expect(code == (c.email == nil ? 401 : 403), "\(c.name) \(methodName) \(uri) got \(code), access \(access ?? [])")
                            #expect(r.contentType == "application/problem+json")
                        }
                        #expect(code < 500, "\(c.name) \(methodName) \(uri)")
                        // Signing out ends the token: sign that caller in again.
                        if path == "/v1/sessions/current", methodName == "delete" { tokens[c.name] = try await signIn(c) }
                    }
                }
            }
            #expect(operations == 106 && cells > 730, "\(operations) operations, \(cells) cells")
            print("role matrix: \(operations) operations × \(Self.callers.count) callers = \(cells) calls checked (allowed streams left to the loopback tests)")
        }
    }
}
