import Foundation
import GeoCore
import Kernel

/// Sign-up, sign-in and everything a signed-in person keeps: profile, delivery addresses,
/// favourite stores, browsing history; and the admin's account management. Input is checked
/// here, before storage sees it; time and the store directory come in from outside.
public struct AccountService: Sendable {
    public let repository: any AccountRepository
    let hasher: any PasswordHasher
    public let throttle: LoginThrottle
    let now: @Sendable () -> Date
    let storeExists: @Sendable (StoreID) -> Bool
    /// How long a session lasts from sign-in.
    public let sessionLifetime: TimeInterval
    /// A hash of no one's password at the hasher's cost, checked against when the email is unknown.
    let decoyHash: String

    public static let maximumAddresses = 20
    public static let historyKept = 100

    public init(repository: any AccountRepository, hasher: any PasswordHasher = BcryptHasher(), throttle: LoginThrottle = LoginThrottle(),
                sessionLifetime: TimeInterval = 7 * 86_400, now: @escaping @Sendable () -> Date = { Date() },
                storeExists: @escaping @Sendable (StoreID) -> Bool) {
        self.repository = repository; self.hasher = hasher; self.throttle = throttle
        self.sessionLifetime = sessionLifetime; self.now = now; self.storeExists = storeExists
        decoyHash = hasher.hash(SessionToken.generate())
    }

    /// A session's bearer token and when it lapses.
    public struct Session: Hashable, Sendable {
        public var token: String
        public var expiresAt: Date
    }

    // MARK: - Accounts

    /// A customer signs up.
    public func register(_ draft: AccountDraft, password: String) async throws -> Account {
        var draft = try Self.validated(draft)
        guard draft.role == .customer else { throw DomainError(.forbidden, field: "role", "signing up makes a customer account; an admin creates the others") }
        draft.stores = []
        try Self.validate(password: password)
        return try await repository.create(draft, passwordHash: hasher.hash(password), at: now())
    }

    /// An admin creates an account of any role; staff name the stores they work for.
    public func create(_ draft: AccountDraft, password: String, by caller: Principal) async throws -> Account {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin creates accounts") }
        let draft = try Self.validated(draft)
        try validateStores(draft)
        try Self.validate(password: password)
        return try await repository.create(draft, passwordHash: hasher.hash(password), at: now())
    }

    /// The first admin, from the command line, when there is none yet.
    public func bootstrapAdmin(_ draft: AccountDraft, password: String) async throws -> Account {
        guard try await repository.count(role: .admin) == 0 else {
            throw DomainError(.conflict, field: "role", "an admin exists already; admins create further admins")
        }
        var draft = try Self.validated(draft)
        draft.role = .admin
        draft.stores = []
        try Self.validate(password: password)
        return try await repository.create(draft, passwordHash: hasher.hash(password), at: now())
    }

    public func account(_ id: AccountID, by caller: Principal) async throws -> Account {
        guard caller.account == id || caller.role == .admin else { throw DomainError(.forbidden, "an account is read by its owner or an admin") }
        guard let account = try await repository.account(id) else { throw DomainError(.notFound, field: "id", "no account \(id)") }
        return account
    }

    public func accounts(after: AccountID?, limit: Int, by caller: Principal) async throws -> [Account] {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin lists accounts") }
        guard (1...1_001).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and 1000") }
        return try await repository.accounts(after: after, limit: limit)
    }

    /// The caller changes their own name or phone (a nil leaves it; phone `.some(nil)` clears it).
    public func updateProfile(name: String?, phone: String??, by caller: Principal) async throws -> Account {
        let name = try name.map { try Self.validated(name: $0) }
        let phone: String?? = try phone.map { try $0.map { try Self.validated(phone: $0, field: "phone") } }
        return try await repository.update(caller.account, name: name, phone: phone)
    }

    // MARK: - Sessions

    /// Signs in: a session token on the right password. Wrong passwords and unknown emails get
    /// the same answer in about the same time, and count against the email's throttle.
    public func login(email: String, password: String) async throws -> (Account, Session) {
        let key = Self.normalized(email: email)
        let at = now()
        try throttle.check(key, now: at)
        let found = try await repository.credentials(email: key)
        // An unknown email still pays for one hash check, so timing does not tell which emails exist.
        let ok = hasher.verify(password, hash: found?.passwordHash ?? decoyHash)
        guard let found, ok else {
            throttle.recordFailure(key, now: at)
            throw DomainError(.unauthenticated, field: "password", "wrong email or password")
        }
        throttle.reset(key)
        let token = SessionToken.generate()
        let expires = at.addingTimeInterval(sessionLifetime)
        try await repository.createSession(tokenHash: SessionToken.digest(token), account: found.account.id, expiresAt: expires, at: at)
        return (found.account, Session(token: token, expiresAt: expires))
    }

    /// The caller behind a bearer token: refused when it is malformed, unknown, revoked or lapsed.
    public func authenticate(token: String) async throws -> Principal {
        guard SessionToken.isWellFormed(token) else { throw DomainError(.unauthenticated, field: "authorization", "not a session token") }
        guard let session = try await repository.session(tokenHash: SessionToken.digest(token)) else {
            throw DomainError(.unauthenticated, field: "authorization", "unknown or signed-out session")
        }
        guard session.expiresAt > now() else { throw DomainError(.unauthenticated, field: "authorization", "the session has expired; sign in again") }
        guard let account = try await repository.account(session.account) else {
            throw DomainError(.unauthenticated, field: "authorization", "the session's account is gone")
        }
        return account.principal
    }

    /// Signs out: the token stops working at once.
    public func logout(token: String) async throws {
        try await repository.deleteSession(tokenHash: SessionToken.digest(token))
    }

    /// Deletes sessions past their expiry; returns how many.
    public func deleteLapsedSessions() async throws -> Int {
        try await repository.deleteSessions(expiredBefore: now())
    }

    // MARK: - Addresses

    public func addresses(by caller: Principal) async throws -> [DeliveryAddress] {
        try await repository.addresses(of: caller.account)
    }

    public func addAddress(_ draft: AddressDraft, by caller: Principal) async throws -> DeliveryAddress {
        let draft = try Self.validated(draft)
        guard try await repository.addresses(of: caller.account).count < Self.maximumAddresses else {
            throw DomainError(.conflict, "an account keeps at most \(Self.maximumAddresses) addresses")
        }
        return try await repository.addAddress(draft, to: caller.account)
    }

    public func replaceAddress(_ id: AddressID, with draft: AddressDraft, by caller: Principal) async throws -> DeliveryAddress {
        try await repository.replaceAddress(id, of: caller.account, with: try Self.validated(draft))
    }

    public func deleteAddress(_ id: AddressID, by caller: Principal) async throws {
        try await repository.deleteAddress(id, of: caller.account)
    }

    // MARK: - Favourites and history

    public func favourites(by caller: Principal) async throws -> [StoreID] {
        try await repository.favourites(of: caller.account)
    }

    public func setFavourite(_ store: StoreID, _ on: Bool, by caller: Principal) async throws {
        if on, !storeExists(store) { throw DomainError(.notFound, field: "store_id", "no store \(store)") }
        try await repository.setFavourite(store, of: caller.account, on, at: now())
    }

    public func recordView(_ item: HistoryEntry.Item, by caller: Principal) async throws {
        switch item {
        case .store(let id):
            guard storeExists(StoreID(id)) else { throw DomainError(.notFound, field: "store_id", "no store \(id)") }
        case .product(let code):
            guard !code.isEmpty, code.count <= 64 else { throw DomainError(.invalid, field: "sku", "a SKU code is 1 to 64 characters") }
        }
        try await repository.recordView(item, of: caller.account, at: now(), keep: Self.historyKept)
    }

    public func history(limit: Int, by caller: Principal) async throws -> [HistoryEntry] {
        guard (1...Self.historyKept).contains(limit) else { throw DomainError(.invalid, field: "limit", "limit must be between 1 and \(Self.historyKept)") }
        return try await repository.history(of: caller.account, limit: limit)
    }

    // MARK: - Checks

    static func normalized(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func validated(_ draft: AccountDraft) throws(DomainError) -> AccountDraft {
        var d = draft
        d.email = normalized(email: draft.email)
        let parts = d.email.split(separator: "@", omittingEmptySubsequences: false)
        guard d.email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !d.email.contains(where: { $0.isWhitespace }) else {
            throw DomainError(.invalid, field: "email", "email must be an address like name@example.com")
        }
        d.name = try validated(name: draft.name)
        d.phone = try draft.phone.map { phone throws(DomainError) in try validated(phone: phone, field: "phone") }
        return d
    }

    func validateStores(_ draft: AccountDraft) throws(DomainError) {
        if draft.role == .staff {
            guard !draft.stores.isEmpty else { throw DomainError(.invalid, field: "stores", "a staff account names the stores it works for") }
            for (i, store) in draft.stores.enumerated() where !storeExists(store) {
                throw DomainError(.notFound, field: "stores[\(i)]", "no store \(store)")
            }
            guard Set(draft.stores).count == draft.stores.count else { throw DomainError(.invalid, field: "stores", "each store may appear once") }
        } else if !draft.stores.isEmpty {
            throw DomainError(.invalid, field: "stores", "only staff accounts are bound to stores")
        }
    }

    static func validated(name: String) throws(DomainError) -> String {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw DomainError(.invalid, field: "name", "name must be 1 to 100 characters") }
        return name
    }

    static func validated(phone: String, field: String) throws(DomainError) -> String {
        let phone = phone.trimmingCharacters(in: .whitespaces)
        let digits = phone.filter(\.isNumber).count
        guard (5...20).contains(digits), phone.count <= 30,
              phone.allSatisfy({ $0.isNumber || " +-().".contains($0) }) else {
            throw DomainError(.invalid, field: field, "\(field) must be a phone number of 5 to 20 digits (spaces, +, -, ( and ) allowed)")
        }
        return phone
    }

    static func validate(password: String) throws(DomainError) {
        guard password.count >= 8 else { throw DomainError(.invalid, field: "password", "password must be at least 8 characters") }
        // bcrypt reads 72 bytes; a longer password would be checked only in part.
        guard password.utf8.count <= 72 else { throw DomainError(.invalid, field: "password", "password must be at most 72 bytes") }
    }

    static func validated(_ draft: AddressDraft) throws(DomainError) -> AddressDraft {
        var d = draft
        d.recipient = draft.recipient.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(d.recipient.count) else { throw DomainError(.invalid, field: "recipient", "recipient must be 1 to 100 characters") }
        d.phone = try validated(phone: draft.phone, field: "phone")
        d.line = draft.line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(d.line.count) else { throw DomainError(.invalid, field: "line", "line must be 1 to 300 characters") }
        d.label = draft.label.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let label = d.label, label.count > 40 { throw DomainError(.invalid, field: "label", "label must be at most 40 characters") }
        guard draft.given.isValid else { throw DomainError(.invalid, field: "lat", "lat and lon must be a valid position") }
        return d
    }
}
