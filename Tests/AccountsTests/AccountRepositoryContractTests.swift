import Accounts
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `AccountRepository` must do, whatever stores it: each test runs on every backend
/// in `backends` (SpatiaLite in memory and on disk today; a second storage backend joins the
/// list and passes the same tests).
@Suite("AccountRepository contract")
struct AccountRepositoryContractTests {
    /// A backend: a fresh, empty store of accounts beside three stores (ids 1, 2 and 3).
    typealias Backend = ContractBackend<any AccountRepository>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> any AccountRepository {
        let stores = DemoFixture.service(db)
        for i in 1...3 {
            _ = try await stores.create(StoreDraft(externalRef: "test:\(i)", name: "Store \(i)", kind: "convenience", timeZone: "Europe/Lisbon",
                                                   location: Coordinate(latitude: 41.15, longitude: -8.61 + Double(i) / 100)))
        }
        return SpatiaLiteAccountRepository(database: db)
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)


    @Test("accounts: created once per email, read back whole, paged by id, changed, counted by role", arguments: AccountRepositoryContractTests.backends)
    func accounts(_ backend: Backend) async throws {
        let repo = try await backend.make()
        let ana = try await repo.create(AccountDraft(email: "ana@example.com", name: "Ana", phone: "+351 900 000 001"), passwordHash: "h1", at: Self.t0)
        let rui = try await repo.create(AccountDraft(email: "rui@example.com", name: "Rui", role: .staff, stores: [StoreID(2), StoreID(1)]),
                                        passwordHash: "h2", at: Self.t0)
        #expect(await Contracts.refusal {
            _ = try await repo.create(AccountDraft(email: "eva@example.com", name: "Eva", role: .staff, stores: [StoreID(999_999)]), passwordHash: "h", at: Self.t0)
        } == .notFound, "staff of a store that does not exist are refused, and no account is left behind")
        #expect(try await repo.credentials(email: "eva@example.com") == nil)
        #expect(await Contracts.refusal { _ = try await repo.create(AccountDraft(email: "ana@example.com", name: "Other"), passwordHash: "h", at: Self.t0) } == .conflict)
        #expect(try await repo.account(ana.id) == ana)
        #expect(try await repo.account(rui.id)?.stores == [StoreID(1), StoreID(2)], "a staff member's stores come back in id order")
        #expect(try await repo.account(AccountID(999_999)) == nil)
        let credentials = try #require(try await repo.credentials(email: "rui@example.com"))
        #expect(credentials.account == rui && credentials.passwordHash == "h2")
        #expect(try await repo.credentials(email: "nobody@example.com") == nil)

        #expect(try await repo.accounts(after: nil, limit: 1).map(\.id) == [ana.id])
        #expect(try await repo.accounts(after: ana.id, limit: 10).map(\.id) == [rui.id])
        #expect(try await repo.accounts(after: rui.id, limit: 10).isEmpty)

        let renamed = try await repo.update(ana.id, name: "Ana Sousa", phone: nil)
        #expect(renamed.name == "Ana Sousa" && renamed.phone == "+351 900 000 001", "a phone left out stays")
        let cleared = try await repo.update(ana.id, name: nil, phone: .some(nil))
        #expect(cleared.name == "Ana Sousa" && cleared.phone == nil, "a phone given as none is cleared")
        #expect(await Contracts.refusal { _ = try await repo.update(AccountID(999_999), name: "x", phone: nil) } == .notFound)

        let customers = try await repo.count(role: .customer), staff = try await repo.count(role: .staff), admins = try await repo.count(role: .admin)
        #expect(customers == 1 && staff == 1 && admins == 0)
    }

    @Test("sessions: found while stored, gone when deleted, swept when lapsed", arguments: AccountRepositoryContractTests.backends)
    func sessions(_ backend: Backend) async throws {
        let repo = try await backend.make()
        let ana = try await repo.create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h", at: Self.t0)
        let live: [UInt8] = Array(repeating: 1, count: 32), old: [UInt8] = Array(repeating: 2, count: 32)
        try await repo.createSession(tokenHash: live, account: ana.id, expiresAt: Self.t0.addingTimeInterval(3_600), at: Self.t0)
        try await repo.createSession(tokenHash: old, account: ana.id, expiresAt: Self.t0.addingTimeInterval(-1), at: Self.t0.addingTimeInterval(-7_200))
        let found = try #require(try await repo.session(tokenHash: live))
        #expect(found.account == ana.id && found.expiresAt == Self.t0.addingTimeInterval(3_600))
        #expect(try await repo.session(tokenHash: old)?.account == ana.id, "a lapsed session is still found, with its expiry, until swept")
        #expect(try await repo.deleteSessions(expiredBefore: Self.t0) == 1)
        #expect(try await repo.session(tokenHash: old) == nil)
        try await repo.deleteSession(tokenHash: live)
        #expect(try await repo.session(tokenHash: live) == nil)
        #expect(try await repo.session(tokenHash: Array(repeating: 3, count: 32)) == nil)
    }

    @Test("addresses: one default at most, each account's own, replaced and deleted only by their owner", arguments: AccountRepositoryContractTests.backends)
    func addresses(_ backend: Backend) async throws {
        let repo = try await backend.make()
        let ana = try await repo.create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h", at: Self.t0)
        let rui = try await repo.create(AccountDraft(email: "rui@example.com", name: "Rui"), passwordHash: "h", at: Self.t0)
        func draft(_ line: String, _ isDefault: Bool) -> AddressDraft {
            AddressDraft(label: line, recipient: "Ana", phone: "+351 900 000 001", line: line,
                         given: Coordinate(latitude: 41.15, longitude: -8.61), isDefault: isDefault)
        }
        let home = try await repo.addAddress(draft("Home", true), to: ana.id)
        let work = try await repo.addAddress(draft("Work", true), to: ana.id)
        var mine = try await repo.addresses(of: ana.id)
        #expect(Set(mine.map(\.id)) == [home.id, work.id])
        #expect(mine.filter(\.isDefault).map(\.id) == [work.id], "a new default clears the old one")
        #expect(try await repo.addresses(of: rui.id).isEmpty)

        #expect(await Contracts.refusal { _ = try await repo.replaceAddress(home.id, of: rui.id, with: draft("Stolen", false)) } == .notFound)
        #expect(await Contracts.refusal { try await repo.deleteAddress(home.id, of: rui.id) } == .notFound)
        let moved = try await repo.replaceAddress(home.id, of: ana.id, with: draft("Home 2", true))
        #expect(moved.line == "Home 2" && moved.isDefault)
        mine = try await repo.addresses(of: ana.id)
        #expect(mine.filter(\.isDefault).map(\.id) == [home.id])
        try await repo.deleteAddress(work.id, of: ana.id)
        #expect(try await repo.addresses(of: ana.id).map(\.id) == [home.id])
        #expect(await Contracts.refusal { try await repo.deleteAddress(work.id, of: ana.id) } == .notFound)
    }

    @Test("favourites last added first, set twice once; history newest first, a view again moves to the front, the newest kept", arguments: AccountRepositoryContractTests.backends)
    func favouritesAndHistory(_ backend: Backend) async throws {
        let repo = try await backend.make()
        let ana = try await repo.create(AccountDraft(email: "ana@example.com", name: "Ana"), passwordHash: "h", at: Self.t0)
        try await repo.setFavourite(StoreID(3), of: ana.id, true, at: Self.t0)
        try await repo.setFavourite(StoreID(1), of: ana.id, true, at: Self.t0.addingTimeInterval(10))
        try await repo.setFavourite(StoreID(1), of: ana.id, true, at: Self.t0.addingTimeInterval(20))
        #expect(try await repo.favourites(of: ana.id).count == 2)
        #expect(try await repo.favourites(of: ana.id).first == StoreID(1))
        try await repo.setFavourite(StoreID(3), of: ana.id, false, at: Self.t0.addingTimeInterval(30))
        try await repo.setFavourite(StoreID(3), of: ana.id, false, at: Self.t0.addingTimeInterval(40))
        #expect(try await repo.favourites(of: ana.id) == [StoreID(1)])
        #expect(await Contracts.refusal { try await repo.setFavourite(StoreID(999_999), of: ana.id, true, at: Self.t0) } == .notFound,
                "a store that does not exist is refused")
        #expect(try await repo.favourites(of: ana.id) == [StoreID(1)])

        let items: [HistoryEntry.Item] = [.store(1), .product("DAIRY-001"), .store(2), .product("WINE-004")]
        for (i, item) in items.enumerated() {
            try await repo.recordView(item, of: ana.id, at: Self.t0.addingTimeInterval(Double(i)), keep: 3)
        }
        #expect(try await repo.history(of: ana.id, limit: 10).map(\.item) == [.product("WINE-004"), .store(2), .product("DAIRY-001")],
                "only the newest three are kept")
        try await repo.recordView(.product("DAIRY-001"), of: ana.id, at: Self.t0.addingTimeInterval(10), keep: 3)
        let history = try await repo.history(of: ana.id, limit: 2)
        #expect(history.map(\.item) == [.product("DAIRY-001"), .product("WINE-004")])
        #expect(history.first?.viewedAt == Self.t0.addingTimeInterval(10))
    }
}
