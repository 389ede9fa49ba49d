/// One location of a pickup-and-delivery instance: the depot, a pickup or a delivery.
public struct PDPTWNode: Sendable, Hashable, Codable {
    /// The part a node plays, carrying the index of its partner.
    public enum Role: Sendable, Hashable, Codable {
        /// The single depot where every route starts and ends (always index 0).
        case depot
        /// Goods are loaded here and carried to the delivery node with the given index.
        case pickup(deliveryIndex: Int)
        /// Goods loaded at the pickup node with the given index are dropped here.
        case delivery(pickupIndex: Int)
    }

    /// Position of the node in ``PDPTWInstance/nodes``; the depot is 0.
    public var index: Int
    /// Planar x coordinate.
    public var x: Double
    /// Planar y coordinate.
    public var y: Double
    /// Load change when served: positive at pickups, the negated amount at deliveries, 0 at the depot.
    public var demand: Int
    /// Earliest service start; a vehicle arriving sooner waits.
    public var earliest: Double
    /// Latest service start (for the depot: latest return).
    public var latest: Double
    /// Service duration.
    public var service: Double
    /// Depot, pickup or delivery, with the partner's index.
    public var role: Role

    /// Creates a node; consistency is checked when an instance is built from nodes.
    public init(index: Int, x: Double, y: Double, demand: Int, earliest: Double, latest: Double,
                service: Double, role: Role) {
        self.index = index
        self.x = x
        self.y = y
        self.demand = demand
        self.earliest = earliest
        self.latest = latest
        self.service = service
        self.role = role
    }

    /// Whether this node is a pickup.
    public var isPickup: Bool {
        if case .pickup = role { return true }
        return false
    }

    /// Whether this node is a delivery.
    public var isDelivery: Bool {
        if case .delivery = role { return true }
        return false
    }

    /// Index of the paired node (delivery of a pickup, pickup of a delivery); `nil` for the depot.
    public var partnerIndex: Int? {
        switch role {
        case .depot: nil
        case .pickup(let delivery): delivery
        case .delivery(let pickup): pickup
        }
    }
}

/// One transport request: goods picked up at one node and delivered at another.
public struct PDPTWRequest: Sendable, Hashable, Codable {
    /// Index of the pickup node.
    public var pickup: Int
    /// Index of the delivery node.
    public var delivery: Int
    /// Amount carried between them (the pickup's demand).
    public var demand: Int

    /// Creates a request.
    public init(pickup: Int, delivery: Int, demand: Int) {
        self.pickup = pickup
        self.delivery = delivery
        self.demand = demand
    }
}
