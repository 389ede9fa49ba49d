import Accounts
import Catalog
import Commerce
import Coverage
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
import Stores

/// Builds the router: every route, behind the middleware that turns errors into problems.
public func buildRouter(service: StoreService, dispatch: DispatchService, accounts: AccountService, catalog: CatalogService,
                        carts: CartService, orders: OrderService, payments: PaymentService, marketing: MarketingService,
                        reports: any ReportRepository, geometry: @escaping @Sendable () throws -> any GeometryEngine,
                        metrics: ServerMetrics = ServerMetrics(),
                        writeLimit: WriteRateLimit? = nil, heartbeat: Duration = .seconds(15),
                        geoData: URL = URL(fileURLWithPath: "GeoData"), compute: ComputeGate = ComputeGate(),
                        console: ConsoleConfiguration = ConsoleConfiguration()) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: APIContract.routes))
    router.add(middleware: AuthenticationMiddleware(accounts: accounts))
    if let writeLimit { router.add(middleware: WriteRateLimitMiddleware(limiter: WriteRateLimiter(writeLimit))) }
    // The operations that implement the protocol generated from openapi.yaml; the rest below
    // are still routed by hand while they move over.
    let handlers = APIHandlers(stores: service, dispatch: dispatch, catalog: catalog, accounts: accounts, orders: orders,
                               cancellations: OrderCancellation(orders: orders, payments: payments), carts: carts,
                               marketing: marketing, payments: payments, reports: reports,
                               probe: ReadinessProbe(service: service), serverMetrics: metrics)
    do {
        try handlers.register(on: router)
    } catch {
        preconditionFailure("the generated routes do not register: \(error)")
    }
    StoreRoutes(service: service).register(on: router)
    InventoryRoutes(service: service, heartbeat: heartbeat).register(on: router)
    DispatchStreams(handlers: handlers, heartbeat: heartbeat).register(on: router)
    CoverageRoutes(stores: service, geoData: geoData, gate: compute, geometry: geometry).register(on: router)
    PaymentNotifyRoute(payments: payments).register(on: router)
    ConsoleRoutes(geoData: geoData, configuration: console).register(on: router)
    return router
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
