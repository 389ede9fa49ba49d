import Foundation
import GeoCore
import Kernel

/// Where a delivery stands. The happy path is pending → assigned → accepted → picked up →
/// delivered; failed and cancelled end it early.
public enum DeliveryStatus: String, CaseIterable, Hashable, Sendable, Codable {
    case pending, assigned, accepted
    case pickedUp = "picked_up"
    case delivered, failed, cancelled

    public var isFinal: Bool { self == .delivered || self == .failed || self == .cancelled }

    /// Whether a rider holds the delivery (its stops are on the rider's route).
    public var isWithRider: Bool { self == .assigned || self == .accepted || self == .pickedUp }

    /// The statuses this one may move to. Back to pending is a decline, a timeout or a
    /// dispatcher taking the delivery back before pickup.
    public var successors: Set<DeliveryStatus> {
        switch self {
        case .pending: return [.assigned, .cancelled]
        case .assigned: return [.assigned, .accepted, .pending, .cancelled]
        case .accepted: return [.assigned, .pickedUp, .pending, .failed, .cancelled]
        case .pickedUp: return [.delivered, .failed]
        case .delivered, .failed, .cancelled: return []
        }
    }
}

/// One step of a delivery's timeline.
public struct DeliveryEvent: Hashable, Sendable {
    public var delivery: DeliveryID
    public var status: DeliveryStatus
    public var at: Date
    /// The rider's position when it happened, when known.
    public var position: Coordinate?
    public var rider: RiderID?
    /// Why (a decline, a timeout, a failure reason, who assigned by hand).
    public var note: String?

    public init(delivery: DeliveryID, status: DeliveryStatus, at: Date, position: Coordinate? = nil,
                rider: RiderID? = nil, note: String? = nil) {
        self.delivery = delivery; self.status = status; self.at = at; self.position = position
        self.rider = rider; self.note = note
    }
}

/// An order to carry from a store to a customer.
public struct Delivery: Hashable, Sendable {
    public var id: DeliveryID
    /// The store the goods come from (a store id of the finder).
    public var storeID: Int64
    public var pickup: Coordinate
    public var drop: Coordinate
    /// Units of rider capacity it takes (1 for an ordinary bag).
    public var size: Int
    /// When the goods are ready to collect.
    public var readyAt: Date
    /// When the customer was promised them.
    public var promisedBy: Date
    public var status: DeliveryStatus
    public var rider: RiderID?
    /// While assigned: when the offer lapses and the delivery returns to the pool.
    public var offerExpiresAt: Date?
    /// Riders who declined or let the offer lapse; rounds do not offer it to them again.
    public var declinedBy: Set<RiderID>
    public var createdAt: Date
    /// The caller's reference (an order id), unique, so that a retried create is answered
    /// with the first delivery.
    public var externalRef: String?

    public init(id: DeliveryID, storeID: Int64, pickup: Coordinate, drop: Coordinate, size: Int, readyAt: Date,
                promisedBy: Date, status: DeliveryStatus = .pending, rider: RiderID? = nil, offerExpiresAt: Date? = nil,
                declinedBy: Set<RiderID> = [], createdAt: Date, externalRef: String? = nil) {
        self.id = id; self.storeID = storeID; self.pickup = pickup; self.drop = drop; self.size = size
        self.readyAt = readyAt; self.promisedBy = promisedBy; self.status = status; self.rider = rider
        self.offerExpiresAt = offerExpiresAt; self.declinedBy = declinedBy; self.createdAt = createdAt
        self.externalRef = externalRef
    }
}

/// What is asked to create a delivery.
public struct DeliveryDraft: Hashable, Sendable {
    public var storeID: Int64
    public var pickup: Coordinate
    public var drop: Coordinate
    public var size: Int
    public var readyAt: Date
    public var promisedBy: Date
    public var externalRef: String?

    public init(storeID: Int64, pickup: Coordinate, drop: Coordinate, size: Int = 1, readyAt: Date, promisedBy: Date,
                externalRef: String? = nil) {
        self.storeID = storeID; self.pickup = pickup; self.drop = drop; self.size = size
        self.readyAt = readyAt; self.promisedBy = promisedBy; self.externalRef = externalRef
    }

    /// The largest size accepted, in capacity units.
    public static let maximumSize = 50
    /// The farthest drop accepted from its store: same-city delivery.
    public static let maximumDistance: Meters = 100_000

    public func validate() throws(DomainError) {
        guard drop.isValid else { throw DomainError(.invalid, field: "drop", "drop must be a valid coordinate") }
        guard (1...Self.maximumSize).contains(size) else {
            throw DomainError(.invalid, field: "size", "size must be between 1 and \(Self.maximumSize)")
        }
        guard readyAt < promisedBy else {
            throw DomainError(.invalid, field: "promised_at", "promised_at must be after ready_at")
        }
        guard pickup.distance(to: drop) <= Self.maximumDistance else {
            throw DomainError(.invalid, field: "drop", "the drop is more than \(Int(Self.maximumDistance / 1000)) km from the store")
        }
        if let ref = externalRef, ref.isEmpty || ref.count > 200 {
            throw DomainError(.invalid, field: "external_ref", "external_ref must be 1 to 200 characters")
        }
    }
}
