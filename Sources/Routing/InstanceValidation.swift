/// Consistency rules shared by every way of building a ``PDPTWInstance``.
///
/// Each rule reports through the `SourceLocation` of the offending node so the
/// message speaks in the user's format (line numbers or JSON paths).
enum InstanceValidation {
    static func validate(vehicleCount: Int, capacity: Int, nodes: [PDPTWNode],
                         nodeLocations: [SourceLocation], headerLocation: SourceLocation) throws(RoutingInputError) {
        if vehicleCount <= 0 {
            throw headerLocation.error(field: "vehicles", "must be positive, got \(vehicleCount)")
        }
        if capacity <= 0 {
            throw headerLocation.error(field: "capacity", "must be positive, got \(capacity)")
        }
        guard let depot = nodes.first, depot.role == .depot, depot.index == 0 else {
            throw RoutingInputError(reason: "missing depot: node 0 must exist and be the depot")
        }
        func location(_ index: Int) -> SourceLocation {
            index < nodeLocations.count ? nodeLocations[index] : .unknown
        }
        // Pass 1: rules about one node alone, so a sign error is reported on the
        // line that has it rather than on its partner's line.
        for (position, node) in nodes.enumerated() {
            let here = location(position)
            if node.index != position {
                throw here.error(field: "index", "is \(node.index) but the node is at position \(position)")
            }
            try checkFinite(node, at: here)
            if node.earliest > node.latest {
                throw here.error(field: "earliest",
                                 "(\(format(node.earliest))) is greater than field 'latest' (\(format(node.latest)))")
            }
            if node.service < 0 {
                throw here.error(field: "service", "must not be negative, got \(format(node.service))")
            }
            switch node.role {
            case .depot:
                if position != 0 {
                    throw here.error("only node 0 may be the depot")
                }
                if node.demand != 0 {
                    throw here.error(field: "demand", "of the depot must be 0, got \(node.demand)")
                }
            case .pickup:
                if node.demand < 0 {
                    throw here.error(field: "demand", "of a pickup must not be negative, got \(node.demand)")
                }
                if node.demand > capacity {
                    throw here.error(field: "demand", "(\(node.demand)) exceeds the vehicle capacity (\(capacity))")
                }
            case .delivery:
                if node.demand > 0 {
                    throw here.error(field: "demand", "of a delivery must not be positive, got \(node.demand)")
                }
            }
        }
        // Pass 2: rules about pairs.
        for (position, node) in nodes.enumerated() {
            switch node.role {
            case .depot:
                break
            case .pickup(let deliveryIndex):
                try checkPickup(node, deliveryIndex: deliveryIndex, nodes: nodes, at: location(position))
            case .delivery(let pickupIndex):
                try checkDelivery(node, pickupIndex: pickupIndex, nodes: nodes, at: location(position))
            }
        }
    }

    private static func checkFinite(_ node: PDPTWNode, at here: SourceLocation) throws(RoutingInputError) {
        let values: [(String, Double)] = [("x", node.x), ("y", node.y), ("earliest", node.earliest),
                                          ("latest", node.latest), ("service", node.service)]
        for (field, value) in values where !value.isFinite {
            throw here.error(field: field, "is not a finite number: \(value)")
        }
    }

    private static func checkPickup(_ node: PDPTWNode, deliveryIndex: Int, nodes: [PDPTWNode],
                                    at here: SourceLocation) throws(RoutingInputError) {
        guard deliveryIndex > 0, deliveryIndex < nodes.count else {
            throw here.error(field: "deliveryIndex", "refers to unknown node \(deliveryIndex)")
        }
        guard case .delivery(let back) = nodes[deliveryIndex].role, back == node.index else {
            throw here.error(field: "deliveryIndex",
                             "names node \(deliveryIndex), which is not a delivery paired back with pickup \(node.index)")
        }
    }

    private static func checkDelivery(_ node: PDPTWNode, pickupIndex: Int, nodes: [PDPTWNode],
                                      at here: SourceLocation) throws(RoutingInputError) {
        guard pickupIndex > 0, pickupIndex < nodes.count else {
            throw here.error(field: "pickupIndex", "refers to unknown node \(pickupIndex)")
        }
        guard case .pickup(let back) = nodes[pickupIndex].role, back == node.index else {
            throw here.error(field: "pickupIndex",
                             "names node \(pickupIndex), which is not a pickup paired back with delivery \(node.index)")
        }
        let pickupDemand = nodes[pickupIndex].demand
        if node.demand != -pickupDemand {
            throw here.error(field: "demand",
                             "(\(node.demand)) does not balance its pickup \(pickupIndex) (demand \(pickupDemand))")
        }
    }

    /// Prints whole numbers without a fraction so messages echo what the user wrote.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return String(value)
    }
}
