import Orders
import Payments
import Commerce
import Accounts
import ArgumentParser
import Dispatching
import Foundation
import HTTPAPI
import Persistence
import Hummingbird
import Logging
import Marketing
import NIOCore
import NIOPosix

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API; an empty database gets the demo city first.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Flag(help: "Start with an empty database instead of importing the demo city into it.")
    var noDemo = false

    @Option(help: "Seconds between sweeps that release expired reservations.")
    var sweepInterval: Double = 1

    @Option(help: "Seconds between dispatch rounds; 0 runs rounds only when POST /v1/dispatch/rounds asks.")
    var dispatchInterval: Double = 10

    @Option(help: "Seconds between writes of rider positions to the database.")
    var positionFlushInterval: Double = 5

    @Option(help: "The city whose travel-time factors dispatch uses: porto or helsinki.")
    var etaCity: String = "porto"

    @Option(help: "Road distance over straight-line distance, instead of the city's (Porto 1.4, Helsinki 1.3).")
    var detourFactor: Double?

    @Option(help: "Seconds at the store collecting an order (default 120).")
    var pickupServiceSeconds: Double?

    @Option(help: "Seconds at the door handing it over (default 120).")
    var dropServiceSeconds: Double?

    @Option(help: "bcrypt's cost for new passwords (2^cost rounds; 4 to 31).")
    var bcryptCost: UInt8 = 10

    @Option(help: "Seconds a rider has to accept an offer before it returns to the pool.")
    var offerTimeout: Double = 60

    @Option(help: ArgumentHelp("The payment settings (JSON with the providers' keys).",
                               discussion: "Default: $O2O_PAYMENTS, else payments.json beside the database. A missing file is created with fresh sandbox keys."))
    var payments: String?

    @Option(help: "Writes (non-GET requests) one caller may make a second, sustained; 0 for no limit.")
    var writeRate: Double = 50

    @Option(help: "Writes one caller may make at once before the rate applies.")
    var writeBurst: Double = 500

    @Option(help: "Seconds a connection may send nothing before it is closed (idle keep-alive, or a request trickling in).")
    var idleTimeout: Double = 30

    @Option(help: "Seconds one long computation (a coverage report) may run before it is stopped with 503.")
    var computeLimit: Double = 60

    @Option(help: "The base URL payment providers reach this server at (default http://HOST:PORT, or the settings' notify_base_url).")
    var publicURL: String?

    /// The city's travel-time factors with any overrides, checked.
    func etaModel() throws -> HaversineETAModel {
        var model = HaversineETAModel.city(etaCity)!
        if let detourFactor { model.detourFactor = detourFactor }
        if let pickupServiceSeconds { model.pickupServiceSeconds = pickupServiceSeconds }
        if let dropServiceSeconds { model.dropServiceSeconds = dropServiceSeconds }
        do { try model.validate() } catch {
            let flag = ["detour_factor": "--detour-factor", "pickup_service_s": "--pickup-service-seconds",
                        "drop_service_s": "--drop-service-seconds"][error.field ?? ""] ?? "--eta-city"
            throw ValidationError("\(flag): \(error.message)")
        }
        return model
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 (any free port) and 65535") }
        guard sweepInterval >= 0.01, sweepInterval <= 3600 else { throw ValidationError("--sweep-interval must be between 0.01 and 3600 seconds") }
        guard dispatchInterval == 0 || (0.1...3600).contains(dispatchInterval) else {
            throw ValidationError("--dispatch-interval must be 0 (on request only) or between 0.1 and 3600 seconds")
        }
        guard (0.1...3600).contains(positionFlushInterval) else {
            throw ValidationError("--position-flush-interval must be between 0.1 and 3600 seconds")
        }
        guard HaversineETAModel.city(etaCity) != nil else { throw ValidationError("--eta-city must be porto or helsinki") }
        guard (4...31).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be between 4 and 31") }
        guard writeRate >= 0, writeRate.isFinite else { throw ValidationError("--write-rate must be 0 (no limit) or more") }
        guard writeBurst >= 1, writeBurst <= 1_000_000 else { throw ValidationError("--write-burst must be between 1 and 1000000") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be between 1 and 3600 seconds") }
        guard (1...3600).contains(computeLimit) else { throw ValidationError("--compute-limit must be between 1 and 3600 seconds") }
        guard (1...3600).contains(offerTimeout) else { throw ValidationError("--offer-timeout must be between 1 and 3600 seconds") }
        _ = try etaModel()
    }

    func run() async throws {
        var logger = Logger(label: "o2o")
        logger.logLevel = .info
        // Handlers run on the event loops that read their requests instead of hopping to
        // Swift's global pool and back: one thread switch fewer per request. The handlers only
        // await, never block (SQLite work runs on the database's own queues).
        if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            logger.notice("the event loops could not take over as Swift's global executor; handlers hop between threads")
        }
        do {
            let (db, service) = try await Runtime.open(database, importDemoWhenEmpty: !noDemo) { logger.info("\($0)") }
            logger.info("index holds \(service.finder.storeCount) stores, \(service.finder.zoneCount) zones, \(service.finder.skuCount) SKUs")
            var options = DispatchOptions()
            options.offerTimeout = offerTimeout
            let dispatch = DispatchService(storage: SpatiaLiteDispatchRepository(database: db), eta: try etaModel(),
                                           options: options)
            try await dispatch.load()
            logger.info("dispatch holds \(dispatch.riderCount) riders, \(dispatch.activeDeliveryCount) active deliveries")
            var intervals = BackgroundIntervals()
            intervals.sweep = .milliseconds(Int(sweepInterval * 1000))
            intervals.dispatchRound = dispatchInterval == 0 ? nil : .milliseconds(Int(dispatchInterval * 1000))
            intervals.positionFlush = .milliseconds(Int(positionFlushInterval * 1000))
            let accounts = Runtime.accounts(db, stores: service, cost: bcryptCost)
            let catalog = Runtime.catalog(db, stores: service)
            // A database without a catalog yet (the demo city's first run) gets a product per SKU.
            let seeded = try await catalog.seedFromSKUs()
            if seeded > 0 { logger.info("catalog: a product for each of \(seeded) SKUs") }
            let marketing = MarketingService(repository: SpatiaLiteMarketingRepository(database: db))
            let carts = CartService(repository: SpatiaLiteCartRepository(database: db), accounts: accounts, catalog: catalog,
                                    discounts: MarketingDiscounts(repository: marketing.repository, categories: { try await catalog.categorySlugs(of: $0) }))
            let orders = OrderService(repository: SpatiaLiteOrderRepository(database: db), carts: carts, stores: service,
                                      couriers: DispatchCouriers(dispatch: dispatch, stores: service))
            let paymentsFile = PaymentsFile.resolve(payments, beside: database.db)
            let payments = try Runtime.payments(db, orders: orders, file: paymentsFile, publicURL: publicURL,
                                                defaultURL: "http://\(host):\(port)", logger: logger)
            try await runServer(service: service, dispatch: dispatch, accounts: accounts, catalog: catalog, carts: carts, orders: orders, payments: payments,
                                marketing: marketing, reports: SpatiaLiteReportRepository(database: db), configuration: ServerConfiguration(
                host: host, port: port, writeLimit: writeRate == 0 ? nil : WriteRateLimit(perSecond: writeRate, burst: writeBurst),
                idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), computeTimeLimit: .milliseconds(Int64(computeLimit * 1000))),
                                logger: logger, intervals: intervals, geoData: URL(fileURLWithPath: database.geodata)) { [host] port in
                // One line on stdout, for scripts that start the server on port 0.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
