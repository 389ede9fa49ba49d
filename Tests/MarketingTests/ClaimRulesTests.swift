import Foundation
import Kernel
import Marketing
import Stores
import Testing

/// The decisions a checkout's claims rest on, at their edges: a window's first and last
/// instant, a limit reached and passed, each way a group can be closed.
@Suite("Claim rules: coupons, flash sales and group buys")
struct ClaimRulesTests {
    static let now = Date(timeIntervalSince1970: 1_767_603_600)

    /// The field a refusal names, or nil when the claim may go ahead.
    static func refusal(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as DomainError { return error.field } catch { return "\(error)" }
    }

    static func coupon(status: CustomerCoupon.Status = .available, from: TimeInterval = -60, until: TimeInterval = 60) -> CustomerCoupon {
        CustomerCoupon(id: 7, campaign: CouponCampaign(id: 1, name: "c", kind: .fixed(amountMinor: 100), scope: .all,
                                                       validFrom: now.addingTimeInterval(from), validUntil: now.addingTimeInterval(until),
                                                       totalLimit: nil, perCustomerLimit: 1, issuance: .campaign),
                       status: status, issuedAt: now, order: nil)
    }

    @Test("a coupon: available and within its campaign's window, from its first instant to before its last")
    func coupons() {
        #expect(Self.refusal { try Self.coupon().checkClaim(at: Self.now) } == nil)
        #expect(Self.refusal { try Self.coupon(from: 0).checkClaim(at: Self.now) } == nil)
        #expect(Self.refusal { try Self.coupon(until: 0).checkClaim(at: Self.now) } == "coupon")
        #expect(Self.refusal { try Self.coupon(from: 1).checkClaim(at: Self.now) } == "coupon")
        #expect(Self.refusal { try Self.coupon(status: .used).checkClaim(at: Self.now) } == "coupon")
        #expect(CustomerCoupon.claimRefused(7).kind == .conflict)
    }

    static let sale = FlashSale(id: 3, store: StoreID(1), sku: "DAIRY-001", priceMinor: 99, quantity: 100, perCustomer: 2,
                                startsAt: now, endsAt: now.addingTimeInterval(3_600), sold: 0)

    @Test("a flash sale: on, and no more than its per-customer limit with what the customer holds")
    func flashSales() {
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 2, held: 0, at: Self.now) } == nil)
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 1, held: 1, at: Self.now) } == nil)
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 1, held: 2, at: Self.now) } == "flash_sale")
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 3, held: 0, at: Self.now) } == "flash_sale")
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 1, held: 0, at: Self.now.addingTimeInterval(-1)) } == "flash_sale")
        #expect(Self.refusal { try Self.sale.checkClaim(quantity: 1, held: 0, at: Self.now.addingTimeInterval(3_600)) } == "flash_sale")
    }

    static let buy = GroupBuy(id: 5, store: StoreID(1), sku: "DAIRY-001", priceMinor: 99, groupSize: 3, windowMinutes: 30,
                              startsAt: now.addingTimeInterval(-3_600), endsAt: now.addingTimeInterval(3_600))

    static func group(buy: Int64 = 5, status: BuyingGroup.Status = .open, deadline: TimeInterval = 600, members: Int = 1, paid: Int = 0) -> BuyingGroup {
        BuyingGroup(id: 9, buy: buy, openedAt: now.addingTimeInterval(-60), deadline: now.addingTimeInterval(deadline), status: status,
                    members: members, paid: paid)
    }

    @Test("a group buy: opening a group while the buy is on; joining one that is this buy's, open, in time, not full, once")
    func joins() {
        let b = Self.buy, now = Self.now
        #expect(Self.refusal { try b.checkJoin(nil, groupID: nil, alreadyMember: false, at: now) } == nil)
        #expect(Self.refusal { try b.checkJoin(nil, groupID: nil, alreadyMember: false, at: b.endsAt) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(), groupID: 9, alreadyMember: false, at: now) } == nil)
        #expect(Self.refusal { try b.checkJoin(Self.group(members: 2), groupID: 9, alreadyMember: false, at: now) } == nil)
        #expect(Self.refusal { try b.checkJoin(nil, groupID: 9, alreadyMember: false, at: now) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(buy: 6), groupID: 9, alreadyMember: false, at: now) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(status: .formed), groupID: 9, alreadyMember: false, at: now) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(deadline: 0), groupID: 9, alreadyMember: false, at: now) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(members: 3), groupID: 9, alreadyMember: false, at: now) } == "group_buy")
        #expect(Self.refusal { try b.checkJoin(Self.group(), groupID: 9, alreadyMember: true, at: now) } == "group_buy")
    }

    @Test("a group forms when enough members have paid before its deadline, and opens again if they fall short before it")
    func forming() {
        let b = Self.buy, now = Self.now
        #expect(b.groupStatus(Self.group(paid: 2), at: now) == .open)
        #expect(b.groupStatus(Self.group(paid: 3), at: now) == .formed)
        #expect(b.groupStatus(Self.group(status: .formed, paid: 2), at: now) == .open)
        #expect(b.groupStatus(Self.group(status: .formed, paid: 3), at: now) == .formed)
        #expect(b.groupStatus(Self.group(deadline: 0, paid: 3), at: now) == .open)
        #expect(b.groupStatus(Self.group(status: .formed, deadline: 0, paid: 1), at: now) == .formed)
        #expect(b.groupStatus(Self.group(status: .failed, paid: 3), at: now) == .failed)
    }
}
