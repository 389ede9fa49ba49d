import Foundation
import GeoCore
import Kernel

/// The delivery lifecycle: each step checks the current status, writes the new one with its
/// timeline entry and the rider's changed route in one transaction, then applies it.
extension DispatchService {
    /// Assigns (or reassigns) a delivery by hand. The rider must be signed on and have room;
    /// the stops go in at the cheapest place on the rider's route, even if that is late.
    public func assign(_ id: DeliveryID, to riderID: RiderID, note: String? = nil) async throws -> Delivery {
        try await step(id, allowed: [.pending, .assigned, .accepted], to: .assigned, rider: nil, note: note ?? "assigned by dispatcher") { [self] d, riders, t in
            guard var r = riders[riderID] else { throw DomainError(.notFound, field: "rider_id", "no rider \(riderID)") }
            guard d.rider != riderID else { throw DomainError(.conflict, field: "rider_id", "delivery \(id) is already with rider \(riderID)") }
            guard r.online else { throw DomainError(.conflict, field: "rider_id", "rider \(riderID) is offline") }
            guard let position = r.position else { throw DomainError(.conflict, field: "rider_id", "rider \(riderID) has not reported a position") }
            let known = state.withLock { $0.deliveries }
            guard let insertion = Insertion.cheapest(of: d, into: r.route, start: position, now: t.timeIntervalSinceReferenceDate,
                                                     vehicle: r.vehicle, capacity: r.capacity, deliveries: known, eta: eta,
                                                     options: options, keepPromises: false) else {
                throw DomainError(.conflict, field: "rider_id", "rider \(riderID) has no room for \(d.size) more unit(s)")
            }
            if let previous = d.rider { riders[previous]?.route.removeAll { $0.delivery == id } }
            r.route = insertion.stops
            riders[riderID] = r
            d.rider = riderID
            d.offerExpiresAt = t.addingTimeInterval(options.offerTimeout)
            d.declinedBy.remove(riderID)
        }
    }

    /// The rider takes the offer.
    public func accept(_ id: DeliveryID, by rider: RiderID) async throws -> Delivery {
        try await step(id, allowed: [.assigned], to: .accepted, rider: rider, note: nil) { d, _, _ in
            d.offerExpiresAt = nil
        }
    }

    /// The rider turns the offer down: back to the pool, and not offered to this rider again.
    public func decline(_ id: DeliveryID, by rider: RiderID, reason: String?) async throws -> Delivery {
        try await step(id, allowed: [.assigned], to: .pending, rider: rider, note: "declined" + (reason.map { ": \($0)" } ?? "")) { d, riders, _ in
            riders[rider]?.route.removeAll { $0.delivery == id }
            d.rider = nil; d.offerExpiresAt = nil; d.declinedBy.insert(rider)
        }
    }

    /// The rider has the goods.
    public func pickUp(_ id: DeliveryID, by rider: RiderID?) async throws -> Delivery {
        try await step(id, allowed: [.accepted], to: .pickedUp, rider: rider, note: nil) { d, riders, _ in
            riders[d.rider!]?.route.removeAll { $0 == RouteStop(.pickup, id) }
        }
    }

    /// The customer has the goods.
    public func deliver(_ id: DeliveryID, by rider: RiderID?) async throws -> Delivery {
        try await step(id, allowed: [.pickedUp], to: .delivered, rider: rider, note: nil) { d, riders, _ in
            riders[d.rider!]?.route.removeAll { $0.delivery == id }
        }
    }

    /// The delivery cannot be completed (nobody home, goods damaged).
    public func fail(_ id: DeliveryID, by rider: RiderID?, reason: String) async throws -> Delivery {
        try await step(id, allowed: [.accepted, .pickedUp], to: .failed, rider: rider, note: reason) { d, riders, _ in
            riders[d.rider!]?.route.removeAll { $0.delivery == id }
        }
    }

    /// The order was cancelled before pickup.
    public func cancel(_ id: DeliveryID, reason: String?) async throws -> Delivery {
        try await step(id, allowed: [.pending, .assigned, .accepted], to: .cancelled, rider: nil, note: reason) { d, riders, _ in
            if let r = d.rider { riders[r]?.route.removeAll { $0.delivery == id } }
            d.offerExpiresAt = nil
        }
    }

    /// One lifecycle step. `expectedRider`, when given, must be the rider holding the delivery.
    func step(_ id: DeliveryID, allowed: Set<DeliveryStatus>, to status: DeliveryStatus, rider expectedRider: RiderID?,
              note: String?, _ change: @escaping @Sendable (inout Delivery, inout [RiderID: Rider], Date) throws -> Void) async throws -> Delivery {
        try await gate.run { [self] in
            let t = now()
            var d = try await delivery(id)
            guard allowed.contains(d.status) else {
                throw DomainError(.conflict, field: "status", "delivery \(id) is \(d.status.rawValue); it cannot become \(status.rawValue)")
            }
            if let expectedRider, d.rider != expectedRider {
                guard state.withLock({ $0.riders[expectedRider] }) != nil else {
                    throw DomainError(.notFound, field: "rider_id", "no rider \(expectedRider)")
                }
                throw DomainError(.conflict, field: "rider_id", "delivery \(id) is not with rider \(expectedRider)")
            }
            let before = state.withLock { $0.riders }
            var riders = before
            try change(&d, &riders, t)
            d.status = status
            if status == .pending { d.rider = nil }
            let holder = d.rider ?? expectedRider
            let event = DeliveryEvent(delivery: id, status: status, at: t, position: holder.flatMap { riders[$0]?.position },
                                      rider: holder, note: note)
            let changed = riders.values.filter { before[$0.id]?.route != $0.route }.sorted { $0.id < $1.id }
            let write = DispatchWrite(riders: changed, deliveries: [d], events: [event])
            try await storage.commit(write)
            apply(write)
            return d
        }
    }
}
