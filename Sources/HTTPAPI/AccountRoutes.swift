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
        router.post("/v1/accounts") { request, context in try await register(request, context) }
        router.post("/v1/sessions") { request, context in try await login(request, context) }
        router.delete("/v1/sessions/current") { request, context in try await logout(request, context) }
        router.get("/v1/me") { _, context in
            JSONBody(value: Render.account(try await accounts.account(try context.signedIn().account, by: try context.signedIn())))
        }
        router.patch("/v1/me") { request, context in try await updateMe(request, context) }
        router.get("/v1/me/addresses") { _, context in
            JSONBody(value: .object(["addresses": .array(try await accounts.addresses(by: try context.signedIn()).map(Render.address))]))
        }
        router.post("/v1/me/addresses") { request, context in
            let draft = try Self.address(try await Input.json(request, context: context))
            let address = try await accounts.addAddress(draft, by: try context.signedIn())
            return JSONBody(value: Render.address(address), status: .created)
        }
        router.put("/v1/me/addresses/:id") { request, context in
            let id = try Self.id(context, "address")
            let draft = try Self.address(try await Input.json(request, context: context))
            return JSONBody(value: Render.address(try await accounts.replaceAddress(AddressID(id), with: draft, by: try context.signedIn())))
        }
        router.delete("/v1/me/addresses/:id") { _, context in
            try await accounts.deleteAddress(AddressID(try Self.id(context, "address")), by: try context.signedIn())
            return Response(status: .noContent)
        }
        router.get("/v1/me/favourites") { _, context in
            let ids = try await accounts.favourites(by: try context.signedIn())
            // A favourite whose store has since gone is left out.
            return JSONBody(value: .object(["stores": .array(ids.compactMap { stores.finder.store($0) }.map(Render.store))]))
        }
        router.put("/v1/me/favourites/:store_id") { _, context in
            try await accounts.setFavourite(StoreID(try Self.id(context, "store_id")), true, by: try context.signedIn())
            return Response(status: .noContent)
        }
        router.delete("/v1/me/favourites/:store_id") { _, context in
            try await accounts.setFavourite(StoreID(try Self.id(context, "store_id")), false, by: try context.signedIn())
            return Response(status: .noContent)
        }
        router.get("/v1/me/history") { request, context in
            let views = try await accounts.history(limit: try Input.queryInt(request, "limit") ?? 20, by: try context.signedIn())
            return JSONBody(value: .object(["views": .array(views.map(Render.view))]))
        }
        router.post("/v1/me/history") { request, context in try await recordView(request, context) }
        router.post("/v1/admin/accounts") { request, context in try await create(request, context) }
        router.get("/v1/admin/accounts") { request, context in try await list(request, context) }
    }

    /// A positive integer id from the path.
    static func id(_ context: AppRequestContext, _ name: String) throws -> Int64 {
        let field = name == "address" ? "id" : name
        guard let raw = context.parameters.get(name == "address" ? "id" : name), let id = Int64(raw), id > 0 else {
            throw Problem.invalid(field, "\(field) must be a positive integer")
        }
        return id
    }

    // MARK: - Signing up and in

    static let registerMembers: Set<String> = ["email", "password", "name", "phone"]

    func register(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let o = try Input.object(try await Input.json(request, context: context), allowed: Self.registerMembers)
        let draft = AccountDraft(email: try Input.string(o, "email", required: true)!, name: try Input.string(o, "name", required: true)!,
                                 phone: try Input.string(o, "phone"))
        let account = try await accounts.register(draft, password: try Input.string(o, "password", required: true)!)
        return JSONBody(value: Render.account(account), status: .created)
    }

    func login(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let o = try Input.object(try await Input.json(request, context: context), allowed: ["email", "password"])
        let (account, session) = try await accounts.login(email: try Input.string(o, "email", required: true)!,
                                                          password: try Input.string(o, "password", required: true)!)
        return JSONBody(value: .object([
            "token": .string(session.token), "token_type": .string("Bearer"),
            "expires_at": .string(Render.iso8601(session.expiresAt)), "account": Render.account(account),
        ]), status: .created)
    }

    func logout(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.signedIn()
        // The middleware has checked the header's form and token.
        let token = request.headers[.authorization]!.split(separator: " ", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        try await accounts.logout(token: token)
        return Response(status: .noContent)
    }

    // MARK: - The caller's own data

    func updateMe(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let caller = try context.signedIn()
        let o = try Input.object(try await Input.json(request, context: context), allowed: ["name", "phone"])
        let phone: String?? = o.keys.contains("phone") ? .some(try Input.string(o, "phone")) : .none
        return JSONBody(value: Render.account(try await accounts.updateProfile(name: try Input.string(o, "name"), phone: phone, by: caller)))
    }

    static let addressMembers: Set<String> = ["label", "recipient", "phone", "line", "lat", "lon", "crs", "default"]

    static func address(_ json: JSONValue) throws -> AddressDraft {
        let o = try Input.object(json, allowed: addressMembers)
        let crsText = try Input.string(o, "crs") ?? "wgs84"
        guard let crs = CoordinateSystem(rawValue: crsText.lowercased()) else {
            throw Problem.invalid("crs", "crs must be wgs84, gcj02 or bd09")
        }
        let given = try Coordinate.validated(latitude: try Input.number(o, "lat", required: true)!, longitude: try Input.number(o, "lon", required: true)!)
        var isDefault = false
        if let value = o["default"], !value.isNull {
            guard case .bool(let b) = value else { throw Problem.invalid("default", "default must be true or false") }
            isDefault = b
        }
        return AddressDraft(label: try Input.string(o, "label"), recipient: try Input.string(o, "recipient", required: true)!,
                            phone: try Input.string(o, "phone", required: true)!, line: try Input.string(o, "line", required: true)!,
                            given: given, system: crs, isDefault: isDefault)
    }

    func recordView(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let caller = try context.signedIn()
        let o = try Input.object(try await Input.json(request, context: context), allowed: ["store_id", "sku"])
        let store = try Input.integer(o, "store_id"), sku = try Input.string(o, "sku")
        let item: HistoryEntry.Item
        switch (store, sku) {
        case (let id?, nil): item = .store(Int64(id))
        case (nil, let code?): item = .product(code)
        default: throw Problem.invalid("store_id", "give either store_id or sku")
        }
        try await accounts.recordView(item, by: caller)
        return Response(status: .noContent)
    }

    // MARK: - Admin

    static let accountMembers: Set<String> = ["email", "password", "name", "phone", "role", "stores"]

    func create(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let caller = try context.signedIn()
        let o = try Input.object(try await Input.json(request, context: context), allowed: Self.accountMembers)
        let roleText = try Input.string(o, "role", required: true)!
        guard let role = Role(rawValue: roleText) else {
            throw Problem.invalid("role", "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var stores: [StoreID] = []
        if let value = o["stores"], !value.isNull {
            guard case .array(let items) = value else { throw Problem.invalid("stores", "stores must be an array of store ids") }
            stores = try items.enumerated().map { i, item in
                guard let n = item.numberValue, n == n.rounded(), n > 0, n < 9e15 else { throw Problem.invalid("stores[\(i)]", "a store id is a positive integer") }
                return StoreID(Int64(n))
            }
        }
        let draft = AccountDraft(email: try Input.string(o, "email", required: true)!, name: try Input.string(o, "name", required: true)!,
                                 phone: try Input.string(o, "phone"), role: role, stores: stores)
        let account = try await accounts.create(draft, password: try Input.string(o, "password", required: true)!, by: caller)
        return JSONBody(value: Render.account(account), status: .created)
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let caller = try context.signedIn()
        let limit = try Input.queryInt(request, "limit") ?? 100
        guard (1...1_000).contains(limit) else { throw Problem.invalid("limit", "limit must be between 1 and 1000") }
        let after = try Input.queryInt(request, "cursor").map { AccountID(Int64($0)) }
        // One more than the page, to know whether another follows.
        var page = try await accounts.accounts(after: after, limit: limit + 1, by: caller)
        var next: JSONValue = .null
        if page.count > limit {
            page.removeLast()
            next = .string(String(page.last!.id.rawValue))
        }
        return JSONBody(value: .object(["accounts": .array(page.map(Render.account)), "next_cursor": next]))
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
