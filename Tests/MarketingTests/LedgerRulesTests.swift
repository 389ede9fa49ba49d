import Foundation
import Kernel
import Marketing
import Testing

/// The decisions behind what an order's life does to points, levels and groups, at their edges.
@Suite("Ledger rules: an order's marketing step, spending points, accepting a group's order, level reviews")
struct LedgerRulesTests {
    static let now = Date(timeIntervalSince1970: 1_767_603_600)
    static let day: TimeInterval = 86_400

    @Test("each order status takes its step: the ends of an order give back, paid reviews the group, accepted needs it formed, completed earns")
    func steps() {
        for status in ["cancelled", "refunded", "expired"] { #expect(OrderMarketingStep(orderStatus: status) == .giveBack) }
        #expect(OrderMarketingStep(orderStatus: "paid") == .reviewGroup)
        #expect(OrderMarketingStep(orderStatus: "accepted") == .requireFormedGroup)
        #expect(OrderMarketingStep(orderStatus: "completed") == .earn)
        for status in ["awaiting_payment", "picking", "ready", "with_dispatch", "picked_up", "delivered", "collected", "reviewed", "nonsense"] {
            #expect(OrderMarketingStep(orderStatus: status) == .none, "\(status)")
        }
    }

    @Test("points are spent from the lots that lapse soonest, then the oldest; lapsed and empty lots never; more than the balance is refused")
    func spending() throws {
        let lots = [PointsLot(id: 3, remaining: 50, expiresAt: Self.now.addingTimeInterval(30 * Self.day)),
                    PointsLot(id: 1, remaining: 40, expiresAt: Self.now.addingTimeInterval(60 * Self.day)),
                    PointsLot(id: 2, remaining: 40, expiresAt: Self.now.addingTimeInterval(60 * Self.day)),
                    PointsLot(id: 4, remaining: 500, expiresAt: Self.now),
                    PointsLot(id: 5, remaining: 0, expiresAt: Self.now.addingTimeInterval(Self.day))]
        let taken = try PointsRules.spend(100, from: lots, at: Self.now)
        #expect(taken.map(\.lot) == [3, 1, 2] && taken.map(\.points) == [50, 40, 10])
        #expect(try PointsRules.spend(130, from: lots, at: Self.now).map(\.points).reduce(0, +) == 130, "the whole unlapsed balance")
        #expect(try PointsRules.spend(0, from: lots, at: Self.now).isEmpty)
        do {
            _ = try PointsRules.spend(131, from: lots, at: Self.now)
            Issue.record("131 of 130 points")
        } catch {
            #expect(error.field == "points" && error.kind == .conflict && error.message.contains("130 held"))
        }
        // A lot lapses at its instant: a moment later only the rest remains.
        #expect(try PointsRules.spend(80, from: lots, at: Self.now.addingTimeInterval(30 * Self.day)).map(\.lot) == [1, 2])
    }

    @Test("a group's order may be accepted once the group has formed, not while it is open or after it failed")
    func accepting() {
        func group(_ status: BuyingGroup.Status) -> BuyingGroup {
            BuyingGroup(id: 9, buy: 1, openedAt: Self.now, deadline: Self.now.addingTimeInterval(1_800), status: status, members: 3, paid: 2)
        }
        #expect((try? group(.formed).checkAccept()) != nil)
        for status in [BuyingGroup.Status.open, .failed] {
            do {
                try group(status).checkAccept()
                Issue.record("\(status) accepted")
            } catch {
                #expect(error.field == "status" && error.message.contains("group 9") && error.message.contains("2 paid"))
            }
        }
    }

    @Test("a review moves a customer to the level the window's spend reaches, says why, and tells a rise from a fall")
    func reviews() {
        let policy = MembershipPolicy.standard
        let same = policy.review(current: "member", spendMinor: 9_999, at: Self.now, reason: "order 1 completed")
        #expect(same.level.name == "member" && same.change == nil && !same.up)
        let rise = policy.review(current: "member", spendMinor: 30_000, at: Self.now, reason: "order 2 completed")
        #expect(rise.level.name == "gold" && rise.up)
        let spent = Money(minor: 30_000, currency: "EUR")
        #expect(rise.change == LevelChange(from: "member", to: "gold", spendMinor: 30_000,
                                           reason: "order 2 completed: \(spent) spent over 365 days; gold starts at \(spent)", at: Self.now))
        let fall = policy.review(current: "gold", spendMinor: 0, at: Self.now, reason: "window moved")
        #expect(fall.level.name == "member" && !fall.up && fall.change?.reason.hasSuffix("member needs nothing") == true)
        #expect(policy.review(current: "retired-level", spendMinor: 0, at: Self.now, reason: "x").up, "from a level no longer in the policy counts as a rise")
        #expect(policy.pointsLapse(earnedAt: Self.now) == Self.now.addingTimeInterval(365 * Self.day))
    }
}
