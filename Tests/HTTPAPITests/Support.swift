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
                heartbeat: Duration = .seconds(15), paymentRecords: SandboxRecords = DemoFixture.sandboxRecords()) async throws -> Router<AppRequestContext> {
    let accounts = accounts ?? DemoFixture.accounts(db, stores: service)
    let catalog = try await DemoFixture.catalog(db, stores: service)
    let carts = DemoFixture.carts(db, accounts: accounts, catalog: catalog)
    let orders = DemoFixture.orders(db, carts: carts, stores: service)
    return buildRouter(service: service, dispatch: dispatch ?? DemoFixture.dispatch(db), accounts: accounts, catalog: catalog, carts: carts,
                       orders: orders, payments: try DemoFixture.payments(db, orders: orders, records: paymentRecords).0, heartbeat: heartbeat, geoData: DemoFixture.geoData)
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
