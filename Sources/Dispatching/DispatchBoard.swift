import Foundation
import GeoCore
import Kernel

/// What the dispatcher's board shows live: every rider and active delivery as it changes, and
/// each round as it runs.
public enum BoardUpdate: Sendable {
    /// A rider was registered, or its profile, sign-on or route changed (committed).
    case rider(Rider)
    /// Where a rider is now (soft state, not yet flushed).
    case position(rider: RiderID, position: Coordinate, at: Date)
    /// A delivery was created or moved on (committed).
    case delivery(Delivery)
    /// A round ran and committed what it decided.
    case round(DispatchService.RoundReport)
}

/// The indicators of one day of dispatch, from the deliveries' timelines and the rounds kept.
public struct DispatchDay: Hashable, Sendable {
    /// Deliveries created in the day.
    public var created = 0
    /// Deliveries handed over in the day, and how many of them by their promise.
    public var delivered = 0
    public var onTime = 0
    public var failed = 0
    public var cancelled = 0
    /// Minutes from creation to handover of the deliveries handed over in the day.
    public var meanMinutes: Double?
    public var p90Minutes: Double?
    /// Rounds that committed something in the day, the deliveries they assigned, and their mean solve time.
    public var rounds = 0
    public var assigned = 0
    public var meanSolveSeconds: Double?

    public init() {}

    /// Share of the handed-over deliveries that were on time, in percent.
    public var onTimePercent: Double? { delivered == 0 ? nil : Double(onTime) * 100 / Double(delivered) }
}

extension DispatchService {
    /// Every rider, by id; optionally only those of one status, after a cursor.
    public func riders(status: RiderStatus? = nil, after: RiderID? = nil, limit: Int = .max) -> [Rider] {
        state.withLock { s in
            Array(s.riders.values.filter { r in (status == nil || r.status == status) && (after.map { r.id > $0 } ?? true) }
                .sorted { $0.id < $1.id }.prefix(limit))
        }
    }

    /// The active deliveries (not yet delivered, failed or cancelled), by id.
    public var activeDeliveries: [Delivery] { state.withLock { $0.deliveries.values.sorted { $0.id < $1.id } } }

    /// The indicators of the span `from..<to` (a day in the dispatcher's time zone).
    public func day(from: Date, to: Date) async throws -> DispatchDay {
        try await storage.day(from: from, to: to)
    }
}
