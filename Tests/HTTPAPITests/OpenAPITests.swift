import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import Testing

/// Keeps /openapi.json true: every documented operation, called with its documented example,
/// answers with a documented status and content type; and an undocumented route does not exist.
@Suite("The OpenAPI document describes the API")
struct OpenAPITests {
    @Test("each documented operation answers as documented")
    func operationsAnswerAsDocumented() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            #expect(doc["openapi"] == .string("3.1.0"))
            let paths = doc["paths"]!.objectValue!
            var operations = 0
            for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
                for (methodName, operation) in item.objectValue! {
                    operations += 1
                    // A stream never ends by itself; the live loopback tests read it.
                    if operation["responses"]?["200"]?["content"]?["text/event-stream"] != nil { continue }
                    var uri = path
                    var query: [String] = []
                    for parameter in operation["parameters"]?.arrayValue ?? [] {
                        let name = parameter["name"]!.stringValue!
                        let example = parameter["example"]!
                        let text: String = switch example {
                        case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
                        case .bool(let b): String(b)
                        case .string(let s): s
                        default: ""
                        }
                        if parameter["in"] == .string("path") {
                            uri = uri.replacingOccurrences(of: "{\(name)}", with: text)
                        } else if name != "cursor" || !text.isEmpty {
                            query.append("\(name)=\(text)")
                        }
                    }
                    if !query.isEmpty { uri += "?" + query.joined(separator: "&") }
                    var requestBody: ByteBuffer? = nil
                    if let content = operation["requestBody"]?["content"]?.objectValue?.values.first {
                        requestBody = body(content["example"]!)
                    }
                    let method = HTTPRequest.Method(methodName.uppercased())!
                    let response = try await client.execute(uri: uri, method: method, body: requestBody)
                    let documented = operation["responses"]!.objectValue!
                    let status = String(response.status.code)
                    #expect(documented[status] != nil, "\(methodName) \(uri) answered \(status), not documented")
                    if let answer = documented[status], let content = Self.resolved(answer, in: doc)["content"]?.objectValue,
                       let type = response.contentType {
                        // A media type's parameters (`; charset=utf-8`) do not change what it is.
                        func base(_ t: String) -> Substring { t.prefix { $0 != ";" } }
                        #expect(content[type] != nil || content.keys.contains { base($0) == base(type) }, "\(methodName) \(uri) answered \(type)")
                    }
                    #expect(response.status.code < 500)
                }
            }
            #expect(operations == 106)
        }
    }

    @Test("every response schema and request schema the document names exists")
    func referencesResolve() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            let schemas = Set(doc["components"]!["schemas"]!.objectValue!.keys.map { "#/components/schemas/" + $0 })
                .union(doc["components"]!["responses"]!.objectValue!.keys.map { "#/components/responses/" + $0 })
            func refs(_ v: JSONValue) -> [String] {
                switch v {
                case .object(let o):
                    return (o["$ref"]?.stringValue.map { [$0] } ?? []) + o.values.flatMap(refs)
                case .array(let a): return a.flatMap(refs)
                default: return []
                }
            }
            let all = refs(doc)
            #expect(!all.isEmpty)
            for r in all { #expect(schemas.contains(r), "\(r)") }
        }
    }

    /// A response as written, or the shared one its `$ref` names.
    static func resolved(_ value: JSONValue, in doc: JSONValue) -> JSONValue {
        guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#/components/responses/") else { return value }
        return doc["components"]?["responses"]?[String(ref.dropFirst("#/components/responses/".count))] ?? value
    }
}
