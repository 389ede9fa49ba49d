import Dispatching
import Logging
import ServiceLifecycle

/// Runs a dispatch round every `interval` (and returns lapsed offers to the pool first).
/// At shutdown the round under way finishes; no new one starts.
public struct DispatchRounds: Service {
    let dispatch: DispatchService
    let interval: Duration?
    let logger: Logger

    public init(dispatch: DispatchService, interval: Duration?, logger: Logger) {
        self.dispatch = dispatch; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        guard let interval else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let lapsed = try await dispatch.expireOffers()
                if lapsed > 0 { logger.info("\(lapsed) offer(s) timed out and returned to the pool") }
                let report = try await dispatch.runRound(trigger: "timer")
                if !report.plan.assignments.isEmpty || !report.plan.unassigned.isEmpty {
                    logger.info("dispatch round: \(report.record.assigned) assigned, \(report.record.unassigned) unassigned in \(Int(report.record.solveSeconds * 1000)) ms")
                }
            } catch {
                logger.error("dispatch round failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Writes rider positions to the database every `interval`, and once more at shutdown, so the
/// last known position survives a restart.
public struct PositionFlusher: Service {
    let dispatch: DispatchService
    let interval: Duration
    let logger: Logger

    public init(dispatch: DispatchService, interval: Duration, logger: Logger) {
        self.dispatch = dispatch; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do { try await dispatch.flushPositions() } catch { logger.error("saving rider positions failed: \(error)") }
        }
    }
}
