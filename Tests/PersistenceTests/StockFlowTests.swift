import Foundation
import GeoCore
import GRDB
import Kernel
import O2OTestSupport
@testable import Persistence
@testable import Stores
import Testing

/// Reservations, till batches and stock events on a real SpatiaLite file.
@Suite("Stock that never oversells")
struct StockFlowTests {
    struct Setup {
        let db: SpatiaLiteDatabase
        let service: StoreService
        let clock: TestClock
        let stores: [StoreID]
    }

    static func setup(stores count: Int = 1, stock: [(SKUCode, Int)] = [("A", 100), ("B", 10), ("C", 3)]) async throws -> Setup {
        let (db, _) = try DemoFixture.emptyDatabase()
        let clock = TestClock()
        let service = DemoFixture.service(db, clock: clock)
        try await service.reload()
        try await service.upsert(skus: ["A", "B", "C", "D"].map { SKU(code: SKUCode($0), name: $0) })
        var ids: [StoreID] = []
        for i in 0..<count {
            let (store, _) = try await service.create(StoreDraft(
                externalRef: "pos:\(i)", name: "Store \(i)", kind: "convenience", timeZone: "Europe/Lisbon",
                location: Coordinate(latitude: 41.15 + Double(i) * 0.01, longitude: -8.61)))
            if !stock.isEmpty { _ = try await service.writeStock(of: store.id, stock.map { ($0.0, $0.1) }, mode: .set) }
            ids.append(store.id)
        }
        return Setup(db: db, service: service, clock: clock, stores: ids)
    }

    /// Every stock row in the database equals the finder's view, and reserved equals the sum
    /// of the held reservations.
    static func checkConsistent(_ s: Setup, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let rows = try await s.service.repository.allStock()
        for (store, sku, level) in rows {
            #expect(level.onHand >= 0 && level.reserved >= 0, sourceLocation: sourceLocation)
            #expect(s.service.finder.available(sku, at: store) == level.available, "\(store) \(sku)", sourceLocation: sourceLocation)
        }
        let mismatched = try await s.db.writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM stock st
                WHERE st.reserved != coalesce((SELECT sum(ri.qty) FROM reservation_items ri JOIN reservations r ON r.id = ri.reservation_id
                                               WHERE r.status = 'held' AND r.store_id = st.store_id AND ri.sku_id = st.sku_id), 0)
                """)
        }
        #expect(mismatched == 0, "reserved equals the held reservations", sourceLocation: sourceLocation)
    }

    static func level(_ s: Setup, _ sku: SKUCode, store: Int = 0) async throws -> StockLevel? {
        try await s.service.repository.allStock().first { $0.0 == s.stores[store] && $0.1 == sku }?.2
    }

    @Test("1,000 concurrent attempts on 100 units give exactly 100 holds; confirms and releases keep stock at or above zero")
    func concurrentReservations() async throws {
        let s = try await Self.setup()
        let store = s.stores[0]
        let outcomes = try await withThrowingTaskGroup(of: Reservation?.self) { group in
            for _ in 0..<1_000 {
                group.addTask {
                    do { return try await s.service.reserve(store: store, items: [.init(sku: "A", quantity: 1)], ttl: 600) } catch let e as DomainError {
                        #expect(e.kind == .conflict)
                        return nil
                    }
                }
            }
            var all: [Reservation?] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let held = outcomes.compactMap { $0 }
        #expect(held.count == 100)
        #expect(try await Self.level(s, "A") == StockLevel(onHand: 100, reserved: 100, version: 101, updatedAt: s.clock.now.timeIntervalSince1970))
        #expect(s.service.finder.available("A", at: store) == 0)
        try await Self.checkConsistent(s)

        // Confirm 50 and release 30 at once, while 200 more attempts race them.
        let racersHolding = try await withThrowingTaskGroup(of: Int.self) { group in
            for r in held.prefix(50) { group.addTask { _ = try await s.service.confirm(r.id); return 0 } }
            for r in held.dropFirst(50).prefix(30) { group.addTask { _ = try await s.service.release(r.id); return 0 } }
            for _ in 0..<200 {
                group.addTask { (try? await s.service.reserve(store: store, items: [.init(sku: "A", quantity: 1)], ttl: 600)) == nil ? 0 : 1 }
            }
            return try await group.reduce(0, +)
        }
        let after = try #require(try await Self.level(s, "A"))
        #expect(after.onHand == 50, "50 were sold")
        #expect(after.reserved <= after.onHand, "holds never exceed what is on hand")
        #expect(racersHolding <= 30, "the racers got at most the 30 released units")
        #expect(after.reserved == 20 + racersHolding, "the 20 still held plus what the racers took")
        try await Self.checkConsistent(s)

        // Time runs out for every hold; the sweep gives the stock back.
        s.clock.advance(601)
        let expired = try await s.service.releaseExpired(batchSize: 7)
        #expect(expired == 20 + racersHolding)
        #expect(try await Self.level(s, "A")?.reserved == 0)
        #expect(s.service.finder.available("A", at: store) == 50)
        try await Self.checkConsistent(s)
    }

    @Test("a reservation is held, confirmed, released or expired, and says why when it cannot")
    func lifecycle() async throws {
        let s = try await Self.setup()
        let store = s.stores[0]
        let r = try await s.service.reserve(store: store, items: [.init(sku: "A", quantity: 4), .init(sku: "C", quantity: 3)], ttl: 60)
        #expect(r.status == .held)
        #expect(s.service.finder.available("C", at: store) == 0)
        #expect(try await s.service.reservation(r.id) == r)

        // Short on two items: one conflict naming both, and nothing held.
        await #expect {
            _ = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 11), .init(sku: "C", quantity: 1)], ttl: 60)
        } throws: { error in
            let e = error as? DomainError
            return e?.kind == .conflict && e?.field == "items[0].qty" && e?.details.map(\.field) == ["items[0].qty", "items[1].qty"]
        }
        #expect(try await Self.level(s, "B")?.reserved == 0)

        let confirmed = try await s.service.confirm(r.id)
        #expect(confirmed.status == .confirmed)
        #expect(try await s.service.confirm(r.id).status == .confirmed, "confirming twice is harmless")
        #expect(try await Self.level(s, "A") .map { ($0.onHand, $0.reserved) } ?? (0, 0) == (96, 0))
        #expect(try await Self.level(s, "C")?.onHand == 0)
        await #expect { _ = try await s.service.release(r.id) } throws: { ($0 as? DomainError)?.kind == .conflict }

        let r2 = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 2)], ttl: 60)
        #expect(try await s.service.release(r2.id).status == .released)
        #expect(try await s.service.release(r2.id).status == .released, "releasing twice is harmless")
        await #expect { _ = try await s.service.confirm(r2.id) } throws: { ($0 as? DomainError)?.kind == .conflict }

        // Past its time, a hold cannot be confirmed: it expires then and there.
        let r3 = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 5)], ttl: 30)
        s.clock.advance(31)
        await #expect { _ = try await s.service.confirm(r3.id) } throws: { ($0 as? DomainError)?.kind == .gone }
        #expect(try await s.service.reservation(r3.id).status == .expired)
        #expect(try await Self.level(s, "B")?.reserved == 0)

        // An expired hold stops counting for the next customer even before the sweep.
        let r4 = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 10)], ttl: 30)
        s.clock.advance(31)
        let r5 = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 10)], ttl: 30)
        #expect(try await s.service.reservation(r4.id).status == .expired)
        #expect(r5.status == .held)

        await #expect { _ = try await s.service.confirm(.random()) } throws: { ($0 as? DomainError)?.kind == .notFound }
        for bad in [[Reservation.Item](), [.init(sku: "A", quantity: 0)], [.init(sku: "A", quantity: 2_000_000)],
                    [.init(sku: "A", quantity: 1), .init(sku: "A", quantity: 1)]] {
            await #expect { _ = try await s.service.reserve(store: store, items: bad, ttl: 60) } throws: { ($0 as? DomainError)?.kind == .invalid }
        }
        await #expect { _ = try await s.service.reserve(store: store, items: [.init(sku: "ZZ", quantity: 1)], ttl: 60) } throws: {
            ($0 as? DomainError)?.kind == .notFound
        }
        await #expect { _ = try await s.service.reserve(store: StoreID(999), items: [.init(sku: "A", quantity: 1)], ttl: 60) } throws: {
            ($0 as? DomainError)?.field == "store_id"
        }
        await #expect { _ = try await s.service.reserve(store: store, items: [.init(sku: "A", quantity: 1)], ttl: 0) } throws: {
            ($0 as? DomainError)?.field == "ttl_s"
        }
        try await Self.checkConsistent(s)
    }

    static func batch(_ s: Setup, _ kind: StockBatch.Kind, _ lines: [(SKUCode, Int)], sequence: Int64? = nil, key: String? = nil,
                      partial: Bool = false, store: Int = 0) -> StockBatch {
        StockBatch(storeID: s.stores[store], kind: kind, sequence: sequence, idempotencyKey: key, partial: partial,
                   lines: lines.enumerated().map { StockBatch.Line(sku: $1.0, quantity: $1.1, field: "items[\($0)]") })
    }

    @Test("till batches: a replay applies once, a stale sequence changes nothing, a snapshot keeps reservations")
    func batches() async throws {
        let s = try await Self.setup()
        let held = try await s.service.reserve(store: s.stores[0], items: [.init(sku: "B", quantity: 4)], ttl: 600)

        let first = try await s.service.apply(Self.batch(s, .delta, [("A", -10), ("B", 5)], sequence: 7))
        #expect(first.outcome == .applied && first.changed == 2 && first.lastSequence == 7)
        let replay = try await s.service.apply(Self.batch(s, .delta, [("A", -10), ("B", 5)], sequence: 7))
        #expect(replay.outcome == .replayed && replay.batchID == first.batchID)
        #expect(try await Self.level(s, "A")?.onHand == 90, "the replay did not apply twice")

        await #expect { _ = try await s.service.apply(Self.batch(s, .delta, [("A", -1)], sequence: 7)) } throws: {
            ($0 as? DomainError)?.kind == .conflict && ($0 as? DomainError)?.field == "sequence"
        }
        await #expect { _ = try await s.service.apply(Self.batch(s, .delta, [("A", -1)], sequence: 6)) } throws: {
            ($0 as? DomainError)?.kind == .conflict && ($0 as? DomainError)?.message.contains("older") == true
        }
        #expect(try await Self.level(s, "A")?.onHand == 90, "the stale batch changed nothing")

        // The same idempotency key: once; with other content: a conflict.
        let keyed = try await s.service.apply(Self.batch(s, .delta, [("C", 2)], key: "till-1"))
        #expect(try await s.service.apply(Self.batch(s, .delta, [("C", 2)], key: "till-1")).outcome == .replayed)
        await #expect { _ = try await s.service.apply(Self.batch(s, .delta, [("C", 3)], key: "till-1")) } throws: {
            ($0 as? DomainError)?.field == "idempotency_key"
        }
        #expect(keyed.outcome == .applied)
        #expect(try await Self.level(s, "C")?.onHand == 5)
        await #expect { _ = try await s.service.apply(Self.batch(s, .delta, [("C", 3)])) } throws: {
            ($0 as? DomainError)?.field == "sequence"
        }

        // A snapshot: counted SKUs set, uncounted ones to zero, the hold on B kept.
        let snap = try await s.service.apply(Self.batch(s, .snapshot, [("A", 40), ("B", 2)], sequence: 8))
        #expect(snap.changed == 2 && snap.zeroed == 1)
        let zeroedHeld = try await s.service.reserve(store: s.stores[0], items: [.init(sku: "A", quantity: 1)], ttl: 600)
        let recount = try await s.service.apply(Self.batch(s, .snapshot, [("B", 2)], sequence: 8_000))
        #expect(recount.warnings.contains { $0.field == "sku A" }, "A left out of the count below its hold: \(recount.warnings)")
        _ = try await s.service.release(zeroedHeld.id)
        _ = try await s.service.apply(Self.batch(s, .snapshot, [("A", 40), ("B", 2)], sequence: 8_001))
        #expect(snap.warnings.map(\.field) == ["items[1]"], "B: on hand 2 below the 4 reserved")
        #expect(try await Self.level(s, "B").map { ($0.onHand, $0.reserved, $0.available) } ?? (0, 0, 0) == (2, 4, 0))
        #expect(try await Self.level(s, "C")?.onHand == 0)
        #expect(try await s.service.reservation(held.id).status == .held)
        // Confirming more than the till counted is refused; the hold stays.
        await #expect { _ = try await s.service.confirm(held.id) } throws: { ($0 as? DomainError)?.kind == .conflict }
        #expect(try await s.service.reservation(held.id).status == .held)

        // A delta sale below zero stops at zero, with a warning.
        let sale = try await s.service.apply(Self.batch(s, .delta, [("A", -50)], sequence: 8_002))
        #expect(sale.warnings.count == 1)
        #expect(try await Self.level(s, "A")?.onHand == 0)
        try await Self.checkConsistent(s)
    }

    @Test("a batch finds SKUs whose codes need escaping (quotes, backslashes, tabs, accents) and only those")
    func batchesWithAwkwardCodes() async throws {
        let s = try await Self.setup(stock: [])
        let codes: [SKUCode] = ["say \"cheese\"", #"back\slash"#, "tab\there", "pão-de-ló", "[1,2]"]
        try await s.service.upsert(skus: codes.map { SKU(code: $0, name: $0.rawValue) })
        let result = try await s.service.apply(Self.batch(s, .delta, codes.enumerated().map { ($1, $0 + 1) } + [("say", 9)],
                                                          sequence: 1, partial: true))
        #expect(result.changed == codes.count)
        #expect(result.refused.map(\.field) == ["items[5]"], "only the unknown SKU is refused: \(result.refused)")
        for (i, code) in codes.enumerated() { #expect(try await Self.level(s, code)?.onHand == i + 1, "\(code)") }
        let decoded = try JSONDecoder().decode([String].self, from: Data(SpatiaLiteStoreRepository.jsonArray(codes.map(\.rawValue)).utf8))
        #expect(decoded == codes.map(\.rawValue))
        try await Self.checkConsistent(s)
    }

    @Test("the database waits for the disk on every commit (WAL, synchronous = FULL)")
    func commitsAreDurable() async throws {
        let s = try await Self.setup(stock: [])
        let mode = try await s.db.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode.0 == "wal" && mode.1 == 2)
    }

    @Test("a bad line refuses the whole batch unless it is partial; then the rest applies and the line is reported")
    func partialBatches() async throws {
        let s = try await Self.setup()
        var bad = Self.batch(s, .snapshot, [("A", 7), ("NOPE", 1), ("B", -3), ("A", 1)], sequence: 1)
        await #expect {
            _ = try await s.service.apply(bad)
        } throws: { error in
            let e = error as? DomainError
            return e?.kind == .unprocessable && Set(e?.details.map(\.field) ?? []) == ["items[1]", "items[2]", "items[3]"]
        }
        #expect(try await Self.level(s, "A")?.onHand == 100, "nothing applied")
        bad.partial = true
        let result = try await s.service.apply(bad)
        #expect(result.outcome == .applied && result.changed == 1)
        #expect(Set(result.refused.map(\.field)) == ["items[1]", "items[2]", "items[3]"])
        #expect(try await Self.level(s, "A")?.onHand == 7)
        #expect(try await Self.level(s, "B")?.onHand == 10, "a refused line's SKU is not zeroed by the snapshot")
        #expect(try await Self.level(s, "C")?.onHand == 0)

        // Several stores in one call (a CLI file): one stale batch refuses all unless partial.
        let s2 = try await Self.setup(stores: 2)
        _ = try await s2.service.apply(Self.batch(s2, .delta, [("A", 1)], sequence: 5, store: 1))
        await #expect { _ = try await s2.service.apply([Self.batch(s2, .delta, [("A", 1)], sequence: 3, store: 0),
                                                         Self.batch(s2, .delta, [("A", 1)], sequence: 3, store: 1)]) } throws: { _ in true }
        #expect(try await Self.level(s2, "A", store: 0)?.onHand == 100)
        let both = [Self.batch(s2, .delta, [("A", 1)], sequence: 3, partial: true, store: 0),
                    Self.batch(s2, .delta, [("A", 1)], sequence: 3, partial: true, store: 1)]
        let results = try await s2.service.apply(both)
        #expect(results.map(\.outcome) == [.applied, .stale])
        // On its own (the HTTP endpoint), a stale batch is a conflict even when partial.
        await #expect { _ = try await s2.service.apply(both[1]) } throws: { ($0 as? DomainError)?.kind == .conflict }

        // A snapshot whose only line is refused would zero the store: refused whole.
        var empty = Self.batch(s2, .snapshot, [("A", -1)], sequence: 50, partial: true)
        await #expect { _ = try await s2.service.apply(empty) } throws: { ($0 as? DomainError)?.kind == .unprocessable }
        // A refused line whose SKU cannot be read: the snapshot sets what it lists, zeroes nothing else.
        empty.lines = [StockBatch.Line(sku: "A", quantity: 9, field: "line 2")]
        empty.refused = [.init(field: "line 3", message: "sku is empty")]
        let careful = try await s2.service.apply(empty)
        #expect(careful.zeroed == 0 && careful.warnings.count == 1)
        #expect(try await Self.level(s2, "B")?.onHand == 10)

        // Deltas stop at the most a store may hold; a PATCH past it is refused.
        let huge = try await s2.service.apply(Self.batch(s2, .delta, [("A", StoreService.maximumQuantity)], key: "big", store: 0))
        #expect(huge.warnings.count == 1)
        #expect(try await Self.level(s2, "A")?.onHand == StoreService.maximumQuantity)
        await #expect { _ = try await s2.service.writeStock(of: s2.stores[0], [("A", 1)], mode: .adjust) } throws: {
            ($0 as? DomainError)?.kind == .conflict
        }
        try await Self.checkConsistent(s2)
    }

    @Test("low-stock, out-of-stock and restocked events are recorded with the change that caused them")
    func events() async throws {
        let s = try await Self.setup()
        let store = s.stores[0]
        _ = try await s.service.writeStock(of: store, [("B", 12)], mode: .set, lowThresholds: ["B": 6])
        let live = s.service.events.subscribe(store: store)
        let r = try await s.service.reserve(store: store, items: [.init(sku: "B", quantity: 8)], ttl: 60)    // 12 → 4: low
        _ = try await s.service.apply(Self.batch(s, .delta, [("B", -4)], key: "sale-1"))                      // on hand 8, 0 available: out
        _ = try await s.service.release(r.id)                                                                // 8 available: restocked
        _ = try await s.service.writeStock(of: store, [("A", 5)], mode: .set)                                // default threshold 5: low
        let feed = try await s.service.stockEvents(store: store, after: 0, limit: 100)
        #expect(feed.map(\.kind) == [.lowStock, .outOfStock, .restocked, .lowStock])
        #expect(feed.map(\.sku) == ["B", "B", "B", "A"])
        #expect(feed.map(\.threshold) == [6, 6, 6, 5])
        #expect(feed[0].available == 4 && feed[0].reserved == 8)
        #expect(try await s.service.stockEvents(store: store, after: feed[1].id, limit: 100).map(\.id) == Array(feed.map(\.id).dropFirst(2)))
        var received: [StockEvent] = []
        for await event in live {
            received.append(event)
            if received.count == feed.count { break }
        }
        #expect(received == feed, "live subscribers get the same events, in order")
    }

    @Test("stock changes stream in while searches keep running, and no change rebuilds the spatial index")
    func indexStaysHot() async throws {
        let s = try await Self.setup(stores: 5)
        let generation = s.service.finder.snapshotGeneration
        let snapshot = ObjectIdentifier(s.service.finder.snapshot)
        let writes = Task {
            for i in 0..<300 {
                _ = try await s.service.writeStock(of: s.stores[i % 5], [("A", i % 2 == 0 ? 1 : -1)], mode: .adjust)
                if i % 10 == 0 { _ = try await s.service.apply(Self.batch(s, .delta, [("B", 1)], key: "k\(i)", store: i % 5)) }
            }
        }
        let searcher = Task {
            var searches = 0
            while !Task.isCancelled {
                let rows = try s.service.finder.nearby(NearbyQuery(point: Coordinate(latitude: 41.17, longitude: -8.61), limit: 5,
                                                                   items: [.init(sku: "A", quantity: 1)]), now: s.clock.now)
                #expect(rows.count == 5)
                searches += 1
                if searches % 50 == 0 { await Task.yield() }
            }
            return searches
        }
        try await writes.value
        searcher.cancel()
        let searches = try await searcher.value
        #expect(searches > 0, "searches ran while the writes streamed in")
        #expect(s.service.finder.snapshotGeneration == generation, "stock writes never rebuilt the snapshot")
        #expect(ObjectIdentifier(s.service.finder.snapshot) == snapshot)
        try await Self.checkConsistent(s)
    }
}
