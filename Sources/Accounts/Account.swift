import Foundation
import Kernel

/// A person who signs in: a customer, or one of the operator's people.
public struct Account: Hashable, Sendable {
    public var id: AccountID
    /// The sign-in name, lower-cased.
    public var email: String
    public var name: String
    public var phone: String?
    public var role: Role
    /// The stores a staff account works for (empty for every other role).
    public var stores: [StoreID]
    public var createdAt: Date

    public init(id: AccountID, email: String, name: String, phone: String? = nil, role: Role, stores: [StoreID] = [], createdAt: Date) {
        self.id = id; self.email = email; self.name = name; self.phone = phone; self.role = role
        self.stores = stores; self.createdAt = createdAt
    }

    /// Who this account is, as a request carries it.
    public var principal: Principal { Principal(account: id, role: role, stores: Set(stores)) }
}

/// The signed-in caller of a request: who, in what role, for which stores.
public struct Principal: Hashable, Sendable {
    public var account: AccountID
    public var role: Role
    public var stores: Set<StoreID>

    public init(account: AccountID, role: Role, stores: Set<StoreID> = []) {
        self.account = account; self.role = role; self.stores = stores
    }

    /// Whether the caller may act for a store: its staff, or an admin.
    public func mayRun(store: StoreID) -> Bool {
        role == .admin || (role == .staff && stores.contains(store))
    }
}

/// What registering or creating an account needs.
public struct AccountDraft: Hashable, Sendable {
    public var email: String
    public var name: String
    public var phone: String?
    public var role: Role
    public var stores: [StoreID]

    public init(email: String, name: String, phone: String? = nil, role: Role = .customer, stores: [StoreID] = []) {
        self.email = email; self.name = name; self.phone = phone; self.role = role; self.stores = stores
    }
}
