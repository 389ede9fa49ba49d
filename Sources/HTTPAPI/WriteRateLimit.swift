import Foundation
import Hummingbird
import Synchronization

/// How many writes one caller may make: `burst` at once, refilled at `perSecond`.
public struct WriteRateLimit: Sendable {
    public var perSecond: Double
    public var burst: Double
    public init(perSecond: Double, burst: Double) { self.perSecond = perSecond; self.burst = burst }
}

/// Token buckets per caller: a signed-in account by its id, anyone else by network address.
public final class WriteRateLimiter: Sendable {
    public let limit: WriteRateLimit
    private let buckets = Mutex<[String: (tokens: Double, at: Double)]>([:])

    public init(_ limit: WriteRateLimit) { self.limit = limit }

    /// Takes one token; nil when granted, else the seconds until one is there.
    public func take(_ key: String, now: Double) -> Double? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? (limit.burst, now)
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.at) * limit.perSecond)
            bucket.at = now
            defer {
                buckets[key] = bucket
                // Callers idle long enough to be full again are forgotten, so the table stays small.
                if buckets.count > 50_000 {
                    buckets = buckets.filter { min(limit.burst, $0.value.tokens + (now - $0.value.at) * limit.perSecond) < limit.burst }
                }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / limit.perSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Refuses a caller's writes (every method but GET and HEAD) beyond their rate with 429 and
/// `Retry-After`. Providers' payment notifications are not limited (their signature is checked
/// first and they retry until acknowledged); sign-in has its own throttle.
struct WriteRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: WriteRateLimiter

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let route = context.endpointPath ?? request.uri.path
        guard request.method != .get, request.method != .head, route != "/v1/payments/{provider}/notify", route != "/v1/sessions" else {
            return try await next(request, context)
        }
        let key = context.principal.map { "account:\($0.account)" } ?? "address:\(context.remoteAddress ?? "unknown")"
        // A monotonic clock: a wall clock stepped back would drain the buckets.
        if let wait = limiter.take(key, now: Double(DispatchTime.now().uptimeNanoseconds) / 1e9) {
            var problem = Problem(.tooManyRequests, type: "throttled", title: "Too many requests",
                                  detail: "more than \(Int(limiter.limit.burst)) writes at once or \(limiter.limit.perSecond) a second; try again shortly")
            problem.headers[.retryAfter] = String(max(1, Int(wait.rounded(.up))))
            throw problem
        }
        return try await next(request, context)
    }
}
