import Accounts
import Foundation
import GeoCore
import Kernel
import O2OAPI

/// `/v1/accounts`, `/v1/sessions`, `/v1/me…` and `/v1/admin/accounts`: signing up and in, the
/// caller's own profile, addresses and history, and the admin's accounts.
extension APIHandlers {
    func register(_ input: Operations.Register.Input) async throws -> Operations.Register.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let account = try await accounts.register(AccountDraft(email: body.email, name: body.name, phone: body.phone), password: body.password)
        return .created(.init(body: .json(Self.account(account))))
    }

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let (account, session) = try await accounts.login(email: body.email, password: body.password)
        return .created(.init(body: .json(.init(account: Self.account(account), expiresAt: Render.iso8601(session.expiresAt),
                                                token: session.token, tokenType: "Bearer"))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        _ = try context.signedIn()
        // The authentication middleware has checked the header's form and its token.
        let header = try current.request.headers[.authorization] ?? ""
        let token = header.split(separator: " ", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        try await accounts.logout(token: token)
        return .noContent(.init())
    }

    func me(_ input: Operations.Me.Input) async throws -> Operations.Me.Output {
        let caller = try context.signedIn()
        return .ok(.init(body: .json(Self.account(try await accounts.account(caller.account, by: caller)))))
    }

    func updateMe(_ input: Operations.UpdateMe.Input) async throws -> Operations.UpdateMe.Output {
        let caller = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        // `"phone": null` clears the phone; leaving it out keeps it.
        let phone: String?? = try await sentMembers().contains("phone") ? .some(body.phone) : .none
        return .ok(.init(body: .json(Self.account(try await accounts.updateProfile(name: body.name, phone: phone, by: caller)))))
    }

    func listAddresses(_ input: Operations.ListAddresses.Input) async throws -> Operations.ListAddresses.Output {
        .ok(.init(body: .json(.init(addresses: try await accounts.addresses(by: try context.signedIn()).map(Self.address)))))
    }

    func addAddress(_ input: Operations.AddAddress.Input) async throws -> Operations.AddAddress.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let address = try await accounts.addAddress(try Self.address(body), by: try context.signedIn())
        return .created(.init(body: .json(Self.address(address))))
    }

    func replaceAddress(_ input: Operations.ReplaceAddress.Input) async throws -> Operations.ReplaceAddress.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        let id = AddressID(try Self.positive(input.path.id, "id"))
        return .ok(.init(body: .json(Self.address(try await accounts.replaceAddress(id, with: try Self.address(body), by: try context.signedIn())))))
    }

    func deleteAddress(_ input: Operations.DeleteAddress.Input) async throws -> Operations.DeleteAddress.Output {
        try await accounts.deleteAddress(AddressID(try Self.positive(input.path.id, "id")), by: try context.signedIn())
        return .noContent(.init())
    }

    func addFavourite(_ input: Operations.AddFavourite.Input) async throws -> Operations.AddFavourite.Output {
        try await accounts.setFavourite(StoreID(try Self.positive(input.path.storeId, "store_id")), true, by: try context.signedIn())
        return .noContent(.init())
    }

    func removeFavourite(_ input: Operations.RemoveFavourite.Input) async throws -> Operations.RemoveFavourite.Output {
        try await accounts.setFavourite(StoreID(try Self.positive(input.path.storeId, "store_id")), false, by: try context.signedIn())
        return .noContent(.init())
    }

    func listFavourites(_ input: Operations.ListFavourites.Input) async throws -> Operations.ListFavourites.Output {
        let ids = try await accounts.favourites(by: try context.signedIn())
        // A favourite whose store has since gone is left out.
        return .ok(.init(body: .json(.init(stores: ids.compactMap { stores.finder.store($0) }.map(Self.store)))))
    }

    func history(_ input: Operations.History.Input) async throws -> Operations.History.Output {
        let views = try await accounts.history(limit: input.query.limit ?? 20, by: try context.signedIn())
        return .ok(.init(body: .json(.init(views: views.map { view in
            switch view.item {
            case .store(let id): .init(storeId: Int(id), viewedAt: Render.iso8601(view.viewedAt))
            case .product(let code): .init(sku: code, viewedAt: Render.iso8601(view.viewedAt))
            }
        }))))
    }

    func recordView(_ input: Operations.RecordView.Input) async throws -> Operations.RecordView.Output {
        let caller = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let item: HistoryEntry.Item
        switch (body.storeId, body.sku) {
        case (let id?, nil): item = .store(Int64(id))
        case (nil, let code?): item = .product(code)
        default: throw DomainError(.invalid, field: "store_id", "give either store_id or sku")
        }
        try await accounts.recordView(item, by: caller)
        return .noContent(.init())
    }

    func createAccount(_ input: Operations.CreateAccount.Input) async throws -> Operations.CreateAccount.Output {
        let caller = try context.signedIn()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let stores = try (body.stores ?? []).enumerated().map { i, id in StoreID(try Self.positive(id, "stores[\(i)]")) }
        guard let role = Role(rawValue: body.role.rawValue) else { throw DomainError(.invalid, field: "role", "unknown role \(body.role.rawValue)") }
        let draft = AccountDraft(email: body.email, name: body.name, phone: body.phone, role: role, stores: stores)
        return .created(.init(body: .json(Self.account(try await accounts.create(draft, password: body.password, by: caller)))))
    }

    func listAccounts(_ input: Operations.ListAccounts.Input) async throws -> Operations.ListAccounts.Output {
        let caller = try context.signedIn()
        let limit = input.query.limit ?? 100
        guard (1...1_000).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and 1000") }
        // One more than the page, to know whether another follows.
        var page = try await accounts.accounts(after: input.query.cursor.map { AccountID(Int64($0)) }, limit: limit + 1, by: caller)
        var next: String?
        if page.count > limit {
            page.removeLast()
            next = page.last.map { String($0.id.rawValue) }
        }
        return .ok(.init(body: .json(.init(accounts: page.map(Self.account), nextCursor: next))))
    }

    // MARK: - Translation

    static let noBody = DomainError(.invalid, field: "body", "a JSON body is required")

    /// A positive id, else a refusal naming the field.
    static func positive(_ value: Int, _ field: String) throws(DomainError) -> Int64 {
        guard value > 0 else { throw DomainError(.invalid, field: field, "\(field) must be a positive integer") }
        return Int64(value)
    }

    static func account(_ a: Account) -> Components.Schemas.Account {
        .init(createdAt: Render.iso8601(a.createdAt), email: a.email, id: Int(a.id.rawValue), name: a.name, phone: a.phone,
              role: a.role.rawValue, stores: a.stores.map { Int($0.rawValue) })
    }

    static func address(_ a: DeliveryAddress) -> Components.Schemas.Address {
        .init(_default: a.isDefault, given: .init(crs: a.system.rawValue, lat: a.given.latitude, lon: a.given.longitude),
              id: Int(a.id.rawValue), label: a.label, lat: a.location.latitude, line: a.line, lon: a.location.longitude,
              phone: a.phone, recipient: a.recipient)
    }

    static func address(_ body: Components.Schemas.AddressInput) throws -> AddressDraft {
        let system = body.crs.flatMap { CoordinateSystem(rawValue: $0.rawValue) } ?? .wgs84
        let given = try Coordinate.validated(latitude: body.lat, longitude: body.lon)
        return AddressDraft(label: body.label, recipient: body.recipient, phone: body.phone, line: body.line, given: given,
                            system: system, isDefault: body._default ?? false)
    }
}
