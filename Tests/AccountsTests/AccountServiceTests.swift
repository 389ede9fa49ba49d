import Accounts
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// Accounts on a real SpatiaLite file, with a clock the tests move.
@Suite("Accounts, sessions and what a customer keeps")
struct AccountServiceTests {
    struct Setup {
        let accounts: AccountService
        let stores: [StoreID]
        let clock: TestClock
    }

    static func setup(lifetime: TimeInterval = 3_600) async throws -> Setup {
        let (db, _) = try DemoFixture.emptyDatabase()
        let clock = TestClock()
        let service = DemoFixture.service(db, clock: clock)
        try await service.reload()
        var ids: [StoreID] = []
        for i in 0..<2 {
            let (store, _) = try await service.create(StoreDraft(
                externalRef: "pos:\(i)", name: "Store \(i)", kind: "convenience", timeZone: "Europe/Lisbon",
                location: Coordinate(latitude: 41.15, longitude: -8.61 + Double(i) * 0.01)))
            ids.append(store.id)
        }
        return Setup(accounts: DemoFixture.accounts(db, stores: service, sessionLifetime: lifetime, now: { clock.now }), stores: ids, clock: clock)
    }

    static func refusal(_ body: () async throws -> Void) async -> DomainError? {
        do { try await body(); return nil } catch let e as DomainError { return e } catch { return nil }
    }

    @Test("sign up, sign in, the token names the account until sign-out or expiry")
    func sessions() async throws {
        let s = try await Self.setup()
        let ana = try await s.accounts.register(AccountDraft(email: "  Ana@Example.com ", name: "Ana"), password: "correct horse")
        #expect(ana.email == "ana@example.com" && ana.role == .customer)
        let (signedIn, session) = try await s.accounts.login(email: "ANA@example.com", password: "correct horse")
        #expect(signedIn.id == ana.id)
        #expect(session.expiresAt == s.clock.now.addingTimeInterval(3_600))
        #expect(try await s.accounts.authenticate(token: session.token) == ana.principal)
        // A second session is independent of the first.
        let (_, other) = try await s.accounts.login(email: "ana@example.com", password: "correct horse")
        try await s.accounts.logout(token: session.token)
        #expect(await Self.refusal { _ = try await s.accounts.authenticate(token: session.token) }?.kind == .unauthenticated)
        #expect(try await s.accounts.authenticate(token: other.token).account == ana.id)
        s.clock.advance(3_601)
        #expect(await Self.refusal { _ = try await s.accounts.authenticate(token: other.token) }?.message.contains("expired") == true)
        #expect(try await s.accounts.deleteLapsedSessions() == 1)
        // Forged tokens: the right shape but unknown, and the wrong shape.
        #expect(await Self.refusal { _ = try await s.accounts.authenticate(token: SessionToken.generate()) }?.kind == .unauthenticated)
        #expect(await Self.refusal { _ = try await s.accounts.authenticate(token: "o2o_not-a-token") }?.kind == .unauthenticated)
        #expect(await Self.refusal {
            _ = try await s.accounts.register(AccountDraft(email: "ana@EXAMPLE.com", name: "Ana again"), password: "another one")
        }?.kind == .conflict)
    }

    @Test("five wrong passwords lock the email for the window; the right one after it clears the count")
    func throttle() async throws {
        let s = try await Self.setup()
        _ = try await s.accounts.register(AccountDraft(email: "rui@example.com", name: "Rui"), password: "right password")
        for _ in 0..<5 {
            #expect(await Self.refusal { _ = try await s.accounts.login(email: "rui@example.com", password: "wrong password") }?.kind == .unauthenticated)
        }
        let locked = await Self.refusal { _ = try await s.accounts.login(email: "rui@example.com", password: "right password") }
        #expect(locked?.kind == .throttled && locked?.retryAfter == 900)
        // An unknown email answers like a wrong password.
        let unknown = await Self.refusal { _ = try await s.accounts.login(email: "nobody@example.com", password: "whatever1") }
        #expect(unknown?.kind == .unauthenticated && unknown?.message == "wrong email or password")
        s.clock.advance(600)
        #expect(await Self.refusal { _ = try await s.accounts.login(email: "rui@example.com", password: "right password") }?.retryAfter == 300)
        s.clock.advance(301)
        _ = try await s.accounts.login(email: "rui@example.com", password: "right password")
        #expect(await Self.refusal { _ = try await s.accounts.login(email: "rui@example.com", password: "wrong password") }?.kind == .unauthenticated)
    }

    @Test("bad input is refused naming the field, and nothing is stored")
    func badInput() async throws {
        let s = try await Self.setup()
        let cases: [(AccountDraft, String, String)] = [
            (AccountDraft(email: "no-at-sign", name: "X"), "password123", "email"),
            (AccountDraft(email: "a@b", name: "X"), "password123", "email"),
            (AccountDraft(email: "a b@c.com", name: "X"), "password123", "email"),
            (AccountDraft(email: "x@example.com", name: "  "), "password123", "name"),
            (AccountDraft(email: "x@example.com", name: "X", phone: "call me"), "password123", "phone"),
            (AccountDraft(email: "x@example.com", name: "X"), "short", "password"),
            (AccountDraft(email: "x@example.com", name: "X"), String(repeating: "é", count: 40), "password"),
            (AccountDraft(email: "x@example.com", name: "X", role: .admin), "password123", "role"),
        ]
        for (draft, password, field) in cases {
            let e = await Self.refusal { _ = try await s.accounts.register(draft, password: password) }
            #expect(e?.field == field, "\(draft) \(password)")
        }
        #expect(try await s.accounts.repository.accounts(after: nil, limit: 10).isEmpty)
    }

    @Test("roles: only an admin creates accounts; staff are bound to existing stores; the first admin once")
    func roles() async throws {
        let s = try await Self.setup()
        let admin = try await s.accounts.bootstrapAdmin(AccountDraft(email: "root@example.com", name: "Root"), password: "admin password")
        #expect(admin.role == .admin)
        #expect(await Self.refusal {
            _ = try await s.accounts.bootstrapAdmin(AccountDraft(email: "root2@example.com", name: "Root"), password: "admin password")
        }?.kind == .conflict)
        let customer = try await s.accounts.register(AccountDraft(email: "c@example.com", name: "C"), password: "customer pw")
        let staffDraft = AccountDraft(email: "staff@example.com", name: "S", role: .staff, stores: [s.stores[0]])
        #expect(await Self.refusal { _ = try await s.accounts.create(staffDraft, password: "staff password", by: customer.principal) }?.kind == .forbidden)
        let staff = try await s.accounts.create(staffDraft, password: "staff password", by: admin.principal)
        #expect(staff.stores == [s.stores[0]])
        #expect(staff.principal.mayRun(store: s.stores[0]) && !staff.principal.mayRun(store: s.stores[1]))
        #expect(admin.principal.mayRun(store: s.stores[1]) && !customer.principal.mayRun(store: s.stores[0]))
        for (draft, field) in [
            (AccountDraft(email: "s2@example.com", name: "S", role: .staff), "stores"),
            (AccountDraft(email: "s2@example.com", name: "S", role: .staff, stores: [StoreID(999)]), "stores[0]"),
            (AccountDraft(email: "s2@example.com", name: "S", role: .dispatcher, stores: [s.stores[0]]), "stores"),
        ] {
            #expect(await Self.refusal { _ = try await s.accounts.create(draft, password: "staff password", by: admin.principal) }?.field == field)
        }
        #expect(await Self.refusal { _ = try await s.accounts.account(admin.id, by: customer.principal) }?.kind == .forbidden)
        #expect(try await s.accounts.accounts(after: nil, limit: 10, by: admin.principal).map(\.id) == [admin.id, customer.id, staff.id])
        #expect(await Self.refusal { _ = try await s.accounts.accounts(after: nil, limit: 10, by: staff.principal) }?.kind == .forbidden)
    }

    @Test("addresses: GCJ-02 and BD-09 positions are kept in WGS84 beside what was given; one default; each account sees its own")
    func addresses() async throws {
        let s = try await Self.setup()
        let ana = try await s.accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "password one")
        let bo = try await s.accounts.register(AccountDraft(email: "bo@example.com", name: "Bo"), password: "password two")
        let wgs = Coordinate(latitude: 31.2304, longitude: 121.4737)  // Shanghai
        let shown = CoordinateSystem.gcj02.fromWGS84(wgs)
        let home = try await s.accounts.addAddress(AddressDraft(label: "home", recipient: "Ana", phone: "+86 138 0000 0000",
                                                                line: "人民广场 1号", given: shown, system: .gcj02), by: ana.principal)
        #expect(home.location.distance(to: wgs) < 0.01 && home.given == shown && home.system == .gcj02 && home.isDefault)
        let work = try await s.accounts.addAddress(AddressDraft(recipient: "Ana", phone: "138 0000 0001", line: "Office",
                                                                given: CoordinateSystem.bd09.fromWGS84(wgs), system: .bd09, isDefault: true),
                                                   by: ana.principal)
        #expect(work.location.distance(to: wgs) < 0.01)
        var mine = try await s.accounts.addresses(by: ana.principal)
        #expect(mine.map(\.isDefault) == [false, true])
        try await s.accounts.deleteAddress(work.id, by: ana.principal)
        mine = try await s.accounts.addresses(by: ana.principal)
        #expect(mine.map(\.id) == [home.id] && mine[0].isDefault)
        // Another customer's address is not there for Bo.
        #expect(await Self.refusal { try await s.accounts.deleteAddress(home.id, by: bo.principal) }?.kind == .notFound)
        #expect(await Self.refusal {
            _ = try await s.accounts.replaceAddress(home.id, with: AddressDraft(recipient: "Bo", phone: "12345", line: "x", given: wgs), by: bo.principal)
        }?.kind == .notFound)
        #expect(try await s.accounts.addresses(by: bo.principal).isEmpty)
        let bad = await Self.refusal {
            _ = try await s.accounts.addAddress(AddressDraft(recipient: "Ana", phone: "123", line: "x", given: wgs), by: ana.principal)
        }
        #expect(bad?.field == "phone")
    }

    @Test("favourites and browsing history: existing stores only, newest first, one entry per item, the newest 100 kept")
    func favouritesAndHistory() async throws {
        let s = try await Self.setup()
        let ana = try await s.accounts.register(AccountDraft(email: "ana@example.com", name: "Ana"), password: "password one")
        try await s.accounts.setFavourite(s.stores[0], true, by: ana.principal)
        s.clock.advance(1)
        try await s.accounts.setFavourite(s.stores[1], true, by: ana.principal)
        try await s.accounts.setFavourite(s.stores[1], true, by: ana.principal)
        #expect(try await s.accounts.favourites(by: ana.principal) == [s.stores[1], s.stores[0]])
        try await s.accounts.setFavourite(s.stores[0], false, by: ana.principal)
        #expect(try await s.accounts.favourites(by: ana.principal) == [s.stores[1]])
        #expect(await Self.refusal { try await s.accounts.setFavourite(StoreID(999), true, by: ana.principal) }?.field == "store_id")

        for i in 0..<105 {
            s.clock.advance(1)
            try await s.accounts.recordView(.product("SKU-\(i)"), by: ana.principal)
        }
        s.clock.advance(1)
        try await s.accounts.recordView(.store(s.stores[0].rawValue), by: ana.principal)
        s.clock.advance(1)
        try await s.accounts.recordView(.product("SKU-104"), by: ana.principal)
        let history = try await s.accounts.history(limit: 100, by: ana.principal)
        #expect(history.count == 100)
        #expect(history.prefix(3).map(\.item) == [.product("SKU-104"), .store(s.stores[0].rawValue), .product("SKU-103")])
        #expect(!history.contains { $0.item == .product("SKU-5") })
        #expect(await Self.refusal { try await s.accounts.recordView(.store(999), by: ana.principal) }?.kind == .notFound)
    }
}
