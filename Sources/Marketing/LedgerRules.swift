import Foundation
import Kernel

/// What an order's life means for what marketing holds for it, and how points and levels move:
/// pure decisions, which the repository applies inside the order's own transaction.
public enum OrderMarketingStep: Hashable, Sendable {
    /// The order ended without a sale (cancelled, refunded, expired): its coupons, flash-sale
    /// units and spent points go back, once, and its buying group is looked at again.
    case giveBack
    /// Paid: its buying group may form.
    case reviewGroup
    /// Accepted by the store: only once its buying group (if any) has formed.
    case requireFormedGroup
    /// Completed: the customer's level is reviewed and the order earns points.
    case earn
    /// Nothing for marketing to do.
    case none

    /// The step for an order's new status (the order's status names, as stored).
    public init(orderStatus: String) {
        switch orderStatus {
        case "cancelled", "refunded", "expired": self = .giveBack
        case "paid": self = .reviewGroup
        case "accepted": self = .requireFormedGroup
        case "completed": self = .earn
        default: self = .none
        }
    }
}

/// A lot of points earned by one order: what is left of it and when it lapses.
public struct PointsLot: Hashable, Sendable {
    public var id: Int64
    public var remaining: Int
    public var expiresAt: Date

    public init(id: Int64, remaining: Int, expiresAt: Date) { self.id = id; self.remaining = remaining; self.expiresAt = expiresAt }
}

public enum PointsRules {
    /// Which lots pay for `points` at `date`, and how much each gives: the lots that lapse
    /// soonest first (then the oldest), lapsed and empty lots never. More than the unlapsed
    /// balance is refused, naming the points.
    public static func spend(_ points: Int, from lots: [PointsLot], at date: Date) throws(DomainError) -> [(lot: Int64, points: Int)] {
        guard points > 0 else { return [] }
        let usable = lots.filter { $0.remaining > 0 && $0.expiresAt > date }.sorted { ($0.expiresAt, $0.id) < ($1.expiresAt, $1.id) }
        let balance = usable.reduce(0) { $0 + $1.remaining }
        guard balance >= points else {
            throw DomainError(.conflict, field: "points", "\(points) points asked; \(balance) held; look at the cart again")
        }
        var left = points, takes: [(lot: Int64, points: Int)] = []
        for lot in usable where left > 0 {
            let take = min(left, lot.remaining)
            takes.append((lot.id, take))
            left -= take
        }
        return takes
    }
}

extension BuyingGroup {
    /// The store may accept an order of this group only once the group has formed.
    public func checkAccept() throws(DomainError) {
        guard status == .formed else {
            throw DomainError(.conflict, field: "status",
                              "the order waits for its group \(id) to form (\(paid) paid so far, until \(ISO8601DateFormatter().string(from: deadline)))")
        }
    }
}

extension MembershipPolicy {
    /// When points earned at `date` lapse.
    public func pointsLapse(earnedAt date: Date) -> Date { date.addingTimeInterval(Double(pointsLifetimeDays) * 86_400) }

    /// Where the spend of the window puts a customer at level `current`: the level, and the change
    /// to record when it moved (with its reason in words, and whether it went up, which gives the
    /// level's coupons).
    public func review(current: String, spendMinor: Int, at date: Date, reason: String, currency: String = "EUR")
        -> (level: MembershipLevel, change: LevelChange?, up: Bool) {
        let level = level(forSpend: spendMinor)
        guard current != level.name else { return (level, nil, false) }
        let up = self.level(named: current).map { $0.minimumSpendMinor < level.minimumSpendMinor } ?? true
        let why = "\(reason): \(Money(minor: spendMinor, currency: currency)) spent over \(windowDays) days; "
            + (level.minimumSpendMinor == 0 ? "\(level.name) needs nothing" : "\(level.name) starts at \(Money(minor: level.minimumSpendMinor, currency: currency))")
        return (level, LevelChange(from: current, to: level.name, spendMinor: spendMinor, reason: why, at: date), up)
    }
}
