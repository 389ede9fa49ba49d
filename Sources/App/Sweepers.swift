import Dispatching
import Logging
import ServiceLifecycle
import Stores

/// Work run every `interval` until shutdown: expired holds released, lapsed sessions deleted,
/// unpaid orders expired.
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
