import Accounts
import Foundation
import Kernel

/// A customer's membership as they see it: the level and the next one, spend, points, the next
/// lapse, and the latest ledger lines and level changes.
public struct MembershipStatement: Sendable {
    public var policy: MembershipPolicy
    public var status: MembershipStatus
    public var level: MembershipLevel
    /// The next level up and the spend it still needs; nil at the top.
    public var next: (level: MembershipLevel, needsMinor: Int)?
    public var ledger: [PointsEntry]
    public var levelChanges: [LevelChange]
}

/// What the service reads for the API and the command line, on its clock.
extension MarketingService {
    public func policy() async throws -> MembershipPolicy { try await repository.policy() }

    /// The caller's standing, the last 50 ledger lines and the last 20 level changes.
    public func statement(by caller: Principal) async throws -> MembershipStatement {
        let policy = try await repository.policy()
        let status = try await repository.membership(of: caller.account, at: now())
        let level = policy.level(named: status.level) ?? policy.levels[0]
        let next = policy.levels.first { $0.minimumSpendMinor > level.minimumSpendMinor }
        return MembershipStatement(policy: policy, status: status, level: level,
                                   next: next.map { ($0, $0.minimumSpendMinor - status.spendMinor) },
                                   ledger: try await repository.ledger(of: caller.account, limit: 50),
                                   levelChanges: try await repository.levelChanges(of: caller.account, limit: 20))
    }

    public func campaigns(by caller: Principal) async throws -> [CouponCampaign] {
        guard caller.role == .admin else { throw DomainError(.forbidden, "only an admin may list coupon campaigns") }
        return try await repository.campaigns()
    }

    public func wallet(by caller: Principal) async throws -> [CustomerCoupon] {
        try await repository.wallet(of: caller.account)
    }

    /// Flash sales at a store (or everywhere), only those on now unless `all`.
    public func flashSales(store: StoreID?, all: Bool = false) async throws -> [FlashSale] {
        try await repository.flashSales(store: store, on: all ? nil : now())
    }

    /// Price cuts at a store with those at every store (or all of them), only those on now unless `all`.
    public func priceCuts(store: StoreID?, all: Bool = false) async throws -> [PriceCut] {
        try await repository.priceCuts(store: store, on: all ? nil : now())
    }

    /// Group buys with their groups, only those on now unless `all`.
    public func groupBuys(store: StoreID?, all: Bool = false) async throws -> [(buy: GroupBuy, groups: [BuyingGroup])] {
        var list: [(GroupBuy, [BuyingGroup])] = []
        for buy in try await repository.groupBuys(store: store, on: all ? nil : now()) {
            list.append((buy, try await repository.groups(of: buy.id)))
        }
        return list
    }
}

/// The sweeps' steps, on the service's clock.
extension MarketingService {
    /// Lapses points past their lifetime; the number of customers whose points lapsed.
    public func expirePoints() async throws -> Int { try await repository.expirePoints(at: now()) }

    /// Moves customers to the level their rolling spend gives; the number moved.
    public func reviewLevels() async throws -> Int { try await repository.reviewLevels(at: now()) }
}
