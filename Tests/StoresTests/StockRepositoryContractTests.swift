import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Persistence
import Stores
import Testing

/// What every `StockRepository` (with the `StoreRepository` it sits beside) must do, whatever
/// stores it: holds that never oversell, confirm and release once, till batches in order and
/// once, and the stock events they raise. Each test runs on every backend in `backends`
/// (SpatiaLite in memory and on disk today).
@Suite("StockRepository contract")
struct StockRepositoryContractTests {
    /// A fresh backend with one store and two SKUs: 20 milk, 3 bread (low below 5).
    struct World: Sendable {
        var stock: any StoreStorage
        var shop: StoreID, other: StoreID

        func level(_ sku: SKUCode, at store: StoreID? = nil) async throws -> StockLevel? {
            try await stock.stock(of: store ?? shop, after: nil, limit: 100).lines.first { $0.sku == sku }?.level
        }

        /// On hand and reserved of a SKU at the store, as one value to compare.
        func held(_ sku: SKUCode) async throws -> Held? {
            try await level(sku).map { Held(onHand: $0.onHand, reserved: $0.reserved) }
        }
    }

    struct Held: Equatable, CustomStringConvertible {
        var onHand: Int, reserved: Int
        init(_ onHand: Int, _ reserved: Int) { self.onHand = onHand; self.reserved = reserved }
        init(onHand: Int, reserved: Int) { self.onHand = onHand; self.reserved = reserved }
        var description: String { "\(onHand) on hand, \(reserved) reserved" }
    }

    typealias Backend = ContractBackend<World>
    static let backends = Backend.all(build)

    static func build(_ db: SpatiaLiteDatabase) async throws -> World {
        let repository = SpatiaLiteStoreRepository(database: db)
        try await repository.upsert(skus: [SKU(code: "MILK", name: "Milk"), SKU(code: "BREAD", name: "Bread")])
        var ids: [StoreID] = []
        for n in 1...2 {
            let (store, _) = try await repository.create(StoreDraft(externalRef: "test:\(n)", name: "Store \(n)", kind: "convenience",
                                                                    timeZone: "Europe/Lisbon", location: Coordinate(latitude: 41.15, longitude: -8.61)), zones: [])
            ids.append(store.id)
            _ = try await repository.writeStock(of: store.id, [("MILK", 20), ("BREAD", 3)], mode: .set, lowThresholds: [:], at: StockRepositoryContractTests.t0)
        }
        return World(stock: repository, shop: ids[0], other: ids[1])
    }

    static let t0 = Date(timeIntervalSince1970: 1_767_603_600)

    static func hold(_ w: World, _ items: [(SKUCode, Int)], key: String? = nil, hash: String = "h", at: Date = t0, seconds: Double = 600,
                     store: StoreID? = nil) async throws -> (reservation: Reservation, replayed: Bool, change: StockChange) {
        try await w.stock.reserve(.random(), store: store ?? w.shop, items: items.map { Reservation.Item(sku: $0.0, quantity: $0.1) }, at: at,
                                  expiresAt: at.addingTimeInterval(seconds), idempotencyKey: key, contentHash: hash)
    }

    @Test("a hold counts against what can be sold until confirmed (on hand falls) or released (it comes back), once each", arguments: StockRepositoryContractTests.backends)
    func holdConfirmRelease(_ backend: Backend) async throws {
        let w = try await backend.make()
        let (held, replayed, change) = try await Self.hold(w, [("MILK", 4), ("BREAD", 1)])
        let read = try await w.stock.reservation(held.id)
        #expect(read == held, "\(String(describing: read)) against \(held)")
        #expect(!replayed && held.status == .held && held.storeID == w.shop)
        #expect(change.lines.count == 2)
        #expect(try await w.held("MILK") == Held(20, 4))
        #expect(try await w.stock.reservation(held.id) == held)

        let (confirmed, _) = try await w.stock.confirm(held.id, at: Self.t0.addingTimeInterval(60))
        #expect(confirmed.status == .confirmed)
        #expect(try await w.held("MILK") == Held(16, 0))
        let (again, noChange) = try await w.stock.confirm(held.id, at: Self.t0.addingTimeInterval(61))
        let afterTwice = try await w.held("MILK")
        #expect(again.status == .confirmed && noChange.lines.isEmpty && afterTwice == Held(16, 0), "confirming twice takes once")

        let other = try await Self.hold(w, [("MILK", 5)]).reservation
        let (released, _) = try await w.stock.release(other.id, at: Self.t0.addingTimeInterval(70))
        #expect(released.status == .released)
        #expect(try await w.held("MILK") == Held(16, 0))
        let (releasedAgain, none) = try await w.stock.release(other.id, at: Self.t0.addingTimeInterval(71))
        #expect(releasedAgain.status == .released && none.lines.isEmpty)
        #expect(try await w.stock.reservation(.random()) == nil)
        let counts = try await w.stock.reservationCounts()
        #expect(counts[.confirmed] == 1 && counts[.released] == 1)
    }

    @Test("a hold the store cannot make whole is refused with a detail per short item, and holds nothing", arguments: StockRepositoryContractTests.backends)
    func shortHold(_ backend: Backend) async throws {
        let w = try await backend.make()
        do {
            _ = try await Self.hold(w, [("MILK", 2), ("BREAD", 4)])
            Issue.record("three bread cannot make four")
        } catch let error as DomainError {
            #expect(error.kind == .conflict)
            #expect(error.details.count == 1 && (error.field ?? "").hasPrefix("items[1]"), "the bread, not the milk: \(error)")
        }
        #expect(try await w.held("MILK") == Held(20, 0))
        #expect(try await w.held("BREAD") == Held(3, 0))
        #expect(try await w.stock.reservationCounts().values.reduce(0, +) == 0)
    }

    @Test("an idempotency key holds once: the same request replays its reservation, another request under it is a conflict", arguments: StockRepositoryContractTests.backends)
    func idempotentHolds(_ backend: Backend) async throws {
        let w = try await backend.make()
        let first = try await Self.hold(w, [("MILK", 2)], key: "k", hash: "a")
        let replay = try await Self.hold(w, [("MILK", 2)], key: "k", hash: "a")
        #expect(replay.replayed && replay.reservation == first.reservation && replay.change.lines.isEmpty)
        #expect(await Contracts.refusal { _ = try await Self.hold(w, [("MILK", 3)], key: "k", hash: "b") } == .conflict)
        #expect(try await w.level("MILK")?.reserved == 2)
    }

    @Test("many holds at once never sell more than is on hand", arguments: StockRepositoryContractTests.backends)
    func noOversell(_ backend: Backend) async throws {
        let w = try await backend.make()
        let held = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<60 { group.addTask { (try? await Self.hold(w, [("MILK", 1)])) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(held == 20)
        #expect(try await w.held("MILK") == Held(20, 20))
    }

    @Test("a hold past its time expires: by the sweep, on confirm, and before a new hold needs its stock", arguments: StockRepositoryContractTests.backends)
    func expiry(_ backend: Backend) async throws {
        let w = try await backend.make()
        let a = try await Self.hold(w, [("MILK", 10)], seconds: 60).reservation
        let b = try await Self.hold(w, [("MILK", 5)], seconds: 120).reservation
        let (expired, _) = try await w.stock.releaseExpired(at: Self.t0.addingTimeInterval(90), limit: 10)
        #expect(expired.map(\.id) == [a.id] && expired.allSatisfy { $0.status == .expired })
        #expect(try await w.level("MILK")?.reserved == 5)
        let (late, _) = try await w.stock.confirm(b.id, at: Self.t0.addingTimeInterval(121))
        #expect(late.status == .expired, "a confirm past the hold's time expires it instead")
        #expect(try await w.held("MILK") == Held(20, 0))

        let c = try await Self.hold(w, [("MILK", 20)], seconds: 60).reservation
        let d = try await Self.hold(w, [("MILK", 20)], at: Self.t0.addingTimeInterval(61)).reservation
        #expect(try await w.stock.reservation(c.id)?.status == .expired, "the new hold let the lapsed one go first")
        #expect(d.status == .held)
        #expect(try await w.held("MILK") == Held(20, 20))
    }

    static func batch(_ store: StoreID, _ kind: StockBatch.Kind, _ lines: [(SKUCode, Int)], sequence: Int64? = nil, key: String? = nil,
                      partial: Bool = false) -> StockBatch {
        // The content's digest, as the service makes it: the same lines give the same hash.
        let content = "\(store)|\(kind)|\(sequence ?? -1)|" + lines.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return StockBatch(storeID: store, kind: kind, sequence: sequence, idempotencyKey: key, partial: partial,
                          lines: lines.enumerated().map { StockBatch.Line(sku: $1.0, quantity: $1.1, field: "items[\($0)]") }, contentHash: content)
    }

    @Test("till batches: deltas and snapshots apply in sequence order and once; a stale one changes nothing; a snapshot keeps holds", arguments: StockRepositoryContractTests.backends)
    func batches(_ backend: Backend) async throws {
        let w = try await backend.make()
        _ = try await Self.hold(w, [("MILK", 4)])
        let (first, change) = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", -5), ("BREAD", 10)], sequence: 7, key: "b-7")], at: Self.t0)
        #expect(first.map(\.outcome) == [.applied] && first[0].changed == 2 && first[0].lastSequence == 7 && change.lines.count == 2)
        #expect(try await w.held("MILK") == Held(15, 4))
        #expect(try await w.held("BREAD") == Held(13, 0))
        let (replayed, _) = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", -5), ("BREAD", 10)], sequence: 7, key: "b-7")], at: Self.t0)
        #expect(replayed.map(\.outcome) == [.replayed])
        #expect(try await w.level("MILK")?.onHand == 15, "a replay applies nothing")
        #expect(await Contracts.refusal { _ = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", 100)], sequence: 6)], at: Self.t0) } == .conflict)
        let (stale, _) = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", 100)], sequence: 6, partial: true)], at: Self.t0)
        #expect(stale.map(\.outcome) == [.stale] && stale[0].lastSequence == 7, "a partial batch is told it is stale")
        #expect(await Contracts.refusal {
            _ = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", 1)], sequence: 9, key: "b-7")], at: Self.t0)
        } == .conflict, "a key names one batch")
        #expect(try await w.level("MILK")?.onHand == 15)

        let (snapshot, _) = try await w.stock.apply([Self.batch(w.shop, .snapshot, [("MILK", 9)], sequence: 8)], at: Self.t0)
        #expect(snapshot.map(\.outcome) == [.applied])
        #expect(try await w.held("MILK") == Held(9, 4), "the holds stay")
        #expect(try await w.level("BREAD")?.onHand == 0, "a snapshot zeroes what it leaves out")
        #expect(try await w.level("MILK", at: w.other)?.onHand == 20, "another store's stock is its own")
    }

    @Test("batches in one call are one transaction: a refused one leaves the others unapplied", arguments: StockRepositoryContractTests.backends)
    func batchesAtomic(_ backend: Backend) async throws {
        let w = try await backend.make()
        _ = try await w.stock.apply([Self.batch(w.shop, .delta, [("MILK", 1)], sequence: 5)], at: Self.t0)
        let good = Self.batch(w.other, .delta, [("MILK", 7)], sequence: 1)
        let stale = Self.batch(w.shop, .delta, [("MILK", 7)], sequence: 5)
        #expect(await Contracts.refusal { _ = try await w.stock.apply([good, stale], at: Self.t0) } == .conflict)
        #expect(try await w.level("MILK", at: w.other)?.onHand == 20, "the good batch did not land either")
        #expect(try await w.stock.apply([good], at: Self.t0).0.map(\.outcome) == [.applied], "nor was its sequence taken")
    }

    @Test("stock events: a crossing into low, out of stock or back raises one, in order, per store or all", arguments: StockRepositoryContractTests.backends)
    func events(_ backend: Backend) async throws {
        let w = try await backend.make()
        let start = try await w.stock.lastStockEventID()
        _ = try await w.stock.writeStock(of: w.shop, [("MILK", 4)], mode: .set, lowThresholds: [:], at: Self.t0)          // low
        _ = try await w.stock.writeStock(of: w.shop, [("MILK", 3)], mode: .set, lowThresholds: [:], at: Self.t0)          // still low: none
        _ = try await Self.hold(w, [("MILK", 3)])                                                                         // out
        _ = try await w.stock.writeStock(of: w.other, [("BREAD", 0)], mode: .set, lowThresholds: [:], at: Self.t0)        // out
        _ = try await w.stock.writeStock(of: w.shop, [("MILK", 50)], mode: .adjust, lowThresholds: [:], at: Self.t0)      // restocked
        let all = try await w.stock.stockEvents(store: nil, after: start, limit: 100)
        #expect(all.map(\.kind) == [.lowStock, .outOfStock, .outOfStock, .restocked])
        let last = try await w.stock.lastStockEventID()
        #expect(all.map(\.id) == all.map(\.id).sorted() && all.last?.id == last)
        let shops = try await w.stock.stockEvents(store: w.shop, after: start, limit: 100)
        #expect(shops.map(\.kind) == [.lowStock, .outOfStock, .restocked] && shops.allSatisfy { $0.storeID == w.shop && $0.sku == "MILK" })
        #expect(shops[1].available == 0 && shops[1].onHand == 3 && shops[1].reserved == 3)
        #expect(try await w.stock.stockEvents(store: nil, after: all[1].id, limit: 1).map(\.id) == [all[2].id])
    }
}
