import Foundation
import Kernel

/// Whether a checkout may take up what its discounts claim: pure decisions over what the
/// repository read inside the checkout's transaction. The repository then applies each
/// claim atomically — a conditional update that fails when another checkout took the last
/// unit or the coupon first — so a decision here is never a read-then-write race.
extension CustomerCoupon {
    /// A coupon the customer holds may go on an order at `date` while it is available and its
    /// campaign runs.
    public func checkClaim(at date: Date) throws(DomainError) {
        guard status == .available, campaign.validFrom <= date, date < campaign.validUntil else { throw Self.claimRefused(id) }
    }

    /// The refusal of a coupon that is not the customer's, or no longer usable.
    public static func claimRefused(_ id: Int64) -> DomainError {
        DomainError(.conflict, field: "coupon", "coupon \(id) can no longer be used (used on another order, or lapsed); look at the cart again")
    }
}

extension FlashSale {
    /// `quantity` more units for a customer who holds `held` of this sale already, at `date`:
    /// the sale must be on and the per-customer limit kept. Whether units remain is the
    /// repository's conditional update.
    public func checkClaim(quantity: Int, held: Int, at date: Date) throws(DomainError) {
        guard isOn(at: date) else { throw DomainError(.conflict, field: "flash_sale", "flash sale \(id) is over; look at the cart again") }
        guard held + quantity <= perCustomer else {
            throw DomainError(.conflict, field: "flash_sale", "flash sale \(id) allows \(perCustomer) per customer; you hold \(held) already")
        }
    }
}

extension GroupBuy {
    /// Joining `group` (nil: opening a new group) at `date`, for a customer who is or is not in
    /// that group already with an order that stands: the buy must be on; a group joined must be
    /// this buy's, open, before its deadline and not full.
    public func checkJoin(_ group: BuyingGroup?, groupID: Int64?, alreadyMember: Bool, at date: Date) throws(DomainError) {
        guard isOn(at: date) else { throw DomainError(.conflict, field: "group_buy", "group buy \(id) is over; look at the cart again") }
        guard let groupID else { return }
        guard let group, group.buy == id, group.status == .open, group.deadline > date else {
            throw DomainError(.conflict, field: "group_buy", "group \(groupID) is closed; look at the cart again")
        }
        guard group.members < groupSize else { throw DomainError(.conflict, field: "group_buy", "group \(groupID) is full; look at the cart again") }
        guard !alreadyMember else { throw DomainError(.conflict, field: "group_buy", "you are in group \(groupID) already") }
    }

    /// A group that has `paid` members who paid, at `date`, forms now if it is open, before its
    /// deadline, and has enough; a formed one whose paid members fall short before the
    /// deadline opens again (the store waits anew).
    public func groupStatus(_ group: BuyingGroup, at date: Date) -> BuyingGroup.Status {
        guard group.deadline > date else { return group.status }
        switch group.status {
        case .open where group.paid >= groupSize: return .formed
        case .formed where group.paid < groupSize: return .open
        default: return group.status
        }
    }
}
