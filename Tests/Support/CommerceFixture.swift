import Accounts
import Commerce
import Kernel
import Orders
import Persistence
import Stores

/// The demo city with a customer at home, carts and orders on a clock the test moves: what the
/// order, payment and marketing suites start from.
public struct CommerceFixture: Sendable {
    public let stores: StoreService
    public let accounts: AccountService
    public let carts: CartService
    public let orders: OrderService
    public let clock: TestClock
    public let customer: Principal
    public let home: DeliveryAddress
    public let db: SpatiaLiteDatabase

    public static func make() async throws -> CommerceFixture {
        let (db, stores, accounts, carts, orders, clock) = try await DemoFixture.clockedCommerce()
        let (ana, home) = try await DemoFixture.customer(accounts)
        return CommerceFixture(stores: stores, accounts: accounts, carts: carts, orders: orders, clock: clock, customer: ana, home: home, db: db)
    }

    /// A staff account for the store.
    public func staff(_ store: StoreID, _ email: String = "staff@example.com") async throws -> Principal {
        let admin = Principal(account: AccountID(0), role: .admin)
        return try await accounts.create(AccountDraft(email: email, name: "Staff", role: .staff, stores: [store]),
                                         password: "staff password", by: admin).principal
    }

    /// A delivery cart of milk (two pass the demo zones' minimum order).
    public func fill(quantity: Int = 3) async throws {
        _ = try await carts.setQuantity(quantity, of: "DAIRY-001", by: customer)
        _ = try await carts.choose(.delivery(home.id), by: customer)
    }
}
