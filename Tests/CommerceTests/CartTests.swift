import Accounts
import Catalog
import Commerce
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import StoreImport
import Stores
import Testing

@Suite("Carts and their quotes")
struct CartTests {
    struct Setup {
        let stores: StoreService
        let accounts: AccountService
        let catalog: CatalogService
        let carts: CartService
        let customer: Principal
        let home: DeliveryAddress
    }

    static func setup() async throws -> Setup {
        let (db, stores, _) = try await DemoFixture.demoDatabase()
        let (accounts, catalog, carts) = try await DemoFixture.commerce(db, stores: stores)
        let (ana, home) = try await DemoFixture.customer(accounts)
        return Setup(stores: stores, accounts: accounts, catalog: catalog, carts: carts, customer: ana, home: home)
    }

    @Test("delivery: the store that has the whole cart, delivers to the address and costs least; items at its prices plus its zone's fee")
    func delivery() async throws {
        let s = try await Self.setup()
        _ = try await s.carts.add(2, of: "DAIRY-001", by: s.customer)
        _ = try await s.carts.add(1, of: "BAKERY-001", by: s.customer)
        _ = try await s.carts.choose(.delivery(s.home.id), by: s.customer)
        let quote = try await s.carts.quote(by: s.customer)
        #expect(quote.canCheckOut, "\(quote.problems)")
        // The oracle: every store that delivers to the address with the whole cart, priced by hand.
        let items = [Reservation.Item(sku: "DAIRY-001", quantity: 2), Reservation.Item(sku: "BAKERY-001", quantity: 1)]
        let answer = try s.stores.finder.basket(BasketQuery(point: s.home.location, items: items, fulfilment: .delivery, limit: NearbyQuery.maximumLimit), now: Date())
        var best: (Int, Meters, StoreID)?
        for option in answer.stores {
            let prices = try await s.catalog.repository.prices(store: option.store.id, skus: ["DAIRY-001", "BAKERY-001"])
            let total = prices["DAIRY-001"]! * 2 + prices["BAKERY-001"]! + option.feeMinor
            if best == nil || (total, option.distance) < (best!.0, best!.1) { best = (total, option.distance, option.store.id) }
        }
        #expect(quote.store?.id == best?.2)
        #expect(quote.total.minor == best?.0)
        #expect(quote.subtotal.minor == quote.lines.reduce(0) { $0 + $1.total.minor })
        #expect(quote.deliveryFee.minor == quote.zone?.feeMinor)
        #expect(try quote.subtotal.adding(quote.deliveryFee) == quote.total)
    }

    @Test("pickup at a store that lacks an item, and a price change, are told plainly; each price change once")
    func pickupAndStalePrices() async throws {
        let s = try await Self.setup()
        let store = s.stores.finder.stores(after: nil, limit: 300).first { (s.stores.finder.available("WINE-001", at: $0.id) ?? 0) == 0 }!
        _ = try await s.carts.add(1, of: "WINE-001", by: s.customer)
        _ = try await s.carts.choose(.pickup(store.id), by: s.customer)
        var quote = try await s.carts.quote(by: s.customer)
        #expect(!quote.canCheckOut && quote.problems.first?.field == "lines[0].qty" && quote.deliveryFee.minor == 0)
        // The store lowers its price: the next quote says so, the one after does not repeat it.
        try await s.catalog.setStorePrice(100, store: store.id, sku: "WINE-001")
        quote = try await s.carts.quote(by: s.customer)
        #expect(quote.lines[0].unitPrice.minor == 100)
        #expect(quote.notices.count == 1 && quote.notices[0].contains("changed from") && quote.notices[0].contains("to 1.00 EUR"))
        #expect(try await s.carts.quote(by: s.customer).notices.isEmpty)
    }

    @Test("no fulfilment, an empty cart, the minimum order and bad lines: refused or reported with the field")
    func problems() async throws {
        let s = try await Self.setup()
        #expect(try await s.carts.quote(by: s.customer).lines.isEmpty)
        _ = try await s.carts.add(1, of: "PANTRY-007", by: s.customer)
        #expect(try await s.carts.quote(by: s.customer).problems.map(\.field) == ["fulfilment"])
        _ = try await s.carts.choose(.delivery(s.home.id), by: s.customer)
        // One cheap item is below the demo zones' minimum order (10.00 EUR).
        var small: CartQuote?
        for sku in DemoCatalog.skus.sorted(by: { ($0.priceMinor ?? 0) < ($1.priceMinor ?? 0) }) {
            _ = try await s.carts.setQuantity(0, of: "PANTRY-007", by: s.customer)
            for line in try await s.carts.cart(of: s.customer).lines { _ = try await s.carts.setQuantity(0, of: line.sku, by: s.customer) }
            _ = try await s.carts.add(1, of: sku.code, by: s.customer)
            let q = try await s.carts.quote(by: s.customer)
            if q.store != nil { small = q; break }
        }
        let quote = try #require(small)
        #expect(quote.subtotal.minor < quote.zone!.minimumOrderMinor)
        #expect(!quote.canCheckOut && quote.problems.contains { $0.field == "lines" && $0.message.contains("minimum order for delivery here is 10.00 EUR") })
        _ = try await s.carts.setQuantity(0, of: quote.lines[0].sku, by: s.customer)
        _ = try await s.carts.add(1, of: "PANTRY-007", by: s.customer)
        for (body, field) in [({ _ = try await s.carts.add(0, of: "DAIRY-001", by: s.customer) }, "qty"),
                              ({ _ = try await s.carts.setQuantity(1_000, of: "DAIRY-001", by: s.customer) }, "qty"),
                              ({ _ = try await s.carts.add(1, of: "NOPE-1", by: s.customer) }, "sku"),
                              ({ _ = try await s.carts.choose(.pickup(StoreID(99_999)), by: s.customer) }, "store_id"),
                              ({ _ = try await s.carts.choose(.delivery(AddressID(99_999)), by: s.customer) }, "address_id")]
            as [(() async throws -> Void, String)] {
            do { try await body(); Issue.record("accepted: \(field)") } catch let e as DomainError { #expect(e.field == field) }
        }
        // Another customer's address is not one to deliver to.
        let bo = try await s.accounts.register(AccountDraft(email: "bo@example.com", name: "Bo"), password: "password two")
        do { _ = try await s.carts.choose(.delivery(s.home.id), by: bo.principal); Issue.record("accepted") } catch let e as DomainError {
            #expect(e.field == "address_id")
        }
        // Quantities change and lines go.
        _ = try await s.carts.setQuantity(3, of: "PANTRY-007", by: s.customer)
        #expect(try await s.carts.cart(of: s.customer).lines.map(\.quantity) == [3])
        _ = try await s.carts.setQuantity(0, of: "PANTRY-007", by: s.customer)
        #expect(try await s.carts.cart(of: s.customer).lines.isEmpty)
    }
}
