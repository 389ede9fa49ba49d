import Dispatching
import Foundation
import Hummingbird
import Prometheus
import Stores
import Synchronization

/// The server's Prometheus metrics, served at `/metrics`: request latency histograms per route,
/// method and status as requests finish, and, read when scraped, the indexes' sizes, stock
/// events published, holds by status, riders and open deliveries, and the last dispatch round.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "o2o", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                             helpText: "Time from the request's head to the response, by route, method and status")
    }
    static let buckets: [Duration] = [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                      .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10)]

    /// Stock events the counter has been told of so far: at each scrape it is moved on by what
    /// the hub published since.
    private let countedEvents = Mutex(0)

    public init() {}

    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("route", route), ("method", method), ("status", String(status))],
                                       buckets: Self.buckets).recordNanoseconds(nanoseconds)
    }

    func gauge(_ name: String, _ help: String, labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "o2o", metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// Reads the state the gauges show and renders everything in the text exposition format.
    func scrape(stores: StoreService, dispatch: DispatchService) async throws -> [UInt8] {
        gauge("index_stores", "Stores in the in-memory index").set(Double(stores.finder.storeCount))
        gauge("index_zones", "Delivery zones in the index").set(Double(stores.finder.zoneCount))
        gauge("index_skus", "SKUs in the index").set(Double(stores.finder.skuCount))
        let published = stores.events.publishedCount
        let newly = countedEvents.withLock { counted in
            defer { counted = max(counted, published) }
            return max(0, published - counted)
        }
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "o2o", metricName: "stock_events_published", unitName: "total",
                                                              helpText: "Stock events published since start")).increment(by: Int64(newly))
        let holds = try await stores.repository.reservationCounts()
        for status in ["held", "confirmed", "released", "expired"] {
            gauge("reservations", "Reservations by status", labels: [("status", status)])
                .set(Double(holds[Reservation.Status(rawValue: status)!] ?? 0))
        }
        gauge("riders", "Riders dispatch holds").set(Double(dispatch.riderCount))
        gauge("deliveries_active", "Deliveries not yet delivered, failed or cancelled").set(Double(dispatch.activeDeliveryCount))
        if let round = try await dispatch.recentRounds(limit: 1).first {
            gauge("dispatch_round_seconds", "Solve time of the last dispatch round").set(round.solveSeconds)
            gauge("dispatch_round_assigned", "Deliveries the last round assigned").set(Double(round.assigned))
            gauge("dispatch_round_unassigned", "Deliveries the last round left unassigned").set(Double(round.unassigned))
        }
        return registry.emitToBuffer()
    }
}

/// Records each request's latency under its route pattern (not the raw path, so ids do not
/// multiply the series), its method and the status it got.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
                           nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
                           nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - start))
            throw error
        }
    }
}
