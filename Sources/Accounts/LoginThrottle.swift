import Foundation
import Kernel
import Synchronization

/// Slows password guessing: after `limit` failed sign-ins for one email within `window`,
/// further attempts are refused (429 with Retry-After) until the oldest failure leaves the
/// window. Held in memory per node: with several nodes each throttles on its own, so the bound
/// is `limit` per node.
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int = 5, window: TimeInterval = 900) {
        self.limit = limit
        self.window = window
    }

    /// Refuses when the key has used up its attempts.
    public func check(_ key: String, now: Date) throws(DomainError) {
        let wait: Int? = failures.withLock { table in
            let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            table[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
        }
        if let wait {
            throw DomainError(.throttled, field: "email", "too many failed sign-ins for this account; try again in \(wait) s",
                               retryAfter: wait)
        }
    }

    public func recordFailure(_ key: String, now: Date) {
        failures.withLock { table in
            // Bounded: past 100,000 keys, the ones with no failure in the window go.
            if table.count > 100_000 {
                table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
            }
            table[key, default: []].append(now)
        }
    }

    public func reset(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
