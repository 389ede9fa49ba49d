import Foundation
import Kernel

/// Storage of accounts, sessions, addresses, favourites and browsing history. Every write is
/// one transaction and throws ``DomainError`` for what it refuses.
public protocol AccountRepository: Sendable {
    /// `.conflict` on an email already taken.
    func create(_ draft: AccountDraft, passwordHash: String, at: Date) async throws -> Account
    func account(_ id: AccountID) async throws -> Account?
    /// The account and its stored password hash.
    func credentials(email: String) async throws -> (account: Account, passwordHash: String)?
    func accounts(after: AccountID?, limit: Int) async throws -> [Account]
    func update(_ id: AccountID, name: String?, phone: String??) async throws -> Account
    /// How many accounts hold a role (the first admin is created when there is none).
    func count(role: Role) async throws -> Int

    func createSession(tokenHash: [UInt8], account: AccountID, expiresAt: Date, at: Date) async throws
    /// The account of a live or lapsed session, with its expiry; nil when revoked or unknown.
    func session(tokenHash: [UInt8]) async throws -> (account: AccountID, expiresAt: Date)?
    func deleteSession(tokenHash: [UInt8]) async throws
    /// Removes sessions that lapsed before `date`.
    func deleteSessions(expiredBefore date: Date) async throws -> Int

    func addresses(of account: AccountID) async throws -> [DeliveryAddress]
    /// A default address clears the default flag of the account's others, in the same transaction.
    func addAddress(_ draft: AddressDraft, to account: AccountID) async throws -> DeliveryAddress
    /// `.notFound` when the address is not the account's.
    func replaceAddress(_ id: AddressID, of account: AccountID, with draft: AddressDraft) async throws -> DeliveryAddress
    func deleteAddress(_ id: AddressID, of account: AccountID) async throws

    func favourites(of account: AccountID) async throws -> [StoreID]
    func setFavourite(_ store: StoreID, of account: AccountID, _ on: Bool, at: Date) async throws

    /// Records a view (the item's earlier view moves to the front), keeping the newest `keep`.
    func recordView(_ item: HistoryEntry.Item, of account: AccountID, at: Date, keep: Int) async throws
    func history(of account: AccountID, limit: Int) async throws -> [HistoryEntry]
}
