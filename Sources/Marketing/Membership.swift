import Foundation
import Kernel

/// One membership level and what it gives.
public struct MembershipLevel: Hashable, Sendable {
    public var name: String
    /// The rolling spend (completed orders' totals over the window) that reaches it.
    public var minimumSpendMinor: Int
    /// Off the price of items not already on promotion, in basis points (500 = 5 %).
    public var discountBasisPoints: Int
    /// Delivery is free when the items, after discounts, come to at least this; nil: never.
    public var freeDeliveryFromMinor: Int?
    /// Points earned, in percent of the base rate (150 = ×1.5).
    public var pointsMultiplierPercent: Int

    public init(name: String, minimumSpendMinor: Int, discountBasisPoints: Int = 0, freeDeliveryFromMinor: Int? = nil,
                pointsMultiplierPercent: Int = 100) {
        self.name = name; self.minimumSpendMinor = minimumSpendMinor; self.discountBasisPoints = discountBasisPoints
        self.freeDeliveryFromMinor = freeDeliveryFromMinor; self.pointsMultiplierPercent = pointsMultiplierPercent
    }
}

/// The membership rules: levels by rolling spend, and how points are earned, spent and lapse.
public struct MembershipPolicy: Hashable, Sendable {
    /// Ascending by minimum spend; the first has none.
    public var levels: [MembershipLevel]
    /// The rolling window over which spend counts, in days.
    public var windowDays: Int
    /// Points earned for each whole currency unit (100 minor) of a completed order's total, before the level's multiplier.
    public var pointsPerUnit: Int
    /// What one point takes off when spent, in minor units.
    public var pointValueMinor: Int
    /// Days after which earned points lapse (oldest first).
    public var pointsLifetimeDays: Int
    /// Points may pay at most this share of what is left to pay, in percent.
    public var maximumPointsSharePercent: Int

    public init(levels: [MembershipLevel], windowDays: Int, pointsPerUnit: Int, pointValueMinor: Int, pointsLifetimeDays: Int,
                maximumPointsSharePercent: Int) {
        self.levels = levels; self.windowDays = windowDays; self.pointsPerUnit = pointsPerUnit; self.pointValueMinor = pointValueMinor
        self.pointsLifetimeDays = pointsLifetimeDays; self.maximumPointsSharePercent = maximumPointsSharePercent
    }

    /// Four levels over a year's spend; a point per euro, worth a cent, lapsing after a year; points pay up to half.
    public static let standard = MembershipPolicy(levels: [
        MembershipLevel(name: "member", minimumSpendMinor: 0),
        MembershipLevel(name: "silver", minimumSpendMinor: 10_000, discountBasisPoints: 200, freeDeliveryFromMinor: 5_000, pointsMultiplierPercent: 125),
        MembershipLevel(name: "gold", minimumSpendMinor: 30_000, discountBasisPoints: 500, freeDeliveryFromMinor: 3_000, pointsMultiplierPercent: 150),
        MembershipLevel(name: "platinum", minimumSpendMinor: 100_000, discountBasisPoints: 800, freeDeliveryFromMinor: 0, pointsMultiplierPercent: 200),
    ], windowDays: 365, pointsPerUnit: 1, pointValueMinor: 1, pointsLifetimeDays: 365, maximumPointsSharePercent: 50)

    public func validate() throws(DomainError) {
        guard !levels.isEmpty, levels.count <= 20 else { throw DomainError(.unprocessable, field: "levels", "1 to 20 levels") }
        guard levels[0].minimumSpendMinor == 0 else { throw DomainError(.unprocessable, field: "levels[0].minimum_spend_minor", "the first level starts at 0") }
        var names = Set<String>()
        for (i, l) in levels.enumerated() {
            let at = "levels[\(i)]"
            guard (1...40).contains(l.name.count), names.insert(l.name).inserted else {
                throw DomainError(.unprocessable, field: "\(at).name", "a name of 1 to 40 characters, each level its own")
            }
            if i > 0, l.minimumSpendMinor <= levels[i - 1].minimumSpendMinor {
                throw DomainError(.unprocessable, field: "\(at).minimum_spend_minor", "levels go up in minimum spend")
            }
            guard (0...5_000).contains(l.discountBasisPoints) else { throw DomainError(.unprocessable, field: "\(at).discount_bp", "0 to 5000 basis points") }
            guard (0...1_000).contains(l.pointsMultiplierPercent) else { throw DomainError(.unprocessable, field: "\(at).points_multiplier_percent", "0 to 1000") }
            if let f = l.freeDeliveryFromMinor, f < 0 { throw DomainError(.unprocessable, field: "\(at).free_delivery_from_minor", "at least 0") }
        }
        guard (1...3_650).contains(windowDays) else { throw DomainError(.unprocessable, field: "window_days", "1 to 3650 days") }
        guard (0...1_000).contains(pointsPerUnit) else { throw DomainError(.unprocessable, field: "points_per_unit", "0 to 1000") }
        guard (1...10_000).contains(pointValueMinor) else { throw DomainError(.unprocessable, field: "point_value_minor", "1 to 10000") }
        guard (1...3_650).contains(pointsLifetimeDays) else { throw DomainError(.unprocessable, field: "points_lifetime_days", "1 to 3650 days") }
        guard (0...100).contains(maximumPointsSharePercent) else { throw DomainError(.unprocessable, field: "maximum_points_share_percent", "0 to 100") }
    }

    /// The highest level the spend reaches.
    public func level(forSpend spendMinor: Int) -> MembershipLevel {
        levels.last { $0.minimumSpendMinor <= spendMinor } ?? levels[0]
    }

    public func level(named name: String) -> MembershipLevel? { levels.first { $0.name == name } }

    /// Points a completed order earns: whole currency units of its total × the rate × the level's multiplier, rounded down.
    public func pointsEarned(totalMinor: Int, level: MembershipLevel) -> Int {
        guard totalMinor > 0 else { return 0 }
        return (totalMinor / 100) * pointsPerUnit * level.pointsMultiplierPercent / 100
    }
}
