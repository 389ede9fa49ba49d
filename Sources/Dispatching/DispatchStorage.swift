import Foundation
import GeoCore
import Kernel

/// A rider's position as the device reported it.
public struct RiderPosition: Hashable, Sendable {
    public var rider: RiderID
    public var position: Coordinate
    public var at: Date
    public init(rider: RiderID, position: Coordinate, at: Date) { self.rider = rider; self.position = position; self.at = at }
}

/// A round as it is kept: when, how, and its indicators.
public struct RoundRecord: Hashable, Sendable {
    public var id: Int64?
    public var at: Date
    /// `timer` for the periodic rounds, `manual` for rounds asked for over the API.
    public var trigger: String
    public var strategy: DispatchStrategy
    public var assigned: Int
    public var unassigned: Int
    public var deferred: Int
    public var candidatePairs: Int
    public var totalCost: Double
    public var totalLateness: Double
    public var late: Int
    public var solveSeconds: Double
    /// Unassigned deliveries by reason.
    public var reasons: [RoundPlan.Reason: Int]

    public init(id: Int64? = nil, at: Date, trigger: String, strategy: DispatchStrategy, plan: RoundPlan) {
        self.id = id; self.at = at; self.trigger = trigger; self.strategy = strategy
        assigned = plan.assignments.count; unassigned = plan.unassigned.count; deferred = plan.deferred
        candidatePairs = plan.candidatePairs; totalCost = plan.totalCost; totalLateness = plan.totalLateness
        late = plan.lateCount; solveSeconds = plan.solveSeconds
        reasons = Dictionary(plan.unassigned.map { ($0.reason, 1) }, uniquingKeysWith: +)
    }

    public init(id: Int64?, at: Date, trigger: String, strategy: DispatchStrategy, assigned: Int, unassigned: Int,
                deferred: Int, candidatePairs: Int, totalCost: Double, totalLateness: Double, late: Int,
                solveSeconds: Double, reasons: [RoundPlan.Reason: Int]) {
        self.id = id; self.at = at; self.trigger = trigger; self.strategy = strategy; self.assigned = assigned
        self.unassigned = unassigned; self.deferred = deferred; self.candidatePairs = candidatePairs
        self.totalCost = totalCost; self.totalLateness = totalLateness; self.late = late
        self.solveSeconds = solveSeconds; self.reasons = reasons
    }
}

/// Everything one dispatch write changes, committed as one transaction.
public struct DispatchWrite: Sendable {
    /// Riders to save: route, sign-on and profile. Positions are saved by ``DispatchStorage/savePositions(_:)``,
    /// which never moves a rider back to an older fix.
    public var riders: [Rider] = []
    /// Deliveries to save whole.
    public var deliveries: [Delivery] = []
    /// Timeline entries to append.
    public var events: [DeliveryEvent] = []
    /// The round that made these changes, if a round did.
    public var round: RoundRecord?

    public init(riders: [Rider] = [], deliveries: [Delivery] = [], events: [DeliveryEvent] = [], round: RoundRecord? = nil) {
        self.riders = riders; self.deliveries = deliveries; self.events = events; self.round = round
    }
}

/// Where riders, deliveries, their timelines and rounds are kept. SpatiaLite implements it
/// today; a PostGIS backend can later, without the domain noticing.
public protocol DispatchStorage: Sendable {
    /// Every rider, and every delivery not yet delivered, failed or cancelled.
    func loadActive() async throws -> (riders: [Rider], deliveries: [Delivery])
    func createRider(_ draft: RiderDraft, at: Date) async throws -> Rider
    /// Creates a pending delivery with its first timeline entry, or returns the delivery that
    /// already has the draft's external reference (`created` false).
    func createDelivery(_ draft: DeliveryDraft, at: Date) async throws -> (delivery: Delivery, created: Bool)
    /// Writes `write` in one transaction; returns the round's id when it holds one.
    @discardableResult
    func commit(_ write: DispatchWrite) async throws -> Int64?
    /// Saves the last known positions (a periodic flush, one transaction).
    func savePositions(_ positions: [RiderPosition]) async throws
    func delivery(_ id: DeliveryID) async throws -> Delivery?
    /// Deliveries newest first, filtered by status and rider.
    func deliveries(status: DeliveryStatus?, rider: RiderID?, limit: Int) async throws -> [Delivery]
    func timeline(_ id: DeliveryID) async throws -> [DeliveryEvent]
    /// The most recent rounds, newest first.
    func recentRounds(limit: Int) async throws -> [RoundRecord]
    /// The indicators of the span `from..<to`: deliveries created, handed over (on time or not),
    /// failed and cancelled in it, and the rounds run.
    func day(from: Date, to: Date) async throws -> DispatchDay
}
