import Accounts
import Commerce
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// `/v1/cart`: the signed-in customer's cart and its quote.
struct CartRoutes: Sendable {
    let carts: CartService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/cart") { _, context in try await quote(context) }
        router.post("/v1/cart/lines") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["sku", "qty"])
            _ = try await carts.add(try Input.integer(o, "qty") ?? 1, of: SKUCode(try Input.string(o, "sku", required: true)!), by: caller)
            return try await quote(context)
        }
        router.put("/v1/cart/lines/:sku") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["qty"])
            _ = try await carts.setQuantity(try Input.integer(o, "qty", required: true)!, of: SKUCode(context.parameters.get("sku") ?? ""), by: caller)
            return try await quote(context)
        }
        router.delete("/v1/cart/lines/:sku") { _, context in
            _ = try await carts.setQuantity(0, of: SKUCode(context.parameters.get("sku") ?? ""), by: try context.signedIn())
            return try await quote(context)
        }
        router.put("/v1/cart/fulfilment") { request, context in
            let caller = try context.signedIn()
            let o = try Input.object(try await Input.json(request, context: context), allowed: ["kind", "address_id", "store_id"])
            let fulfilment: Cart.Fulfilment
            switch try Input.string(o, "kind", required: true)! {
            case "delivery": fulfilment = .delivery(AddressID(Int64(try Input.integer(o, "address_id", required: true)!)))
            case "pickup": fulfilment = .pickup(StoreID(Int64(try Input.integer(o, "store_id", required: true)!)))
            default: throw Problem.invalid("kind", "kind must be delivery or pickup")
            }
            _ = try await carts.choose(fulfilment, by: caller)
            return try await quote(context)
        }
        router.delete("/v1/cart") { _, context in
            try await carts.clear(by: try context.signedIn())
            return Response(status: .noContent)
        }
    }

    func quote(_ context: AppRequestContext) async throws -> JSONBody {
        JSONBody(value: Render.quote(try await carts.quote(by: try context.signedIn())))
    }
}

extension Render {
    static func money(_ m: Money) -> JSONValue { .number(Double(m.minor)) }

    static func quote(_ q: CartQuote) -> JSONValue {
        var fulfilment: JSONValue = .null
        switch q.fulfilment {
        case .delivery(let id)?: fulfilment = .object(["kind": .string("delivery"), "address_id": .number(Double(id.rawValue))])
        case .pickup(let id)?: fulfilment = .object(["kind": .string("pickup"), "store_id": .number(Double(id.rawValue))])
        case nil: break
        }
        return .object([
            "lines": .array(q.lines.map { l in
                .object(["sku": .string(l.sku.rawValue), "name": .string(l.name), "qty": number(l.quantity),
                         "unit_price_minor": money(l.unitPrice), "total_minor": money(l.total), "available": number(l.available)])
            }),
            "fulfilment": fulfilment,
            "store": q.store.map { .object(["id": .number(Double($0.id.rawValue)), "name": .string($0.name)]) } ?? .null,
            "zone": q.zone.map { .object(zoneProperties($0)) } ?? .null,
            "distance_m": q.distance.map { .number(($0 * 10).rounded() / 10) } ?? .null,
            "subtotal_minor": money(q.subtotal), "delivery_fee_minor": money(q.deliveryFee),
            "discounts": .array(q.discounts.map { .object(["code": .string($0.code), "description": .string($0.description), "amount_minor": money($0.amount)]) }),
            "refused_discounts": .array(q.refusedDiscounts.map(JSONValue.string)),
            "total_minor": money(q.total), "currency": .string(q.total.currency),
            "notices": .array(q.notices.map(JSONValue.string)),
            "problems": .array(q.problems.map { .object(["field": .string($0.field), "detail": .string($0.message)]) }),
            "can_check_out": .bool(q.canCheckOut),
        ])
    }
}
