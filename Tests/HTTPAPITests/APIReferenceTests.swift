import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import O2OTestSupport
import Testing

/// The API reference page o2o renders from its OpenAPI document: everything the document
/// lists is on it, every link on it lands, text from the document cannot become markup, and
/// `/docs` serves it.
@Suite("The API reference rendered from openapi.yaml")
struct APIReferenceTests {
    static func ids(_ page: String) -> Set<String> { Set(page.matches(of: #/ id="([^"]+)"/#).map { String($0.output.1) }) }

    @Test("the shipped document's page has every operation and schema, and every link on it lands on the page")
    func shippedPage() async throws {
        let page = APIReference.page
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            let ids = Self.ids(page)
            var operations = 0
            for (_, item) in doc["paths"]!.objectValue! {
                for (_, operation) in item.objectValue! {
                    operations += 1
                    let id = operation["operationId"]!.stringValue!
                    #expect(ids.contains("op-\(id)"), "\(id) has its section")
                }
            }
            #expect(operations >= 100)
            for name in doc["components"]!["schemas"]!.objectValue!.keys { #expect(ids.contains("schema-\(name)"), "\(name)") }
            let links = page.matches(of: #/href="#([^"]+)"/#).map { String($0.output.1) }
            #expect(links.count > 1_000)
            #expect(links.filter { !ids.contains($0) }.isEmpty, "links to nowhere: \(Set(links.filter { !ids.contains($0) }))")
            #expect(!page.contains("<script"), "no script")
            #expect(!page.contains("src="), "no external resource at all")
        }
    }

    @Test("a document renders as its parts say: order kept, references linked, required and nullable members, arrays, maps and bounds; markup in it is escaped")
    func rendersADocument() throws {
        let yaml = """
            openapi: 3.1.0
            info: {title: shop, version: '2.0', description: 'Sells <b>things</b> & `stuff`'}
            paths:
              /v1/zebras:
                get:
                  summary: Zebras first
                  operationId: listZebras
                  x-o2o-access: [admin]
                  security: [{bearer: []}]
                  parameters:
                  - {name: limit, in: query, required: true, description: 'how many, <= 10', schema: {type: integer}, example: 3}
                  responses:
                    '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Zebra'}}}}
                    '404': {$ref: '#/components/responses/Missing'}
              /v1/apples:
                post:
                  summary: Then apples
                  operationId: addApple
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string, maxLength: 40}
                            tags: {type: array, items: {type: object, properties: {label: {type: string, enum: [red, green]}}}}
                  responses:
                    '201': {description: made}
            components:
              responses:
                Missing: {description: no such thing, content: {application/problem+json: {schema: {type: object}}}}
              schemas:
                Zebra:
                  type: object
                  required: [stripes]
                  properties:
                    stripes: {type: integer, minimum: 1, description: 'count'}
                    mate: {type: ['object', 'null'], properties: {name: {type: string}}}
                    scores: {type: object, additionalProperties: {type: number}}
                    friend: {$ref: '#/components/schemas/Zebra'}
            """
        let page = try APIReference.html(yaml: yaml)
        // The document's order, not the alphabet's.
        let zebras = try #require(page.range(of: "id=\"op-listZebras\"")), apples = try #require(page.range(of: "id=\"op-addApple\""))
        #expect(zebras.lowerBound < apples.lowerBound)
        #expect(page.contains("Sells &lt;b&gt;things&lt;/b&gt; &amp; <code>stuff</code>"))
        #expect(page.contains("how many, &lt;= 10"))
        #expect(!page.contains("<b>things"))
        #expect(page.contains("callers: <code>admin</code> (bearer token)"))
        #expect(page.contains("<code>limit</code> <span class=\"required\">required</span>"))
        #expect(page.contains("<a href=\"#schema-Zebra\">Zebra</a>"))
        #expect(page.contains("<a href=\"#response-Missing\">Missing</a>: no such thing"))
        #expect(page.contains("<code>stripes</code> <span class=\"required\">required</span></td><td>integer</td><td>count <span class=\"constraints\">at least 1</span>"))
        #expect(page.contains("<code>mate</code></td><td>object or null</td>"))
        #expect(page.contains("<code>mate.name</code></td><td>string</td>"))
        #expect(page.contains("<code>scores</code></td><td>map of string to number</td>"))
        #expect(page.contains("<code>tags[].label</code></td><td>string</td><td> <span class=\"constraints\">one of <code>red</code>, <code>green</code></span>"))
        #expect(page.contains("at most 40 characters"))
        #expect(page.contains("Used by <a href=\"#op-listZebras\">listZebras</a>"))
        let ids = Self.ids(page)
        #expect(page.matches(of: #/href="#([^"]+)"/#).allSatisfy { ids.contains(String($0.output.1)) })
        #expect(throws: (any Error).self) { try APIReference.html(yaml: "") }
    }

    @Test("/docs serves the page with its type, a validator and a policy that allows nothing from elsewhere")
    func servedAtDocs() async throws {
        let (app, _) = try await demoApp()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/docs", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: response.body) == APIReference.page)
            let policy = response.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"))
            let etag = try #require(response.headers[.eTag])
            var headers: HTTPFields = [:]
            headers[.ifNoneMatch] = etag
            #expect(try await client.execute(uri: "/docs", method: .get, headers: headers).status == .notModified)
        }
    }
}
