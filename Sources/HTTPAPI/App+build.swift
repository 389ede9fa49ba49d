import Accounts
import Catalog
import Commerce
import Kernel
import Orders
import Payments
import Dispatching
import Marketing
import Reports
import Foundation
import GeoCore
import Hummingbird
import Logging
import ServiceLifecycle
import Stores

/// Where and how the HTTP server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Each caller's writes, at most; nil for no limit.
    public var writeLimit: WriteRateLimit?
    /// A connection that sends nothing for this long is closed: an idle keep-alive connection,
    /// or a request whose head or body trickles in (a response being written is not cut).
    public var idleTimeout: Duration
    /// How long one long computation (a coverage report) may run before it is stopped.
    public var computeTimeLimit: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, writeLimit: WriteRateLimit? = nil,
                idleTimeout: Duration = .seconds(30), computeTimeLimit: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.writeLimit = writeLimit
        self.idleTimeout = idleTimeout
        self.computeTimeLimit = computeTimeLimit
    }
}

/// Builds the router: every route, behind the middleware that turns errors into problems.
public func buildRouter(service: StoreService, dispatch: DispatchService, accounts: AccountService, catalog: CatalogService,
                        carts: CartService, orders: OrderService, payments: PaymentService, marketing: MarketingService,
                        reports: any ReportRepository, metrics: ServerMetrics = ServerMetrics(),
                        writeLimit: WriteRateLimit? = nil, heartbeat: Duration = .seconds(15),
                        geoData: URL = URL(fileURLWithPath: "GeoData"), compute: ComputeGate = ComputeGate(),
                        console: ConsoleConfiguration = ConsoleConfiguration()) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: OpenAPIDocument.routes))
    router.add(middleware: AuthenticationMiddleware(accounts: accounts))
    if let writeLimit { router.add(middleware: WriteRateLimitMiddleware(limiter: WriteRateLimiter(writeLimit))) }
    router.get("/healthz") { _, _ in
        JSONBody(value: .object([
            "status": .string("ok"),
            "stores": .number(Double(service.finder.storeCount)),
            "zones": .number(Double(service.finder.zoneCount)),
            "skus": .number(Double(service.finder.skuCount)),
            "riders": .number(Double(dispatch.riderCount)),
            "active_deliveries": .number(Double(dispatch.activeDeliveryCount)),
        ]))
    }
    // Ready: the index is loaded (the router is built after it) and the database takes a write now.
    let probe = ReadinessProbe(service: service)
    router.get("/readyz") { _, context in
        guard await probe.writable(logger: context.logger) else {
            throw Problem(.serviceUnavailable, type: "not-ready", title: "Not ready", detail: "the database does not take writes")
        }
        return JSONBody(value: .object(["status": .string("ready"), "database": .string("writable"),
                                        "stores": .number(Double(service.finder.storeCount)), "skus": .number(Double(service.finder.skuCount))]))
    }
    router.get("/metrics") { _, context in
        _ = try context.admin("read the metrics")
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try await metrics.scrape(stores: service, dispatch: dispatch))))
    }
    router.get("/openapi.json") { _, _ in JSONBody(value: OpenAPIDocument.json) }
    router.get("/v1/ops/stock-check") { _, context in
        _ = try context.admin("compare the stock index with the database")
        let check = try await service.checkStock()
        return JSONBody(value: .object([
            "consistent": .bool(check.differences.isEmpty),
            "storage_rows": .number(Double(check.storageRows)), "index_rows": .number(Double(check.finderRows)),
            "differences": .array(check.differences.map(JSONValue.string)),
        ]))
    }
    StoreRoutes(service: service).register(on: router)
    StockRoutes(service: service).register(on: router)
    InventoryRoutes(service: service, heartbeat: heartbeat).register(on: router)
    DispatchRoutes(stores: service, dispatch: dispatch, heartbeat: heartbeat).register(on: router)
    CoverageRoutes(stores: service, geoData: geoData, gate: compute).register(on: router)
    AccountRoutes(accounts: accounts, stores: service).register(on: router)
    CatalogRoutes(catalog: catalog).register(on: router)
    CartRoutes(carts: carts).register(on: router)
    OrderRoutes(orders: orders, payments: payments).register(on: router)
    PaymentRoutes(payments: payments).register(on: router)
    MarketingRoutes(marketing: marketing, carts: carts).register(on: router)
    ReportRoutes(reports: reports).register(on: router)
    ConsoleRoutes(geoData: geoData, configuration: console).register(on: router)
    return router
}

/// How often the background work runs.
public struct BackgroundIntervals: Sendable {
    /// Releasing expired reservations.
    public var sweep: Duration = .seconds(1)
    /// Dispatch rounds (and lapsed offers); nil runs rounds only on request.
    public var dispatchRound: Duration? = .seconds(10)
    /// Writing rider positions to the database.
    public var positionFlush: Duration = .seconds(5)
    /// Settling payments: applying any a crash left unapplied, asking for refunds due.
    public var paymentSettle: Duration = .seconds(30)
    public init() {}
}

/// Runs the HTTP server with the reservation sweeper, the dispatch rounds and the position
/// flusher beside it until SIGINT or SIGTERM. On shutdown the event streams end first, so open
/// SSE connections do not hold the server up; the running round finishes and positions are
/// flushed a last time.
public func runServer(service: StoreService, dispatch: DispatchService, accounts: AccountService, catalog: CatalogService,
                      carts: CartService, orders: OrderService, payments: PaymentService, marketing: MarketingService,
                      reports: any ReportRepository, configuration: ServerConfiguration, logger: Logger,
                      intervals: BackgroundIntervals = BackgroundIntervals(), geoData: URL = URL(fileURLWithPath: "GeoData"),
                      onReady: (@Sendable (Int) async -> Void)? = nil) async throws {
    let app = Application(
        router: buildRouter(service: service, dispatch: dispatch, accounts: accounts, catalog: catalog, carts: carts, orders: orders,
                            payments: payments, marketing: marketing, reports: reports, writeLimit: configuration.writeLimit, geoData: geoData,
                            compute: ComputeGate(timeLimit: configuration.computeTimeLimit)),
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeout / .milliseconds(1))))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "o2o"),
        onServerRunning: { channel in await onReady?(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    // A group shuts down from the last service to the first: streams end, the sweeper stops,
    // the running round finishes, the server drains its requests, then positions are flushed.
    let group = ServiceGroup(configuration: .init(
        services: [PositionFlusher(dispatch: dispatch, interval: intervals.positionFlush, logger: logger), app,
                   DispatchRounds(dispatch: dispatch, interval: intervals.dispatchRound, logger: logger),
                   ReservationSweeper(service: service, interval: intervals.sweep, logger: logger),
                   PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "lapsed sessions deleted") {
                       try await accounts.deleteLapsedSessions()
                   },
                   PeriodicSweep(interval: intervals.sweep, logger: logger, what: "unpaid orders expired") { try await orders.expireUnpaid() },
                   PeriodicSweep(interval: intervals.paymentSettle, logger: logger, what: "payments applied or refunded") { try await payments.settle() },
                   PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "customers' lapsed points expired") {
                       try await marketing.repository.expirePoints(at: Date())
                   },
                   PeriodicSweep(interval: intervals.paymentSettle, logger: logger, what: "lapsed groups' orders cancelled or refunded") {
                       try await marketing.failLapsedGroups { id, reason in
                           let order = try await orders.cancel(OrderID(id), reason: reason, by: Principal(account: AccountID(0), role: .admin))
                           if order.status == .refunded { await payments.orderRefunded(order.id) }
                       }
                   },
                   PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "membership levels moved") {
                       try await marketing.repository.reviewLevels(at: Date())
                   },
                   CourierReports(dispatch: dispatch, orders: orders, logger: logger),
                   EventStreamCloser(service: service, dispatch: dispatch)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// Lets go of reservations whose time ran out, every `interval`.
public struct ReservationSweeper: Service {
    let service: StoreService
    let interval: Duration
    let logger: Logger

    public init(service: StoreService, interval: Duration, logger: Logger) {
        self.service = service; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let released = try await service.releaseExpired()
                if released > 0 { logger.info("released \(released) expired reservation(s)") }
            } catch {
                logger.error("releasing expired reservations failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Work run every `interval` until shutdown: lapsed sessions deleted, unpaid orders expired.
/// Each run's count is logged when it did something.
struct PeriodicSweep: Service {
    let interval: Duration
    let logger: Logger
    /// What the count counts ("lapsed sessions deleted").
    let what: String
    let work: @Sendable () async throws -> Int

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let done = try await work()
                if done > 0 { logger.info("\(what): \(done)") }
            } catch {
                logger.error("\(what) failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Ends the live event streams when shutdown begins.
struct EventStreamCloser: Service {
    let service: StoreService
    let dispatch: DispatchService

    func run() async throws {
        try? await gracefulShutdown()
        service.events.finish()
        dispatch.tracking.finish()
        dispatch.board.finish()
    }
}

/// The readiness probe's write, made at most once every two seconds however often `/readyz` is
/// asked (so probes cannot crowd the database's one writer), within a second or not at all.
actor ReadinessProbe {
    let service: StoreService
    var last: (at: ContinuousClock.Instant, ok: Bool)?

    init(service: StoreService) { self.service = service }

    func writable(logger: Logger) async -> Bool {
        if let last, ContinuousClock.now - last.at < .seconds(2) { return last.ok }
        let ok: Bool
        do {
            ok = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await self.service.repository.probeWrite(); return true }
                group.addTask { try await Task.sleep(for: .seconds(1)); return false }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
        } catch {
            logger.error("readiness: the database does not take writes: \(error)")
            ok = false
        }
        last = (ContinuousClock.now, ok)
        return ok
    }
}
