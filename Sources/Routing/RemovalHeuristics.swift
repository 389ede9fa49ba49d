import Foundation

/// Destroy step of the large neighbourhood search: chooses requests to take out.
///
/// The operators follow Ropke & Pisinger (2006): random, worst (requests whose
/// removal saves most distance), Shaw/related (requests close in space, time
/// and size, which are likely to be exchangeable), and route removal (a whole
/// route, which is what lets the search shed vehicles).
enum RemovalOperator: Int, CaseIterable {
    case random
    case worst
    case related
    case route
}

extension SearchContext {
    /// Determinism exponent for worst removal: higher means closer to strictly worst-first.
    static let worstRandomness = 3.0
    /// Determinism exponent for related removal.
    static let relatedRandomness = 6.0

    /// Returns up to `count` requests to remove from `solution` using `kind`.
    func selectRequests(_ kind: RemovalOperator, count: Int, from solution: Solution) -> [Int] {
        switch kind {
        case .random: randomRequests(count: count, from: solution)
        case .worst: worstRequests(count: count, from: solution)
        case .related: relatedRequests(count: count, from: solution)
        case .route: routeRequests(from: solution)
        }
    }

    /// Requests currently on routes.
    private func assignedRequests(_ solution: Solution) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.requestCount)
        for route in solution.routes {
            for position in 1..<(route.path.count - 1) {
                let node = route.path[position]
                let request = data.requestOfNode[node]
                if data.pickupNode[request] == node { result.append(request) }
            }
        }
        return result
    }

    private func randomRequests(count: Int, from solution: Solution) -> [Int] {
        var candidates = assignedRequests(solution)
        let take = min(count, candidates.count)
        for index in 0..<take {
            candidates.swapAt(index, index + random.below(candidates.count - index))
        }
        return Array(candidates.prefix(take))
    }

    /// Biased draw from a list sorted best-first: index ⌊yᵖ·n⌋ with y uniform in [0, 1).
    @inline(__always)
    private func biasedIndex(count: Int, exponent: Double) -> Int {
        min(count - 1, Int(Double(count) * Foundation.pow(random.unit(), exponent)))
    }

    private func worstRequests(count: Int, from solution: Solution) -> [Int] {
        var savings: [(request: Int, saving: Double)] = []
        savings.reserveCapacity(data.requestCount)
        for route in solution.routes {
            let path = route.path
            var positionOfPickup: [Int: Int] = [:]
            for position in 1..<(path.count - 1) {
                let node = path[position]
                let request = data.requestOfNode[node]
                if data.pickupNode[request] == node {
                    positionOfPickup[request] = position
                    continue
                }
                guard let pickupPosition = positionOfPickup[request] else { continue }
                let pickup = path[pickupPosition]
                let saving: Double
                if pickupPosition + 1 == position {
                    let before = path[pickupPosition - 1], after = path[position + 1]
                    saving = data.dist(before, pickup) + data.dist(pickup, node) + data.dist(node, after)
                        - data.dist(before, after)
                } else {
                    let pickupBefore = path[pickupPosition - 1], pickupAfter = path[pickupPosition + 1]
                    let before = path[position - 1], after = path[position + 1]
                    saving = data.dist(pickupBefore, pickup) + data.dist(pickup, pickupAfter)
                        - data.dist(pickupBefore, pickupAfter)
                        + data.dist(before, node) + data.dist(node, after) - data.dist(before, after)
                }
                savings.append((request, saving))
            }
        }
        savings.sort { $0.saving > $1.saving }
        var chosen: [Int] = []
        while chosen.count < count && !savings.isEmpty {
            let index = biasedIndex(count: savings.count, exponent: Self.worstRandomness)
            chosen.append(savings.remove(at: index).request)
        }
        return chosen
    }

    private func relatedRequests(count: Int, from solution: Solution) -> [Int] {
        var startOfNode = [Double](repeating: 0, count: data.nodeCount)
        for route in solution.routes {
            for position in 1..<(route.path.count - 1) {
                startOfNode[route.path[position]] = route.start[position]
            }
        }
        var remaining = assignedRequests(solution)
        guard !remaining.isEmpty else { return [] }
        let first = remaining.remove(at: random.below(remaining.count))
        var chosen = [first]
        var relatedness = [Double](repeating: 0, count: data.requestCount)
        let distanceScale = 1 / data.maxDistance
        let timeScale = 1 / data.horizon
        let demandScale = 1 / Double(data.maxDemand)
        while chosen.count < count && !remaining.isEmpty {
            let anchor = chosen[random.below(chosen.count)]
            let anchorPickup = data.pickupNode[anchor], anchorDelivery = data.deliveryNode[anchor]
            for request in remaining {
                let pickup = data.pickupNode[request], delivery = data.deliveryNode[request]
                let space = (data.dist(anchorPickup, pickup) + data.dist(anchorDelivery, delivery)) * distanceScale
                let time = (abs(startOfNode[anchorPickup] - startOfNode[pickup])
                            + abs(startOfNode[anchorDelivery] - startOfNode[delivery])) * timeScale
                let size = Double(abs(data.demand[anchorPickup] - data.demand[pickup])) * demandScale
                relatedness[request] = 9 * space + 3 * time + 2 * size
            }
            remaining.sort { relatedness[$0] < relatedness[$1] }
            let index = biasedIndex(count: remaining.count, exponent: Self.relatedRandomness)
            chosen.append(remaining.remove(at: index))
        }
        return chosen
    }

    /// All requests of one route, the shorter of two random routes, so small routes go first.
    private func routeRequests(from solution: Solution) -> [Int] {
        guard !solution.routes.isEmpty else { return [] }
        let first = random.below(solution.routes.count)
        let second = random.below(solution.routes.count)
        let pick = solution.routes[first].customerCount <= solution.routes[second].customerCount ? first : second
        return solution.routes[pick].requests(data: data)
    }
}
