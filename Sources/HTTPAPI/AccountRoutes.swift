import Accounts
import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// `/v1/accounts`, `/v1/sessions`, `/v1/me…` and `/v1/admin/accounts`: signing up and in, the
/// caller's own profile, addresses, favourites and history, and the admin's accounts.
struct AccountRoutes: Sendable {
    let accounts: AccountService
    let stores: StoreService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/me/favourites") { _, context in
            let ids = try await accounts.favourites(by: try context.signedIn())
            // A favourite whose store has since gone is left out.
            return JSONBody(value: .object(["stores": .array(ids.compactMap { stores.finder.store($0) }.map(Render.store))]))
        }
    }
}

extension Render {
    static func account(_ a: Account) -> JSONValue {
        .object([
            "id": .number(Double(a.id.rawValue)), "email": .string(a.email), "name": .string(a.name), "phone": optional(a.phone),
            "role": .string(a.role.rawValue), "stores": .array(a.stores.map { .number(Double($0.rawValue)) }),
            "created_at": .string(iso8601(a.createdAt)),
        ])
    }

    static func address(_ a: DeliveryAddress) -> JSONValue {
        .object([
            "id": .number(Double(a.id.rawValue)), "label": optional(a.label), "recipient": .string(a.recipient), "phone": .string(a.phone),
            "line": .string(a.line), "lat": .number(a.location.latitude), "lon": .number(a.location.longitude),
            "given": .object(["lat": .number(a.given.latitude), "lon": .number(a.given.longitude), "crs": .string(a.system.rawValue)]),
            "default": .bool(a.isDefault),
        ])
    }

    static func view(_ v: HistoryEntry) -> JSONValue {
        var o: [String: JSONValue] = ["viewed_at": .string(iso8601(v.viewedAt))]
        switch v.item {
        case .store(let id): o["store_id"] = .number(Double(id))
        case .product(let code): o["sku"] = .string(code)
        }
        return .object(o)
    }
}
