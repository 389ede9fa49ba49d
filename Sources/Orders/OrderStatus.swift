/// Where an order is. Delivery: awaiting payment → paid → accepted → picking → ready → with
/// dispatch → picked up → delivered → completed → reviewed. Pickup: … → ready → collected (with
/// the pickup code) → completed → reviewed. Cancelled (before the store has picked), refunded
/// (a paid order cancelled), expired (unpaid in time).
public enum OrderStatus: String, Hashable, Sendable, CaseIterable, Codable {
    case awaitingPayment = "awaiting_payment"
    case paid
    case accepted
    case picking
    case ready
    case withDispatch = "with_dispatch"
    case pickedUp = "picked_up"
    case delivered
    case collected
    case completed
    case reviewed
    case cancelled
    case refunded
    case expired

    /// Who moves an order on.
    public enum Actor: String, Hashable, Sendable {
        case customer, staff, dispatch, payment, system
    }

    /// Every allowed step: from, to, who may take it, and for which fulfilment (nil: both).
    public static let steps: [(from: OrderStatus, to: OrderStatus, by: Set<Actor>, delivery: Bool?)] = [
        (.awaitingPayment, .paid, [.payment], nil),
        (.awaitingPayment, .cancelled, [.customer, .staff, .system], nil),
        (.awaitingPayment, .expired, [.system], nil),
        (.paid, .accepted, [.staff], nil),
        (.paid, .refunded, [.customer, .staff, .system], nil),
        (.accepted, .picking, [.staff], nil),
        (.accepted, .refunded, [.staff, .system], nil),
        (.picking, .ready, [.staff], nil),
        (.ready, .withDispatch, [.staff, .dispatch], true),
        (.withDispatch, .pickedUp, [.dispatch], true),
        (.pickedUp, .delivered, [.dispatch], true),
        (.ready, .collected, [.staff], false),
        (.delivered, .completed, [.customer, .system], true),
        (.collected, .completed, [.customer, .system], false),
        (.completed, .reviewed, [.customer], nil),
    ]

    /// Whether `actor` may move an order of this fulfilment from here to `next`.
    public func allows(_ next: OrderStatus, by actor: Actor, delivery: Bool) -> Bool {
        Self.steps.contains { $0.from == self && $0.to == next && $0.by.contains(actor) && ($0.delivery == nil || $0.delivery == delivery) }
    }

    /// No step leads on from here.
    public var isFinal: Bool { !Self.steps.contains { $0.from == self } }
}
