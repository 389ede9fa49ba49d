import Accounts
import Commerce
import Kernel
import Marketing
import O2OAPI
import Stores

/// `/v1/cart`: the signed-in customer's cart; every change answers with the cart priced anew.
extension APIHandlers {
    func getCart(_ input: Operations.GetCart.Input) async throws -> Operations.GetCart.Output {
        .ok(.init(body: .json(try await quote())))
    }

    func addToCart(_ input: Operations.AddToCart.Input) async throws -> Operations.AddToCart.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        _ = try await carts.add(body.qty ?? 1, of: SKUCode(body.sku), by: try context.signedIn())
        return .ok(.init(body: .json(try await quote())))
    }

    func setCartLine(_ input: Operations.SetCartLine.Input) async throws -> Operations.SetCartLine.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        _ = try await carts.setQuantity(body.qty, of: SKUCode(input.path.sku), by: try context.signedIn())
        return .ok(.init(body: .json(try await quote())))
    }

    func removeCartLine(_ input: Operations.RemoveCartLine.Input) async throws -> Operations.RemoveCartLine.Output {
        _ = try await carts.setQuantity(0, of: SKUCode(input.path.sku), by: try context.signedIn())
        return .ok(.init(body: .json(try await quote())))
    }

    func chooseFulfilment(_ input: Operations.ChooseFulfilment.Input) async throws -> Operations.ChooseFulfilment.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let fulfilment: Cart.Fulfilment
        switch body.kind {
        case .delivery:
            guard let id = body.addressId else { throw DomainError(.invalid, field: "address_id", "address_id is required for a delivery") }
            fulfilment = .delivery(AddressID(Int64(id)))
        case .pickup:
            guard let id = body.storeId else { throw DomainError(.invalid, field: "store_id", "store_id is required for a pickup") }
            fulfilment = .pickup(StoreID(Int64(id)))
        }
        _ = try await carts.choose(fulfilment, by: try context.signedIn())
        return .ok(.init(body: .json(try await quote())))
    }

    func clearCart(_ input: Operations.ClearCart.Input) async throws -> Operations.ClearCart.Output {
        try await carts.clear(by: try context.signedIn())
        return .noContent(.init())
    }

    func chooseDiscounts(_ input: Operations.ChooseDiscounts.Input) async throws -> Operations.ChooseDiscounts.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        _ = try await marketing.choose(CartChoices(coupon: body.couponId.map(Int64.init), points: body.points ?? 0,
                                                   groupBuy: body.groupBuyId.map(Int64.init), group: body.groupId.map(Int64.init)),
                                       by: try context.signedIn())
        return .ok(.init(body: .json(try await quote())))
    }

    // MARK: - Translation

    /// The caller's cart priced now.
    func quote() async throws -> Components.Schemas.CartQuote {
        let q = try await carts.quote(by: try context.signedIn())
        let fulfilment: Components.Schemas.CartFulfilment? = switch q.fulfilment {
        case .delivery(let id)?: .init(kind: .delivery, addressId: Int(id.rawValue))
        case .pickup(let id)?: .init(kind: .pickup, storeId: Int(id.rawValue))
        case nil: nil
        }
        let lines: [Components.Schemas.CartQuote.LinesPayloadPayload] = q.lines.map {
            .init(available: $0.available, name: $0.name, qty: $0.quantity, sku: $0.sku.rawValue, totalMinor: $0.total.minor,
                  unitPriceMinor: $0.unitPrice.minor)
        }
        let problems: [Components.Schemas.CartQuote.ProblemsPayloadPayload] = q.problems.map { .init(detail: $0.message, field: $0.field) }
        let store: Components.Schemas.StoreRef? = q.store.map { .init(id: Int($0.id.rawValue), name: $0.name) }
        return .init(
            canCheckOut: q.canCheckOut, currency: q.total.currency, deliveryFeeMinor: q.deliveryFee.minor,
            discounts: q.discounts.map(Self.discount),
            distanceM: q.distance.map { ($0 * 10).rounded() / 10 }, fulfilment: fulfilment,
            lines: lines, notices: q.notices, problems: problems, refusedDiscounts: q.refusedDiscounts, store: store,
            subtotalMinor: q.subtotal.minor, totalMinor: q.total.minor, zone: q.zone.map(Self.zoneTerms))
    }

    static func zoneTerms(_ z: DeliveryZone) -> Components.Schemas.ZoneTerms {
        .init(id: Int(z.id.rawValue), storeId: Int(z.storeID.rawValue), kind: z.kind.rawValue, name: z.name, feeMinor: z.feeMinor,
              minOrderMinor: z.minimumOrderMinor, promisedMinutes: z.promisedMinutes)
    }

    static func discount(_ d: CartQuote.Discount) -> Components.Schemas.AppliedDiscount {
        .init(code: d.code, description: d.description, amountMinor: d.amount.minor)
    }
}
