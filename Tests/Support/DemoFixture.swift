import Accounts
import Catalog
import Commerce
import Logging
import Marketing
import Orders
import Payments
import Foundation
import GeoCore
import Synchronization
import Dispatching
import Persistence
import StoreImport
import Stores

/// Databases for tests: empty, or holding the imported Porto demo city.
public enum DemoFixture {
    /// The repository's GeoData folder.
    public static let geoData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GeoData")

    /// A fresh on-disk database in a temporary folder (nil path: in memory).
    public static func emptyDatabase(onDisk: Bool = true) throws -> (SpatiaLiteDatabase, URL?) {
        guard onDisk else { return (try SpatiaLiteDatabase(path: nil), nil) }
        let folder = TestFiles.fresh("db")
        let db = try SpatiaLiteDatabase(path: folder.appendingPathComponent("o2o.sqlite").path)
        return (db, folder)
    }

    /// A service over a fresh database, with the clock fixed at `now`.
    public static func service(_ db: SpatiaLiteDatabase, now: Date = Date(timeIntervalSince1970: 1_767_603_600)) -> StoreService {
        StoreService(repository: SpatiaLiteStoreRepository(database: db), finder: StoreFinder(), now: { now })
    }

    /// A database holding the demo city, imported once per process and copied for each caller.
    public static func demoDatabase() async throws -> (SpatiaLiteDatabase, StoreService, ImportReport) {
        let (db, _) = try emptyDatabase()
        let service = service(db)
        let report = try await Importer(service: service).importDemoCity(geoData: geoData)
        return (db, service, report)
    }
}

/// A clock tests move by hand.
public final class TestClock: Sendable {
    private let state: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_603_600)) { state = Mutex(start) }
    public var now: Date { state.withLock { $0 } }
    public func advance(_ seconds: TimeInterval) { state.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

extension DemoFixture {
    /// Accounts over the database, with bcrypt at its least cost (tests sign in often).
    public static func accounts(_ db: SpatiaLiteDatabase, stores: StoreService, throttle: LoginThrottle = LoginThrottle(),
                                sessionLifetime: TimeInterval = 3_600,
                                now: @escaping @Sendable () -> Date = { Date() }) -> AccountService {
        AccountService(repository: SpatiaLiteAccountRepository(database: db), hasher: BcryptHasher(cost: 4), throttle: throttle,
                       sessionLifetime: sessionLifetime, now: now, storeExists: { [finder = stores.finder] in finder.store($0) != nil })
    }

    /// The catalog over the database, seeded with a product per SKU it holds.
    public static func catalog(_ db: SpatiaLiteDatabase, stores: StoreService) async throws -> CatalogService {
        let catalog = CatalogService(repository: SpatiaLiteCatalogRepository(database: db), stores: stores)
        try await catalog.seedFromSKUs()
        return catalog
    }

    /// Carts over the database.
    public static func carts(_ db: SpatiaLiteDatabase, accounts: AccountService, catalog: CatalogService,
                             now: @escaping @Sendable () -> Date = { Date() }) -> CartService {
        CartService(repository: SpatiaLiteCartRepository(database: db), accounts: accounts, catalog: catalog,
                    discounts: MarketingDiscounts(repository: SpatiaLiteMarketingRepository(database: db), categories: { try await catalog.categorySlugs(of: $0) },
                                                  now: now),
                    now: now)
    }

    /// The commerce services over the demo database, all on one test clock.
    public static func clockedCommerce() async throws
        -> (db: SpatiaLiteDatabase, stores: StoreService, accounts: AccountService, carts: CartService, orders: OrderService, clock: TestClock) {
        let (db, demo, _) = try await demoDatabase()
        let clock = TestClock()
        let stores = StoreService(repository: demo.repository, finder: demo.finder, now: { clock.now })
        let accounts = accounts(db, stores: stores, now: { clock.now })
        let catalog = try await catalog(db, stores: stores)
        let carts = carts(db, accounts: accounts, catalog: catalog, now: { clock.now })
        return (db, stores, accounts, carts, orders(db, carts: carts, stores: stores, now: { clock.now }), clock)
    }

    /// Membership, coupons and flash sales over the database.
    public static func marketing(_ db: SpatiaLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }) -> MarketingService {
        MarketingService(repository: SpatiaLiteMarketingRepository(database: db), now: now)
    }

    /// Accounts, catalog and carts over the demo database, as the server wires them.
    public static func commerce(_ db: SpatiaLiteDatabase, stores: StoreService) async throws -> (AccountService, CatalogService, CartService) {
        let accounts = accounts(db, stores: stores)
        let catalog = try await catalog(db, stores: stores)
        return (accounts, catalog, carts(db, accounts: accounts, catalog: catalog))
    }

    /// Ana, a customer with a home address in central Porto (where the demo stores deliver).
    public static func customer(_ accounts: AccountService) async throws -> (Principal, DeliveryAddress) {
        let ana = try await accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "correct horse")
        let home = try await accounts.addAddress(AddressDraft(recipient: "Ana", phone: "+351 912 345 678", line: "Rua de Santa Catarina 100",
                                                              given: Coordinate(latitude: 41.1486, longitude: -8.6063)), by: ana.principal)
        return (ana.principal, home)
    }

    /// Orders over the database.
    /// (Its clock stands at the demo services' fixed instant unless told otherwise: reservations
    /// and payment deadlines are then on one clock.)
    public static func orders(_ db: SpatiaLiteDatabase, carts: CartService, stores: StoreService, payWindow: Int = 900,
                              now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_767_603_600) }) -> OrderService {
        OrderService(repository: SpatiaLiteOrderRepository(database: db), carts: carts, stores: stores, payWindow: payWindow, now: now)
    }

    /// A service over `db` whose clock is `clock`.
    public static func service(_ db: SpatiaLiteDatabase, clock: TestClock, lowThreshold: Int = 5) -> StoreService {
        StoreService(repository: SpatiaLiteStoreRepository(database: db, defaultLowThreshold: lowThreshold), finder: StoreFinder(),
                     now: { clock.now })
    }
}

extension DemoFixture {
    /// A dispatch service over `db` whose clock is `now`.
    public static func dispatch(_ db: SpatiaLiteDatabase, options: DispatchOptions = DispatchOptions(),
                                now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_767_603_600) }) -> DispatchService {
        DispatchService(storage: SpatiaLiteDispatchRepository(database: db), eta: HaversineETAModel.city("porto")!,
                        options: options, now: now)
    }
}

extension DemoFixture {
    /// A fresh folder for the sandbox providers' records.
    public static func sandboxRecords() -> SandboxRecords {
        SandboxRecords(folder: TestFiles.fresh("sandbox"))
    }

    /// Sandbox keys for every provider, made once per test process (RSA keys take a while).
    public static let paymentSettings: PaymentSettings = try! PaymentSettings.sandbox(notifyBaseURL: "http://127.0.0.1:8080", records: "")

    /// Payments over the database with the sandbox providers, whose records go to a fresh
    /// folder; the gateway plays the providers.
    public static func payments(_ db: SpatiaLiteDatabase, orders: OrderService, settings: PaymentSettings = paymentSettings,
                                records: SandboxRecords = sandboxRecords(),
                                now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_767_603_600) }) throws -> (PaymentService, SandboxGateway) {
        let gateway = SandboxGateway(providers: try settings.sandboxProviders(), records: records, now: now)
        let payments = PaymentService(repository: SpatiaLitePaymentRepository(database: db), orders: orders, providers: try settings.providers(),
                                      gateway: gateway, statements: records, notifyBaseURL: settings.notifyBaseURL,
                                      logger: Logger(label: "o2o.payments", factory: { _ in SwiftLogNoOpLogHandler() }), now: now)
        return (payments, gateway)
    }
}
