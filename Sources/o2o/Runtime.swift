import Accounts
import Catalog
import ArgumentParser
import Dispatching
import Foundation
import GeoCore
import Kernel
import Logging
import Orders
import Payments
import Persistence
import StoreImport
import Stores

/// Opens the database and fills the finder, importing the demo city into an empty database
/// when asked to.
enum Runtime {
    static func open(_ options: DatabaseOptions, importDemoWhenEmpty: Bool, log: (String) -> Void) async throws -> (SpatiaLiteDatabase, StoreService) {
        let database = try SpatiaLiteDatabase(path: options.db)
        let repository = SpatiaLiteStoreRepository(database: database, defaultLowThreshold: options.lowStockThreshold)
        let service = StoreService(repository: repository, finder: StoreFinder())
        try await service.reload()
        if service.finder.storeCount == 0, importDemoWhenEmpty {
            log("empty database \(options.db): importing the demo city from \(options.geodata)")
            let report = try await Importer(service: service, progress: progressPrinter()).importDemoCity(
                geoData: URL(fileURLWithPath: options.geodata))
            log(report.description)
        }
        return (database, service)
    }

    /// The accounts service over the database, checking store ids against the finder.
    static func accounts(_ db: SpatiaLiteDatabase, stores: StoreService, cost: UInt8 = 10) -> AccountService {
        AccountService(repository: SpatiaLiteAccountRepository(database: db), hasher: BcryptHasher(cost: cost),
                       storeExists: { [finder = stores.finder] in finder.store($0) != nil })
    }

    /// The catalog over the database (prices in euros, as the demo city's).
    static func catalog(_ db: SpatiaLiteDatabase, stores: StoreService) -> CatalogService {
        CatalogService(repository: SpatiaLiteCatalogRepository(database: db), stores: stores)
    }

    /// Payments with the configured providers. A missing settings file gets fresh sandbox keys
    /// for every provider; refunds go to the sandbox gateway, whose records are the statements.
    static func payments(_ db: SpatiaLiteDatabase, orders: OrderService, file: URL, publicURL: String?, defaultURL: String,
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

    static func progressPrinter() -> @Sendable (Int, Int) -> Void {
        { done, total in
            FileHandle.standardError.write(Data("  … \(done)/\(total) stores written\n".utf8))
        }
    }

    /// Prints a refusal the way a person at a terminal wants it, and exits non-zero.
    static func fail(_ error: any Error) -> ExitCode {
        let message: String
        switch error {
        case let e as DomainError: message = e.description
        case let e as GeoError: message = "\(e.field): \(e.message)"
        case let e as CSV.Error: message = e.description
        default: message = String(describing: error)
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(1)
    }
}
