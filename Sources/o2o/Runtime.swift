import Accounts
import Catalog
import ArgumentParser
import Dispatching
import Foundation
import GeoCore
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

    static func progressPrinter() -> @Sendable (Int, Int) -> Void {
        { done, total in
            FileHandle.standardError.write(Data("  … \(done)/\(total) stores written\n".utf8))
        }
    }

    /// Prints a refusal the way a person at a terminal wants it, and exits non-zero.
    static func fail(_ error: any Error) -> ExitCode {
        let message: String
        switch error {
        case let e as StoreError: message = e.field.map { "\($0): \(e.message)" } ?? e.message
        case let e as GeoError: message = "\(e.field): \(e.message)"
        case let e as DispatchError: message = e.description
        case let e as AccountError: message = e.description
        case let e as CSV.Error: message = e.description
        default: message = String(describing: error)
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(1)
    }
}
