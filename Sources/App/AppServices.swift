import Accounts
import Catalog
import Commerce
import Dispatching
import Foundation
import Kernel
import Logging
import Marketing
import Orders
import Payments
import Persistence
import Reports
import StoreImport
import Stores

/// The service graph over one database: every domain service built once, wired to its
/// repositories and to each other. The server and the command line both start here.
public struct AppServices: Sendable {
    public let database: SpatiaLiteDatabase
    public let stores: StoreService
    public let dispatch: DispatchService
    public let accounts: AccountService
    public let catalog: CatalogService
    public let marketing: MarketingService
    public let carts: CartService
    public let orders: OrderService
    public let payments: PaymentService
    public let cancellations: OrderCancellation
    public let reports: any ReportRepository

    /// Opens the database and builds every service, importing the demo city into an empty
    /// database when the configuration says so.
    public static func open(_ configuration: AppConfiguration, logger: Logger) async throws -> AppServices {
        let (db, stores) = try await AppDatabase.open(configuration.database, importDemoWhenEmpty: configuration.importDemo) { logger.info("\($0)") }
        logger.info("index holds \(stores.finder.storeCount) stores, \(stores.finder.zoneCount) zones, \(stores.finder.skuCount) SKUs")
        let dispatch = DispatchService(storage: SpatiaLiteDispatchRepository(database: db), eta: configuration.eta, options: configuration.dispatch)
        try await dispatch.load()
        logger.info("dispatch holds \(dispatch.riderCount) riders, \(dispatch.activeDeliveryCount) active deliveries")
        let accounts = AppDatabase.accounts(db, stores: stores, cost: configuration.bcryptCost)
        let catalog = AppDatabase.catalog(db, stores: stores)
        // A database without a catalog yet (the demo city's first run) gets a product per SKU.
        let seeded = try await catalog.seedFromSKUs()
        if seeded > 0 { logger.info("catalog: a product for each of \(seeded) SKUs") }
        let marketing = MarketingService(repository: SpatiaLiteMarketingRepository(database: db))
        let carts = CartService(repository: SpatiaLiteCartRepository(database: db), accounts: accounts, catalog: catalog,
                                discounts: MarketingDiscounts(repository: marketing.repository, categories: { try await catalog.categorySlugs(of: $0) }))
        let orders = OrderService(repository: SpatiaLiteOrderRepository(database: db), carts: carts, stores: stores,
                                  couriers: DispatchCouriers(dispatch: dispatch, stores: stores))
        let paymentsFile = configuration.paymentsFile.map(URL.init(fileURLWithPath:))
            ?? URL(fileURLWithPath: configuration.database.path).deletingLastPathComponent().appendingPathComponent("payments.json")
        let payments = try AppDatabase.payments(db, orders: orders, file: paymentsFile, publicURL: configuration.publicURL,
                                                defaultURL: "http://\(configuration.host):\(configuration.port)", logger: logger)
        return AppServices(database: db, stores: stores, dispatch: dispatch, accounts: accounts, catalog: catalog, marketing: marketing,
                           carts: carts, orders: orders, payments: payments,
                           cancellations: OrderCancellation(orders: orders, payments: payments),
                           reports: SpatiaLiteReportRepository(database: db))
    }
}

/// The database and the services the command line's smaller commands need one at a time.
public enum AppDatabase {
    /// Opens the database and fills the finder, importing the demo city into an empty database
    /// when asked to.
    public static func open(_ configuration: DatabaseConfiguration, importDemoWhenEmpty: Bool,
                            log: (String) -> Void) async throws -> (SpatiaLiteDatabase, StoreService) {
        let database = try SpatiaLiteDatabase(path: configuration.path)
        let repository = SpatiaLiteStoreRepository(database: database, defaultLowThreshold: configuration.lowStockThreshold)
        let service = StoreService(repository: repository, finder: StoreFinder())
        try await service.reload()
        if service.finder.storeCount == 0, importDemoWhenEmpty {
            log("empty database \(configuration.path): importing the demo city from \(configuration.geoData)")
            let report = try await Importer(service: service, progress: progressPrinter()).importDemoCity(
                geoData: URL(fileURLWithPath: configuration.geoData))
            log(report.description)
        }
        return (database, service)
    }

    /// Progress of a long import on standard error.
    public static func progressPrinter() -> @Sendable (Int, Int) -> Void {
        { done, total in
            FileHandle.standardError.write(Data("  … \(done)/\(total) stores written\n".utf8))
        }
    }

    /// The accounts service over the database, checking store ids against the finder.
    public static func accounts(_ db: SpatiaLiteDatabase, stores: StoreService, cost: UInt8 = 10) -> AccountService {
        AccountService(repository: SpatiaLiteAccountRepository(database: db), hasher: BcryptHasher(cost: cost),
                       storeExists: { [finder = stores.finder] in finder.store($0) != nil })
    }

    /// The catalog over the database (prices in euros, as the demo city's).
    public static func catalog(_ db: SpatiaLiteDatabase, stores: StoreService) -> CatalogService {
        CatalogService(repository: SpatiaLiteCatalogRepository(database: db), stores: stores)
    }

    /// Payments with the configured providers. A missing settings file gets fresh sandbox keys
    /// for every provider; refunds go to the sandbox gateway, whose records are the statements.
    public static func payments(_ db: SpatiaLiteDatabase, orders: OrderService, file: URL, publicURL: String?, defaultURL: String,
                                logger: Logger) throws -> PaymentService {
        let (settings, created) = try PaymentSettings.loadOrCreateSandbox(file, notifyBaseURL: publicURL ?? defaultURL)
        if created { logger.notice("payments: new sandbox keys for alipay, wechat and unionpay in \(file.path)") }
        let records = SandboxRecords(folder: URL(fileURLWithPath: settings.sandboxRecords ?? file.deletingLastPathComponent().appendingPathComponent("payment-sandbox").path))
        let providers = try settings.providers()
        logger.info("payments: \(providers.keys.map(\.rawValue).sorted().joined(separator: ", ")) (sandbox), notifications to \(publicURL ?? settings.notifyBaseURL)")
        return PaymentService(repository: SpatiaLitePaymentRepository(database: db), orders: orders, providers: providers,
                              gateway: SandboxGateway(providers: try settings.sandboxProviders(), records: records), statements: records,
                              notifyBaseURL: publicURL ?? settings.notifyBaseURL, logger: logger)
    }
}
