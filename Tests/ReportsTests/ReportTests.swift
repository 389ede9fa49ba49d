import Accounts
import Commerce
import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OTestSupport
import Orders
import Persistence
import Reports
import Stores
import Testing

/// The reports against the orders they summarise, worked out here from the orders themselves.
@Suite("Reports")
struct ReportTests {
    typealias Setup = (db: SpatiaLiteDatabase, stores: StoreService, accounts: AccountService, carts: CartService, orders: OrderService, clock: TestClock)

    static func advance(_ s: Setup, _ order: Order, through steps: [(OrderStatus, OrderStatus.Actor)]) async throws -> Order {
        var o = order
        for (next, actor) in steps { o = try await s.orders.repository.transition(o.id, from: o.status, to: next, by: actor, note: nil, at: s.clock.now) }
        return o
    }

    static let paid: [(OrderStatus, OrderStatus.Actor)] = [(.paid, .payment)]
    static let completed: [(OrderStatus, OrderStatus.Actor)] = [(.paid, .payment), (.accepted, .staff), (.picking, .staff), (.ready, .staff),
                                                               (.collected, .staff), (.completed, .customer)]

    /// Orders over three days at stores 1 and 2: paid, completed, refunded after paying, unpaid and expired.
    static func trade() async throws -> (Setup, [Order], starts: Int) {
        let s = try await DemoFixture.clockedCommerce()
        for store in [1, 2] { _ = try await s.stores.writeStock(of: StoreID(Int64(store)), [("DAIRY-001", 500), ("BAKERY-005", 500)], mode: .set) }
        var customers: [Principal] = []
        for i in 0..<3 {
            customers.append(try await s.accounts.register(AccountDraft(email: "c\(i)@example.com", name: "C\(i)"), password: "a long password").principal)
        }
        var orders: [Order] = [], starts = 0
        for day in 0..<3 {
            for (i, who) in customers.enumerated() {
                let store = StoreID(Int64(1 + (day + i) % 2))
                _ = try await s.carts.setQuantity(1 + i, of: "DAIRY-001", by: who)
                if i != 1 { _ = try await s.carts.setQuantity(day + 1, of: "BAKERY-005", by: who) }
                starts += 1
                _ = try await s.carts.choose(.pickup(store), by: who)
                let (order, _) = try await s.orders.checkout(idempotencyKey: "d\(day)-c\(i)", by: who)
                s.clock.advance(600)
                switch (day + i) % 5 {
                case 0: orders.append(try await advance(s, order, through: completed))
                case 1: orders.append(try await advance(s, order, through: paid))
                case 2: orders.append(try await advance(s, order, through: paid + [(.refunded, .customer)]))
                case 3: orders.append(order)
                default: orders.append(try await advance(s, order, through: [(.expired, .system)]))
                }
                s.clock.advance(3_600)
            }
            s.clock.advance(86_400 - 3 * 4_200)
        }
        // Re-read: every order as stored, with its timeline.
        var stored: [Order] = []
        for o in orders { stored.append(try #require(try await s.orders.repository.order(o.id))) }
        return (s, stored, starts)
    }

    static func paidAt(_ o: Order) -> Date? { o.timeline.first { $0.status == .paid }?.at }
    static func isSale(_ o: Order) -> Bool { paidAt(o) != nil && ![.awaitingPayment, .cancelled, .refunded, .expired].contains(o.status) }

    @Test("sales by store, day, SKU and category add up to the sold orders; the funnel counts what happened; totals equal the sums")
    func salesEqualTheOrders() async throws {
        let (s, orders, starts) = try await Self.trade()
        let repo = SpatiaLiteReportRepository(database: s.db)
        let range = try ReportRange.days(from: ReportRange.format(orders.first!.createdAt), to: ReportRange.format(s.clock.now))
        let sold = orders.filter(Self.isSale)
        #expect(sold.count >= 3 && sold.count < orders.count, "a mix: \(sold.count) of \(orders.count) sold")

        let byStore = try await repo.report(.salesByStore, range: range, store: nil)
        for store in Set(sold.map(\.store)) {
            let mine = sold.filter { $0.store == store }
            let row = try #require(byStore.rows.first { $0[0] == .integer(Int(store.rawValue)) })
            let cells = Dictionary(uniqueKeysWithValues: zip(byStore.columns, row))
            #expect(cells["orders"] == .integer(mine.count))
            #expect(cells["items"] == .integer(mine.flatMap(\.lines).reduce(0) { $0 + $1.quantity }))
            #expect(cells["subtotal_minor"] == .integer(mine.reduce(0) { $0 + $1.subtotal.minor }))
            #expect(cells["total_minor"] == .integer(mine.reduce(0) { $0 + $1.total.minor }))
        }
        #expect(byStore.totals["total_minor"] == .integer(sold.reduce(0) { $0 + $1.total.minor }))

        let byDay = try await repo.report(.salesByDay, range: range, store: nil)
        var expectedDays: [String: Int] = [:]
        for o in sold { expectedDays[ReportRange.format(Self.paidAt(o)!), default: 0] += o.total.minor }
        #expect(Dictionary(uniqueKeysWithValues: zip(byDay.column("day"), byDay.column("total_minor")).map { ($0.0.csv, $0.1) })
                == expectedDays.mapValues { ReportValue.integer($0) })

        let bySKU = try await repo.report(.salesBySKU, range: range, store: StoreID(1))
        let atOne = sold.filter { $0.store == StoreID(1) }.flatMap(\.lines)
        for sku in ["DAIRY-001", "BAKERY-005"] {
            let row = try #require(bySKU.rows.first { $0[0] == .text(sku) })
            #expect(row[3] == .integer(atOne.filter { $0.sku.rawValue == sku }.reduce(0) { $0 + $1.quantity }), "\(sku) units at store 1")
            #expect(row[4] == .integer(atOne.filter { $0.sku.rawValue == sku }.reduce(0) { $0 + $1.totalMinor }), "\(sku) revenue at store 1")
        }
        let byCategory = try await repo.report(.salesByCategory, range: range, store: nil)
        #expect(byCategory.totals["revenue_minor"] == .integer(sold.flatMap(\.lines).reduce(0) { $0 + $1.totalMinor }))
        #expect(Set(byCategory.column("category")) == [.text("dairy"), .text("bakery")], "\(byCategory.rows)")

        let funnel = try await repo.report(.funnel, range: range, store: nil)
        #expect(funnel.column("orders") == [.integer(starts), .integer(orders.count),
                                            .integer(orders.filter { Self.paidAt($0) != nil }.count),
                                            .integer(orders.filter { $0.timeline.contains { $0.status == .completed } }.count)])
        // A range that holds none of it.
        #expect(try await repo.report(.salesByStore, range: try ReportRange.days(from: "2020-01-01", to: "2020-01-31"), store: nil).rows.isEmpty)
    }

    @Test("delivery KPIs: on time against dispatch's promise, click to door from the order; by store and by rider")
    func deliveries() async throws {
        let s = try await DemoFixture.clockedCommerce()
        _ = try await s.stores.writeStock(of: StoreID(1), [("DAIRY-001", 500)], mode: .set)
        let dispatch = DemoFixture.dispatch(s.db, now: { s.clock.now })
        let rider = try await dispatch.register(RiderDraft(name: "Rui", vehicle: .bicycle, capacity: 2, shiftStart: s.clock.now.addingTimeInterval(-3_600),
                                                           shiftEnd: s.clock.now.addingTimeInterval(36_000), online: true,
                                                           position: Coordinate(latitude: 41.15, longitude: -8.61)))
        let who = try await s.accounts.register(AccountDraft(email: "d@example.com", name: "D"), password: "a long password").principal
        var minutes: [Double] = [], onTime = 0
        for (k, late) in [false, true, false].enumerated() {
            _ = try await s.carts.setQuantity(1, of: "DAIRY-001", by: who)
            _ = try await s.carts.choose(.pickup(StoreID(1)), by: who)
            var order = try await s.orders.checkout(idempotencyKey: "k\(k)", by: who).order
            order = try await Self.advance(s, order, through: Self.paid + [(.accepted, .staff), (.picking, .staff), (.ready, .staff)])
            let (delivery, _) = try await dispatch.create(DeliveryDraft(storeID: 1, pickup: Coordinate(latitude: 41.15, longitude: -8.61),
                                                                        drop: Coordinate(latitude: 41.16, longitude: -8.6), readyAt: s.clock.now,
                                                                        promisedBy: s.clock.now.addingTimeInterval(1_800), externalRef: "order:\(order.id.rawValue)"))
            _ = try await dispatch.assign(delivery.id, to: rider.id)
            s.clock.advance(late ? 2_400 : 1_200)
            order = try await Self.advance(s, order, through: [(.withDispatch, .dispatch), (.pickedUp, .dispatch), (.delivered, .dispatch)])
            minutes.append(s.clock.now.timeIntervalSince(order.createdAt) / 60)
            if !late { onTime += 1 }
            s.clock.advance(60)
        }
        let repo = SpatiaLiteReportRepository(database: s.db)
        let range = try ReportRange.days(from: "2026-01-01", to: ReportRange.format(s.clock.now))
        let byStore = try await repo.report(.deliveriesByStore, range: range, store: nil)
        let row = Dictionary(uniqueKeysWithValues: zip(byStore.columns, try #require(byStore.rows.first)))
        #expect(row["deliveries"] == .integer(3) && row["on_time"] == .integer(onTime))
        #expect(row["on_time_percent"]?.double.map { abs($0 - 200.0 / 3) < 0.01 } == true)
        #expect(row["mean_minutes"]?.double.map { abs($0 - minutes.reduce(0, +) / 3) < 0.01 } == true)
        #expect(row["p50_minutes"]?.double.map { abs($0 - minutes.sorted()[1]) < 0.01 } == true)
        let byRider = try await repo.report(.deliveriesByRider, range: range, store: nil)
        #expect(byRider.rows.first?[1] == .text("Rui") && byRider.totals["deliveries"] == .integer(3))
    }

    @Test("ranges: reversed or wider than 366 days refused naming the field; bad days refused; the defaults are the 30 days to today")
    func ranges() throws {
        #expect(throws: ReportError(field: "to", "the range is reversed: to (2026-01-01) comes before from (2026-01-05)")) {
            try ReportRange.days(from: "2026-01-05", to: "2026-01-01")
        }
        #expect((try? ReportRange.days(from: "2025-01-01", to: "2026-01-02")) == nil)
        #expect((try? ReportRange.days(from: "2025-01-02", to: "2026-01-02")) != nil, "366 days")
        #expect(throws: ReportError.self) { try ReportRange.days(from: "2026-02-30", to: nil) }
        #expect(throws: ReportError.self) { try ReportRange.days(from: "yesterday", to: nil) }
        let today = Date(timeIntervalSince1970: 1_767_603_600)
        let d = try ReportRange.days(from: nil, to: nil, today: today)
        #expect(ReportRange.format(d.lastDay) == "2026-01-05" && ReportRange.format(d.from) == "2025-12-07")
    }

    @Test("CSV and the SVG chart carry the rows")
    func formats() throws {
        let range = try ReportRange.days(from: "2026-01-01", to: "2026-01-02")
        let table = ReportTable(kind: .salesByDay, range: range, store: nil, columns: ["day", "orders", "total_minor"],
                                rows: [[.text("2026-01-01"), .integer(2), .integer(1_234)], [.text("2026-01-02"), .integer(1), .integer(99)]])
        #expect(table.csv == "day,orders,total_minor\n2026-01-01,2,1234\n2026-01-02,1,99\n")
        let svg = ReportChart.svg(table)
        #expect(svg.hasPrefix("<svg") && svg.contains("2026-01-01: 1234") && svg.components(separatedBy: "<rect").count == 3)
        // Negative figures (points spent) are drawn by their size: no negative heights.
        let points = ReportTable(kind: .points, range: range, store: nil, columns: ["kind", "lines", "customers", "points"],
                                 rows: [[.text("earn"), .integer(3), .integer(2), .integer(120)], [.text("spend"), .integer(1), .integer(1), .integer(-40)]])
        let chart = ReportChart.svg(points)
        #expect(!chart.contains("height=\"-") && chart.contains("spend: -40"))
    }
}
