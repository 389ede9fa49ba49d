import Dispatch
import Foundation
import Hummingbird

/// Long computations (coverage reports) run here rather than on the request threads: at most
/// `concurrent` at once on threads of their own, a few more waiting their turn, the rest turned
/// away with 503 and Retry-After; each is stopped at its next checkpoint once it has run
/// longer than `timeLimit` (also 503: the server's limit, not the request, is at fault).
public final class ComputeGate: @unchecked Sendable {
    public let concurrent: Int
    public let waiting: Int
    public let timeLimit: Duration
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var admitted = 0

    public init(concurrent: Int = 1, waiting: Int = 4, timeLimit: Duration = .seconds(60)) {
        self.concurrent = max(1, concurrent); self.waiting = max(0, waiting); self.timeLimit = timeLimit
        queue = DispatchQueue(label: "o2o.compute", attributes: .concurrent)
        slots = DispatchSemaphore(value: max(1, concurrent))
    }

    private let slots: DispatchSemaphore

    /// The computations running or waiting now.
    public var admittedCount: Int { lock.withLock { admitted } }

    /// A running computation's clock: `check()` throws once the time limit has passed.
    public struct Deadline: Sendable {
        let end: ContinuousClock.Instant
        let limit: Duration
        public func check() throws(Problem) {
            guard ContinuousClock.now < end else {
                var problem = Problem(.serviceUnavailable, type: "time-limit", title: "Took too long",
                                      detail: "the computation ran past the server's limit of \(limit.components.seconds) s; ask for less (fewer scenarios or points) or try again later")
                problem.headers[.retryAfter] = "30"
                throw problem
            }
        }
    }

    /// Runs `work` on a computation thread once a slot is free; its deadline starts when it starts.
    public func run<T: Sendable>(_ what: String, _ work: @escaping @Sendable (Deadline) throws -> T) async throws -> T {
        let entered: Bool = lock.withLock {
            guard admitted < concurrent + waiting else { return false }
            admitted += 1
            return true
        }
        guard entered else {
            var problem = Problem(.serviceUnavailable, type: "busy", title: "Busy",
                                  detail: "\(concurrent + waiting) \(what) are already running or waiting; try again shortly")
            problem.headers[.retryAfter] = "5"
            throw problem
        }
        defer { lock.withLock { admitted -= 1 } }
        let limit = timeLimit, slots = self.slots
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try work(Deadline(end: .now + limit, limit: limit)) })
            }
        }
    }
}
