import Accounts
import Dispatching
import Foundation
import GeoCore
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import NIOCore
import O2OTestSupport
import Payments
import Persistence
import Stores

/// An application over the demo city, or over an empty database.
func demoApp() async throws -> (some ApplicationProtocol, StoreService) {
    let (db, service, _) = try await DemoFixture.demoDatabase()
    let dispatch = DemoFixture.dispatch(db)
    return (Application(router: try await testRouter(db, service, dispatch: dispatch),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0))), service)
}

/// The demo application with its database, for tests that reach past HTTP; `writeLimit` as the
/// server's option sets it.
func demoAppWithDatabase(writeLimit: WriteRateLimit? = nil, compute: ComputeGate = ComputeGate())
    async throws -> (some ApplicationProtocol, SpatiaLiteDatabase, StoreService) {
    let (db, service, _) = try await DemoFixture.demoDatabase()
    return (Application(router: try await testRouter(db, service, writeLimit: writeLimit, compute: compute),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0))), db, service)
}

func emptyApp() async throws -> (some ApplicationProtocol, StoreService) {
    let (db, _) = try DemoFixture.emptyDatabase()
    let service = DemoFixture.service(db)
    try await service.reload()
    return (Application(router: try await testRouter(db, service),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0))), service)
}

/// The router over the database as the server wires it: stores, dispatch, and the commerce
/// services (accounts with bcrypt at its least cost, the catalog seeded from the SKUs, carts,
/// orders). `accounts` replaces the default accounts service.
func testRouter(_ db: SpatiaLiteDatabase, _ service: StoreService, dispatch: DispatchService? = nil, accounts: AccountService? = nil,
                heartbeat: Duration = .seconds(15), paymentRecords: SandboxRecords = DemoFixture.sandboxRecords(),
                writeLimit: WriteRateLimit? = nil, compute: ComputeGate = ComputeGate(),
                console: ConsoleConfiguration = ConsoleConfiguration()) async throws -> Router<AppRequestContext> {
    let given = accounts
    let accounts = accounts ?? DemoFixture.accounts(db, stores: service)
    // Store and stock writes are for staff and admins: tests sign in as this admin (adminAuth).
    if given == nil { _ = try await accounts.bootstrapAdmin(AccountDraft(email: testAdmin.email, name: "Ops"), password: testAdmin.password) }
    let catalog = try await DemoFixture.catalog(db, stores: service)
    let carts = DemoFixture.carts(db, accounts: accounts, catalog: catalog)
    let orders = DemoFixture.orders(db, carts: carts, stores: service)
    return buildRouter(service: service, dispatch: dispatch ?? DemoFixture.dispatch(db), accounts: accounts, catalog: catalog, carts: carts,
                       orders: orders, payments: try DemoFixture.payments(db, orders: orders, records: paymentRecords).0, marketing: DemoFixture.marketing(db),
                       reports: SpatiaLiteReportRepository(database: db), geometry: { try SpatiaLiteGeometry() }, writeLimit: writeLimit, heartbeat: heartbeat, geoData: DemoFixture.geoData,
                       compute: compute, console: console)
}

/// The admin every test router made without its own accounts has.
let testAdmin = (email: "ops@example.com", password: "ops password")

/// Signs the test admin in; the headers carry the bearer token.
func adminAuth(_ client: some TestClientProtocol) async throws -> HTTPFields {
    let r = try await client.execute(uri: "/v1/sessions", method: .post,
                                     body: body(#"{"email":"\#(testAdmin.email)","password":"\#(testAdmin.password)"}"#))
    return [.authorization: "Bearer \(r.json["token"]?.stringValue ?? "")"]
}

/// Signs in an account made by the test admin with the given role and stores.
func roleAuth(_ client: some TestClientProtocol, admin: HTTPFields, email: String, role: String, stores: [Int] = []) async throws -> HTTPFields {
    let made = try await client.execute(uri: "/v1/admin/accounts", method: .post, headers: admin, body: body(
        #"{"email":"\#(email)","password":"a long password","name":"\#(role)","role":"\#(role)","stores":[\#(stores.map(String.init).joined(separator: ","))]}"#))
    precondition(made.status == .created, "\(made.json)")
    let r = try await client.execute(uri: "/v1/sessions", method: .post, body: body(#"{"email":"\#(email)","password":"a long password"}"#))
    return [.authorization: "Bearer \(r.json["token"]?.stringValue ?? "")"]
}

extension HTTPFields {
    /// These fields with another's added.
    func with(_ other: HTTPFields) -> HTTPFields { var out = self; out.append(contentsOf: other); return out }
}

extension TestResponse {
    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body))) ?? .null }
    var contentType: String? { headers[.contentType] }
}

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func body(_ json: JSONValue) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONEncoder().encode(json))
}

/// A store body for POST.
func storeJSON(ref: String, lat: Double = 41.1497, lon: Double = -8.6068, kind: String = "convenience") -> String {
    #"{"external_ref":"\#(ref)","name":"Test store \#(ref)","kind":"\#(kind)","time_zone":"Europe/Lisbon","lat":\#(lat),"lon":\#(lon),"opening_hours":"Mo-Su 08:00-22:00"}"#
}

/// A FeatureCollection with one polygon zone given as [lon, lat] pairs.
func zonesJSON(_ rings: [[(Double, Double)]], properties: String = #"{"fee_minor":199,"promised_minutes":20}"#) -> String {
    let features = rings.map { ring in
        let coordinates = ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
        return #"{"type":"Feature","properties":\#(properties),"geometry":{"type":"Polygon","coordinates":[[\#(coordinates)]]}}"#
    }
    return #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
}

/// A square of side `d` degrees around a point, counter-clockwise, closed.
func square(_ lat: Double, _ lon: Double, _ d: Double) -> [(Double, Double)] {
    [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d), (lon - d, lat - d)]
}
