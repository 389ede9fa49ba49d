import Foundation
import Kernel

/// What a dispatch round decided, with the indicators a dispatcher reads.
public struct RoundPlan: Hashable, Sendable {
    public struct Assignment: Hashable, Sendable {
        public var delivery: DeliveryID
        public var rider: RiderID
        /// Seconds from the round until the rider reaches the pickup, on the final route.
        public var pickupETA: Double
        /// Predicted handover time, seconds since the reference date.
        public var dropTime: Double
        /// Predicted seconds past the promise (0 when on time).
        public var lateness: Double
        /// The cost the solver paid for this pair.
        public var cost: Double
        /// Whether the delivery joined a route that already had stops.
        public var bundled: Bool
    }

    /// Why a delivery was left in the pool.
    public enum Reason: String, CaseIterable, Hashable, Sendable, Codable {
        /// Even straight from the store at its ready time the promise cannot be kept.
        case promisedTimeImpossible = "promised_time_impossible"
        /// No available rider within the round's radius of the store.
        case noRiderNearby = "no_rider_nearby"
        /// Riders are near, but none has room on a route that keeps its other promises.
        case noFeasibleRider = "no_feasible_rider"
        /// Riders could take it, but the optimum gave them to other deliveries.
        case ridersTaken = "riders_taken"
    }

    public struct Unassigned: Hashable, Sendable {
        public var delivery: DeliveryID
        public var reason: Reason
    }

    public var assignments: [Assignment] = []
    public var unassigned: [Unassigned] = []
    /// Riders whose routes changed, with their new routes.
    public var routes: [RiderID: [RouteStop]] = [:]
    /// Pending deliveries ready too far ahead to plan now.
    public var deferred = 0
    /// Candidate rider–delivery pairs with a feasible insertion.
    public var candidatePairs = 0
    public var passes = 0
    /// Seconds spent planning (candidates, insertions and assignment).
    public var solveSeconds = 0.0
    /// What Routing's plan checker found wrong with the round's routes (empty when all hold);
    /// the riders those routes belong to kept their old routes.
    public var violations: [String] = []

    public var totalCost: Double { assignments.reduce(0) { $0 + $1.cost } }
    public var totalLateness: Double { assignments.reduce(0) { $0 + $1.lateness } }
    public var lateCount: Int { assignments.count { $0.lateness > 0 } }
}
