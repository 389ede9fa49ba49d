import Foundation
import GeoCore
import Kernel

/// Whether a rider can take work: offline riders get nothing; idle riders have an empty route;
/// busy riders carry or are heading to at least one delivery.
public enum RiderStatus: String, CaseIterable, Hashable, Sendable, Codable {
    case offline, idle, busy
}

/// A delivery rider: vehicle, how many orders at once, working hours, and where they were last.
public struct Rider: Hashable, Sendable {
    public var id: RiderID
    public var name: String
    public var vehicle: VehicleType
    /// The most delivery units (see ``Delivery/size``) the rider carries at once.
    public var capacity: Int
    /// The working hours; outside them the rider gets no new work.
    public var shiftStart: Date
    public var shiftEnd: Date
    /// Whether the rider has signed on; `status` is derived from this and the route.
    public var online: Bool
    public var position: Coordinate?
    /// The device time of `position`; older updates are ignored.
    public var positionAt: Date?
    /// The stops the rider will visit, in order; the first is under way.
    public var route: [RouteStop]

    public init(id: RiderID, name: String, vehicle: VehicleType, capacity: Int, shiftStart: Date, shiftEnd: Date,
                online: Bool = true, position: Coordinate? = nil, positionAt: Date? = nil, route: [RouteStop] = []) {
        self.id = id; self.name = name; self.vehicle = vehicle; self.capacity = capacity
        self.shiftStart = shiftStart; self.shiftEnd = shiftEnd; self.online = online
        self.position = position; self.positionAt = positionAt; self.route = route
    }

    public var status: RiderStatus {
        if !online { return .offline }
        return route.isEmpty ? .idle : .busy
    }

    /// Whether the rider may be given new work at `now`.
    public func isAvailable(at now: Date) -> Bool {
        online && position != nil && shiftStart <= now && now < shiftEnd
    }
}

/// What is asked to register a rider.
public struct RiderDraft: Hashable, Sendable {
    public var name: String
    public var vehicle: VehicleType
    public var capacity: Int
    public var shiftStart: Date
    public var shiftEnd: Date
    public var online: Bool
    public var position: Coordinate?

    public init(name: String, vehicle: VehicleType, capacity: Int, shiftStart: Date, shiftEnd: Date,
                online: Bool = true, position: Coordinate? = nil) {
        self.name = name; self.vehicle = vehicle; self.capacity = capacity
        self.shiftStart = shiftStart; self.shiftEnd = shiftEnd; self.online = online; self.position = position
    }

    /// The largest capacity accepted (orders at once).
    public static let maximumCapacity = 50

    public func validate() throws(DomainError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw DomainError(.invalid, field: "name", "name must be 1 to 200 characters")
        }
        guard (1...Self.maximumCapacity).contains(capacity) else {
            throw DomainError(.invalid, field: "capacity", "capacity must be between 1 and \(Self.maximumCapacity)")
        }
        guard shiftStart < shiftEnd else {
            throw DomainError(.invalid, field: "shift_end", "shift_end must be after shift_start")
        }
        guard shiftEnd.timeIntervalSince(shiftStart) <= 24 * 3600 else {
            throw DomainError(.invalid, field: "shift_end", "a shift lasts at most 24 hours")
        }
    }
}

/// One stop on a rider's route: the pickup or the drop of a delivery.
public struct RouteStop: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case pickup, drop }
    public var delivery: DeliveryID
    public var kind: Kind

    public init(_ kind: Kind, _ delivery: DeliveryID) { self.kind = kind; self.delivery = delivery }
}
