import Accounts
import Commerce
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `CartRepository` must do, whatever stores it: each test runs on every backend in `backends`
/// (SpatiaLite in memory and on disk today).
@Suite("CartRepository contract")
struct CartRepositoryContractTests {
    /// A fresh backend beside what carts point at: two customers, an address of the first and a store.
    struct World: Sendable {
        var carts: any CartRepository
        var ana: AccountID, rui: AccountID, home: AddressID, store: StoreID
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> World {
        let stores = DemoFixture.service(db)
        try await stores.upsert(skus: [SKU(code: "DAIRY-001", name: "Milk"), SKU(code: "WINE-004", name: "Port")])
        let (store, _) = try await stores.create(StoreDraft(externalRef: "test:1", name: "Store", kind: "convenience", timeZone: "Europe/Lisbon",
                                                            location: Coordinate(latitude: 41.15, longitude: -8.61)))
        let accounts = SpatiaLiteAccountRepository(database: db)
        let at = Date(timeIntervalSince1970: 1_767_603_600)
        let ana = try await accounts.create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h", at: at)
        let rui = try await accounts.create(AccountDraft(email: "rui@example.com", name: "Rui"), passwordHash: "h", at: at)
        let home = try await accounts.addAddress(AddressDraft(recipient: "Ana", phone: "+351 900 000 001", line: "Rua 1",
                                                              given: Coordinate(latitude: 41.15, longitude: -8.61), isDefault: true), to: ana.id)
        return World(carts: SpatiaLiteCartRepository(database: db), ana: ana.id, rui: rui.id, home: home.id, store: store.id)
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)

    @Test("none until saved; read back exactly, lines in order; replaced whole; one per customer", arguments: CartRepositoryContractTests.backends)
    func carts(_ backend: Backend) async throws {
        let w = try await backend.make()
        #expect(try await w.carts.cart(of: w.ana) == nil)

        let first = Cart(account: w.ana, lines: [.init(sku: "WINE-004", quantity: 2, seenPriceMinor: 1_899), .init(sku: "DAIRY-001", quantity: 1)],
                         fulfilment: .delivery(w.home), updatedAt: Self.t0)
        try await w.carts.save(first)
        #expect(try await w.carts.cart(of: w.ana) == first)
        #expect(try await w.carts.cart(of: w.rui) == nil, "a cart is its customer's alone")

        let second = Cart(account: w.ana, lines: [.init(sku: "DAIRY-001", quantity: 5, seenPriceMinor: 129)], fulfilment: .pickup(w.store),
                          updatedAt: Self.t0.addingTimeInterval(60))
        try await w.carts.save(second)
        #expect(try await w.carts.cart(of: w.ana) == second, "a save replaces lines and fulfilment whole")

        let emptied = Cart(account: w.ana, lines: [], fulfilment: nil, updatedAt: Self.t0.addingTimeInterval(120))
        try await w.carts.save(emptied)
        #expect(try await w.carts.cart(of: w.ana) == emptied)

        let ruis = Cart(account: w.rui, lines: [.init(sku: "WINE-004", quantity: 1)], updatedAt: Self.t0)
        try await w.carts.save(ruis)
        #expect(try await w.carts.cart(of: w.rui) == ruis)
        #expect(try await w.carts.cart(of: w.ana) == emptied, "saving one customer's cart leaves the other's")
    }
}
