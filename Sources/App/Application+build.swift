import Accounts
import Foundation
import HTTPAPI
import Hummingbird
import Kernel
import Logging
import Persistence
import ServiceLifecycle

/// The HTTP application over the services: the router with every route, listening where the
/// configuration says.
public func buildApplication(_ services: AppServices, configuration: AppConfiguration, logger: Logger,
                             onReady: (@Sendable (Int) async -> Void)? = nil) -> some ApplicationProtocol {
    let router = buildRouter(service: services.stores, dispatch: services.dispatch, accounts: services.accounts, catalog: services.catalog,
                             carts: services.carts, orders: services.orders, payments: services.payments, marketing: services.marketing,
                             reports: services.reports, geometry: { try SpatiaLiteGeometry() }, writeLimit: configuration.writeLimit,
                             geoData: URL(fileURLWithPath: configuration.database.geoData),
                             compute: ComputeGate(timeLimit: configuration.computeTimeLimit),
                             console: ConsoleConfiguration(leaflet: URL(fileURLWithPath: configuration.leaflet)))
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeout / .milliseconds(1))))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "o2o"),
        onServerRunning: { channel in await onReady?(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Runs the HTTP server with the background work beside it until SIGINT or SIGTERM. A group
/// shuts down from the last service to the first: the event streams end (so open SSE
/// connections do not hold the server up), the sweepers stop, the running dispatch round
/// finishes, the server drains its requests, then rider positions are flushed a last time.
public func runServer(_ services: AppServices, configuration: AppConfiguration, logger: Logger,
                      onReady: (@Sendable (Int) async -> Void)? = nil) async throws {
    let app = buildApplication(services, configuration: configuration, logger: logger, onReady: onReady)
    let group = ServiceGroup(configuration: .init(
        services: [PositionFlusher(dispatch: services.dispatch, interval: configuration.intervals.positionFlush, logger: logger), app,
                   DispatchRounds(dispatch: services.dispatch, interval: configuration.intervals.dispatchRound, logger: logger)]
            + sweepers(services, intervals: configuration.intervals, logger: logger)
            + [CourierReports(dispatch: services.dispatch, orders: services.orders, logger: logger),
               EventStreamCloser(service: services.stores, dispatch: services.dispatch)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

/// The periodic work that keeps the data true: holds and unpaid orders that lapsed, sessions,
/// payments to settle, points, groups and membership levels.
func sweepers(_ s: AppServices, intervals: BackgroundIntervals, logger: Logger) -> [any Service] {
    // The sweep gives up on a lapsed group's orders as the system, not as any person.
    let system = Principal(account: AccountID(0), role: .admin)
    return [
        PeriodicSweep(interval: intervals.sweep, logger: logger, what: "expired reservations released") { try await s.stores.releaseExpired() },
        PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "lapsed sessions deleted") { try await s.accounts.deleteLapsedSessions() },
        PeriodicSweep(interval: intervals.sweep, logger: logger, what: "unpaid orders expired") { try await s.orders.expireUnpaid() },
        PeriodicSweep(interval: intervals.paymentSettle, logger: logger, what: "payments applied or refunded") { try await s.payments.settle() },
        PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "customers' lapsed points expired") {
            try await s.marketing.expirePoints()
        },
        PeriodicSweep(interval: intervals.paymentSettle, logger: logger, what: "lapsed groups' orders cancelled or refunded") {
            try await s.marketing.failLapsedGroups { id, reason in _ = try await s.cancellations.cancel(OrderID(id), reason: reason, by: system) }
        },
        PeriodicSweep(interval: .seconds(3_600), logger: logger, what: "membership levels moved") {
            try await s.marketing.reviewLevels()
        },
    ]
}
