/// Where to put a request into a route, and what it costs.
///
/// Positions refer to the route's `path` (which starts and ends with the depot):
/// the pickup goes right after `path[pickupAfter]` and the delivery right after
/// `path[deliveryAfter]` of the original path; when they are equal the delivery
/// directly follows the pickup.
struct InsertionMove {
    var cost: Double
    var pickupAfter: Int
    var deliveryAfter: Int
}

/// One vehicle's route with the schedule data that makes insertion checks cheap.
///
/// Besides the node sequence it caches, per position, the service start time,
/// the load after service and the latest start time that keeps the rest of the
/// route feasible (backward-propagated slack). With these, a pickup-delivery
/// insertion is checked in O(1) per position pair.
struct Route {
    /// Depot, customers in visiting order, depot.
    var path: [Int]
    /// Service start at each position (position 0: departure from the depot; last: return).
    var start: [Double]
    /// Load on board after serving each position.
    var load: [Int]
    /// Latest service start at each position that keeps every later position feasible.
    var latestStart: [Double]
    /// Depot-to-depot length.
    var distance: Double = 0

    /// An empty route (depot to depot).
    init(data: ProblemData) {
        path = [0, 0]
        start = []
        load = []
        latestStart = []
        refresh(data)
    }

    /// Number of pickups and deliveries on the route.
    var customerCount: Int { path.count - 2 }
    var isEmpty: Bool { path.count <= 2 }

    /// Recomputes the schedule, loads, slack and distance after `path` changed. O(length).
    mutating func refresh(_ data: ProblemData) {
        let count = path.count
        if start.count != count {
            start = [Double](repeating: 0, count: count)
            load = [Int](repeating: 0, count: count)
            latestStart = [Double](repeating: 0, count: count)
        }
        var total = 0.0
        start[0] = data.earliest[0]
        load[0] = 0
        for position in 1..<count {
            let from = path[position - 1]
            let to = path[position]
            let leg = data.dist(from, to)
            total += leg
            start[position] = max(data.earliest[to], start[position - 1] + data.service[from] + leg)
            load[position] = load[position - 1] + data.demand[to]
        }
        latestStart[count - 1] = data.latest[0]
        var position = count - 2
        while position >= 0 {
            let here = path[position]
            let next = path[position + 1]
            latestStart[position] = min(data.latest[here],
                                        latestStart[position + 1] - data.service[here] - data.dist(here, next))
            position -= 1
        }
        distance = total
    }

    /// Cheapest feasible insertion of a request, or `nil` when none exists or none beats `bound`.
    ///
    /// For each pickup position the schedule shift is propagated forward one
    /// position at a time while the delivery position advances, so the whole
    /// scan is O(length²) with O(1) work per pair and early exits when the
    /// shifted start passes a node's slack or the load exceeds capacity.
    func bestInsertion(of request: Int, data: ProblemData, bound: Double = .infinity) -> InsertionMove? {
        let pickup = data.pickupNode[request]
        let delivery = data.deliveryNode[request]
        let quantity = data.demand[pickup]
        let capacity = data.capacity
        let earliest = data.earliest, latest = data.latest, service = data.service
        let pickupEarliest = earliest[pickup], pickupLatest = latest[pickup], pickupService = service[pickup]
        let deliveryEarliest = earliest[delivery], deliveryLatest = latest[delivery]
        let deliveryService = service[delivery]
        let last = path.count - 1
        var best = bound
        var bestPickup = -1
        var bestDelivery = -1

        for i in 0..<last {
            if load[i] + quantity > capacity { continue }
            let before = path[i]
            let after = path[i + 1]
            let toPickup = data.dist(before, pickup)
            let pickupArrival = start[i] + service[before] + toPickup
            if pickupArrival > pickupLatest { continue }
            let pickupStart = max(pickupEarliest, pickupArrival)
            let pickupDelta = toPickup + data.dist(pickup, after) - data.dist(before, after)
            // Delivery cost is never negative (triangle inequality), so no better move starts here.
            if pickupDelta >= best { continue }

            // Delivery directly after the pickup.
            let pickupToDelivery = data.dist(pickup, delivery)
            let adjacentDeliveryStart = max(deliveryEarliest, pickupStart + pickupService + pickupToDelivery)
            if adjacentDeliveryStart <= deliveryLatest {
                let afterStart = max(earliest[after], adjacentDeliveryStart + deliveryService + data.dist(delivery, after))
                if afterStart <= latestStart[i + 1] {
                    let cost = toPickup + pickupToDelivery + data.dist(delivery, after) - data.dist(before, after)
                    if cost < best {
                        best = cost
                        bestPickup = i
                        bestDelivery = i
                    }
                }
            }

            // Delivery after a later position k: walk k forward carrying the shifted start time.
            var shiftedStart = max(earliest[after], pickupStart + pickupService + data.dist(pickup, after))
            var k = i + 1
            while k < last {
                if shiftedStart > latestStart[k] || load[k] + quantity > capacity { break }
                let here = path[k]
                let next = path[k + 1]
                let toDelivery = data.dist(here, delivery)
                let deliveryStart = max(deliveryEarliest, shiftedStart + service[here] + toDelivery)
                if deliveryStart <= deliveryLatest {
                    let cost = pickupDelta + toDelivery + data.dist(delivery, next) - data.dist(here, next)
                    if cost < best {
                        let nextStart = max(earliest[next], deliveryStart + deliveryService + data.dist(delivery, next))
                        if nextStart <= latestStart[k + 1] {
                            best = cost
                            bestPickup = i
                            bestDelivery = k
                        }
                    }
                }
                shiftedStart = max(earliest[next], shiftedStart + service[here] + data.dist(here, next))
                k += 1
            }
        }
        guard bestPickup >= 0 else { return nil }
        return InsertionMove(cost: best, pickupAfter: bestPickup, deliveryAfter: bestDelivery)
    }

    /// Applies an insertion found by ``bestInsertion(of:data:bound:)`` and refreshes the schedule.
    mutating func insert(request: Int, move: InsertionMove, data: ProblemData) {
        path.insert(data.deliveryNode[request], at: move.deliveryAfter + 1)
        path.insert(data.pickupNode[request], at: move.pickupAfter + 1)
        refresh(data)
    }

    /// Removes every node whose request is flagged in `removed` and refreshes the schedule.
    /// Removing requests never breaks feasibility (travel times obey the triangle inequality).
    mutating func removeRequests(flaggedIn removed: [Bool], data: ProblemData) {
        path.removeAll { node in
            let request = data.requestOfNode[node]
            return request >= 0 && removed[request]
        }
        refresh(data)
    }

    /// Overwrites this route with `other` minus the given requests, reusing storage.
    mutating func assign(_ other: Route, excluding first: Int, _ second: Int, data: ProblemData) {
        path.removeAll(keepingCapacity: true)
        for node in other.path {
            let request = data.requestOfNode[node]
            // The depot has request -1 and is always kept; -1 as an argument excludes nothing.
            if request < 0 || (request != first && request != second) {
                path.append(node)
            }
        }
        refresh(data)
    }

    /// Requests served on this route, in pickup order.
    func requests(data: ProblemData) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(customerCount / 2)
        for position in 1..<(path.count - 1) {
            let node = path[position]
            if data.pickupNode[data.requestOfNode[node]] == node {
                result.append(data.requestOfNode[node])
            }
        }
        return result
    }
}

extension Route {
    /// Removes one request (both its nodes) and refreshes the schedule.
    mutating func removeRequest(_ request: Int, data: ProblemData) {
        path.removeAll { data.requestOfNode[$0] == request }
        refresh(data)
    }

    /// The request served at a uniformly random customer position (route must be non-empty).
    func randomRequest(using context: SearchContext) -> Int {
        let position = 1 + context.random.below(customerCount)
        return context.data.requestOfNode[path[position]]
    }
}
