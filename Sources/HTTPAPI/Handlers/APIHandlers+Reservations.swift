import Foundation
import Kernel
import O2OAPI
import Stores

/// `/v1/reservations`: holds on a store's stock, confirmed or released by its staff; and the
/// stock events feeds, one store's (`/v1/stores/{id}/stock/events`) and every store's. The
/// live stream of a store's events keeps its raw route (`InventoryRoutes`).
extension APIHandlers {
    func createReservation(_ input: Operations.CreateReservation.Input) async throws -> Operations.CreateReservation.Output {
        _ = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let store = StoreID(Int64(body.storeId))
        _ = try context.runs(store)
        let items = try body.items.enumerated().map { i, item throws(DomainError) in
            guard let qty = item.qty else { throw DomainError(.invalid, field: "items[\(i)].qty", "items[\(i)].qty is required") }
            return Reservation.Item(sku: SKUCode(item.sku), quantity: qty)
        }
        let (reservation, replayed) = try await stores.reserve(store: store, items: items, ttl: body.ttlS ?? 900,
                                                               idempotencyKey: body.idempotencyKey ?? input.headers.idempotencyKey)
        let answer = try Self.reservation(reservation)
        return replayed ? .ok(.init(body: .json(answer))) : .created(.init(body: .json(answer)))
    }

    func getReservation(_ input: Operations.GetReservation.Input) async throws -> Operations.GetReservation.Output {
        .ok(.init(body: .json(try Self.reservation(try await stores.reservation(try await held(input.path.rid))))))
    }

    func confirmReservation(_ input: Operations.ConfirmReservation.Input) async throws -> Operations.ConfirmReservation.Output {
        .ok(.init(body: .json(try Self.reservation(try await stores.confirm(try await held(input.path.rid))))))
    }

    func releaseReservation(_ input: Operations.ReleaseReservation.Input) async throws -> Operations.ReleaseReservation.Output {
        .ok(.init(body: .json(try Self.reservation(try await stores.release(try await held(input.path.rid))))))
    }

    /// The reservation, if the caller runs its store.
    func held(_ raw: String) async throws -> ReservationID {
        _ = try context.signedIn()
        guard let id = ReservationID(parsing: raw) else { throw DomainError(.invalid, field: "id", "a reservation id is a UUID, got \"\(raw)\"") }
        _ = try context.runs(try await stores.reservation(id).storeID)
        return id
    }

    // MARK: - Stock events

    func storeStockEvents(_ input: Operations.StoreStockEvents.Input) async throws -> Operations.StoreStockEvents.Output {
        let store = StoreID(try Self.positive(input.path.id, "id"))
        _ = try context.runs(store)
        return .ok(.init(body: .json(try await stockEvents(store: store, after: input.query.after, limit: input.query.limit))))
    }

    func stockEvents(_ input: Operations.StockEvents.Input) async throws -> Operations.StockEvents.Output {
        _ = try context.admin("read every store's stock events")
        let store = input.query.storeId.map { StoreID(Int64($0)) }
        if let store, stores.finder.store(store) == nil {
            throw DomainError(.notFound, field: "store_id", "no store \(store.rawValue)")
        }
        return .ok(.init(body: .json(try await stockEvents(store: store, after: input.query.after, limit: input.query.limit))))
    }

    /// A page of the feed after the cursor `after` (default its start).
    func stockEvents(store: StoreID?, after: Int?, limit: Int?) async throws -> Components.Schemas.StockEvents {
        let after = after ?? 0
        guard after >= 0 else { throw DomainError(.invalid, field: "after", "after must not be negative") }
        let events = try await stores.stockEvents(store: store, after: Int64(after), limit: try Self.pageSize(limit))
        return .init(events: try events.map(Self.stockEvent), nextCursor: events.last.map { String($0.id) })
    }

    // MARK: - Translation

    static func reservation(_ r: Reservation) throws -> Components.Schemas.Reservation {
        .init(closedAt: r.closedAt.map(Render.iso8601), createdAt: Render.iso8601(r.createdAt), expiresAt: Render.iso8601(r.expiresAt),
              id: r.id.rawValue, idempotencyKey: r.idempotencyKey, items: r.items.map { .init(qty: $0.quantity, sku: $0.sku.rawValue) },
              status: try enumValue(r.status.rawValue, field: "status"), storeId: Int(r.storeID.rawValue))
    }

    static func stockEvent(_ e: StockEvent) throws -> Components.Schemas.StockEvent {
        .init(at: Render.iso8601(e.at), available: e.available, id: Int(e.id), kind: try enumValue(e.kind.rawValue, field: "kind"),
              onHand: e.onHand, reserved: e.reserved, sku: e.sku.rawValue, storeId: Int(e.storeID.rawValue), threshold: e.threshold)
    }
}
