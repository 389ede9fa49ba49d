import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OAPI
import Stores

/// `/v1/deliveries`: a store's deliveries, their tracking and each step of their lifecycle
/// (`POST /v1/deliveries/{id}/<step>`). The tracking stream keeps its raw route
/// (`DispatchStreams`).
extension APIHandlers {
    func createDelivery(_ input: Operations.CreateDelivery.Input) async throws -> Operations.CreateDelivery.Output {
        _ = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let storeID = StoreID(try Self.positive(body.storeId, "store_id"))
        _ = try context.dispatcher(orStaffOf: storeID)
        guard let store = stores.finder.store(storeID) else {
            throw DomainError(.notFound, field: "store_id", "no store \(storeID.rawValue)")
        }
        let drop = try Coordinate.validated(latitude: body.drop.lat, longitude: body.drop.lon, latitudeField: "drop.lat", longitudeField: "drop.lon")
        let now = dispatch.now()
        let ready = try body.readyAt.map { try Input.instant($0, field: "ready_at", now: now) } ?? now
        let promised = try Input.instant(body.promisedAt, field: "promised_at", now: now)
        let draft = DeliveryDraft(storeID: storeID.rawValue, pickup: store.location, drop: drop, size: body.size ?? 1, readyAt: ready,
                                  promisedBy: promised, externalRef: body.externalRef ?? input.headers.idempotencyKey)
        let (delivery, created) = try await dispatch.create(draft)
        let answer = try Self.delivery(delivery)
        return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws -> Operations.ListDeliveries.Output {
        _ = try context.dispatcher()
        var status: DeliveryStatus?
        if let raw = input.query.status {
            guard let s = DeliveryStatus(rawValue: raw) else {
                throw DomainError(.invalid, field: "status", "status must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = s
        }
        let rider = try input.query.riderId.map { RiderID(try Self.positive($0, "rider_id")) }
        let found = try await dispatch.deliveries(status: status, rider: rider, limit: try Self.pageSize(input.query.limit))
        return .ok(.init(body: .json(.init(deliveries: try found.map(Self.delivery)))))
    }

    func trackDelivery(_ input: Operations.TrackDelivery.Input) async throws -> Operations.TrackDelivery.Output {
        let id = try await visibleDelivery(input.path.id, try context)
        let t = try await dispatch.track(id)
        let rider = t.rider.map { r in
            Components.Schemas.TrackingRider(id: Int(r.id.rawValue), name: r.name, position: r.position.map(Self.point),
                                             positionAt: r.positionAt.map(Render.iso8601), vehicle: r.vehicle.rawValue)
        }
        return .ok(.init(body: .json(.init(delivery: try Self.delivery(t.delivery), dropEta: t.dropETA.map(Render.iso8601),
                                           pickupEta: t.pickupETA.map(Render.iso8601), rider: rider,
                                           timeline: try await dispatch.timeline(id).map(Self.deliveryEvent)))))
    }

    // MARK: - Steps

    func assignDelivery(_ input: Operations.AssignDelivery.Input) async throws -> Operations.AssignDelivery.Output {
        _ = try context.dispatcher()
        let id = try Self.deliveryID(input.path.id)
        guard case .json(let body) = input.body else { throw Self.noBody }
        let rider = RiderID(try Self.positive(body.riderId, "rider_id"))
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.assign(id, to: rider, note: try Self.note(body.note, "note"))))))
    }

    func acceptDelivery(_ input: Operations.AcceptDelivery.Input) async throws -> Operations.AcceptDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.accept(id, by: try action.rider(required: true)!)))))
    }

    func declineDelivery(_ input: Operations.DeclineDelivery.Input) async throws -> Operations.DeclineDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        let d = try await dispatch.decline(id, by: try action.rider(required: true)!, reason: try Self.note(action.reason, "reason"))
        return .ok(.init(body: .json(try Self.delivery(d))))
    }

    func pickupDelivery(_ input: Operations.PickupDelivery.Input) async throws -> Operations.PickupDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.pickUp(id, by: try action.rider(required: false))))))
    }

    func deliverDelivery(_ input: Operations.DeliverDelivery.Input) async throws -> Operations.DeliverDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.deliver(id, by: try action.rider(required: false))))))
    }

    func failDelivery(_ input: Operations.FailDelivery.Input) async throws -> Operations.FailDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        guard let reason = try Self.note(action.reason, "reason") else {
            throw DomainError(.invalid, field: "reason", "reason is required to fail a delivery")
        }
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.fail(id, by: try action.rider(required: false), reason: reason)))))
    }

    func cancelDelivery(_ input: Operations.CancelDelivery.Input) async throws -> Operations.CancelDelivery.Output {
        guard case .json(let action) = input.body ?? .json(.init()) else { throw Self.noBody }
        let id = try step(input.path.id)
        return .ok(.init(body: .json(try Self.delivery(try await dispatch.cancel(id, reason: try Self.note(action.reason, "reason"))))))
    }

    /// A step's delivery, for a dispatcher; a step's body may be left out.
    func step(_ id: Int) throws -> DeliveryID {
        _ = try context.dispatcher()
        return try Self.deliveryID(id)
    }

    /// The delivery, if the caller may see it: a dispatcher, an admin or its store's staff.
    func visibleDelivery(_ raw: Int, _ context: AppRequestContext) async throws -> DeliveryID {
        let caller = try context.signedIn()
        // Callers who could see no delivery are refused before any is looked up.
        guard caller.role == .dispatcher || caller.role == .admin || caller.role == .staff else {
            throw DomainError(.forbidden, "a delivery is its store's and the dispatchers'")
        }
        let id = try Self.deliveryID(raw)
        _ = try context.dispatcher(orStaffOf: StoreID(try await dispatch.delivery(id).storeID))
        return id
    }

    // MARK: - Translation

    static func deliveryID(_ id: Int) throws(DomainError) -> DeliveryID {
        guard id > 0 else { throw DomainError(.invalid, field: "id", "a delivery id is a positive integer, got \(id)") }
        return DeliveryID(Int64(id))
    }

    /// A note or reason: 1 to 500 characters when given.
    static func note(_ text: String?, _ field: String) throws(DomainError) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty, text.count <= 500 else { throw DomainError(.invalid, field: field, "\(field) must be 1 to 500 characters") }
        return text
    }

    static func delivery(_ d: Delivery) throws -> Components.Schemas.Delivery {
        .init(createdAt: Render.iso8601(d.createdAt), declinedBy: d.declinedBy.sorted().map { Int($0.rawValue) }, drop: point(d.drop),
              externalRef: d.externalRef, id: Int(d.id.rawValue), offerExpiresAt: d.offerExpiresAt.map(Render.iso8601), pickup: point(d.pickup),
              promisedAt: Render.iso8601(d.promisedBy), readyAt: Render.iso8601(d.readyAt), riderId: d.rider.map { Int($0.rawValue) },
              size: d.size, status: try enumValue(d.status.rawValue, field: "status"), storeId: Int(d.storeID))
    }

    static func deliveryEvent(_ e: DeliveryEvent) -> Components.Schemas.DeliveryEvent {
        .init(at: Render.iso8601(e.at), deliveryId: Int(e.delivery.rawValue), note: e.note, position: e.position.map(point),
              riderId: e.rider.map { Int($0.rawValue) }, status: e.status.rawValue)
    }
}

extension Components.Schemas.RiderAction {
    /// `rider_id`, a positive integer; nil when not sent and not required.
    func rider(required: Bool) throws(DomainError) -> RiderID? {
        guard let riderId else {
            if required { throw DomainError(.invalid, field: "rider_id", "rider_id is required") }
            return nil
        }
        guard riderId > 0 else { throw DomainError(.invalid, field: "rider_id", "rider_id must be a positive integer") }
        return RiderID(Int64(riderId))
    }
}
