/// Repair step: puts the unassigned requests of a solution back into routes.
///
/// Greedy (regret degree 1) always inserts the request with the cheapest best
/// insertion; regret-k inserts first the request that would lose most by
/// waiting (sum of the differences between its k best route costs and its
/// best), as in Ropke & Pisinger (2006). Requests that fit fewer routes than k
/// are the most urgent of all. Insertion costs are cached per (request, route)
/// and only the column of the route that changed is recomputed.
extension SearchContext {
    /// Noise amplitude as a fraction of the largest distance (Ropke & Pisinger's η).
    static let noiseFraction = 0.025

    /// Inserts `solution.unassigned`. When no open route can take any pending request, a new
    /// route is opened as long as there are fewer than `maxRoutes`; after that the remaining
    /// requests stay unassigned.
    func repair(_ solution: inout Solution, regretDegree: Int, noise: Bool, maxRoutes: Int) {
        var pending = solution.unassigned
        solution.unassigned.removeAll(keepingCapacity: true)
        guard !pending.isEmpty else { return }
        let noiseAmplitude = noise ? Self.noiseFraction * data.maxDistance : 0
        let stride = max(solution.routes.count, min(maxRoutes, solution.routes.count + pending.count)) + 1
        let cells = pending.count * stride
        if tableCost.count < cells {
            tableCost = [Double](repeating: .infinity, count: cells)
            tableMove = [InsertionMove](repeating: InsertionMove(cost: 0, pickupAfter: 0, deliveryAfter: 0),
                                        count: cells)
        }

        // Fills one cell; noise perturbs the cost used for choosing, not the move itself.
        func evaluate(row: Int, route: Int) {
            let cell = row * stride + route
            if let move = solution.routes[route].bestInsertion(of: pending[row], data: data) {
                tableMove[cell] = move
                let noisy = noiseAmplitude > 0
                    ? max(0, move.cost + noiseAmplitude * (2 * random.unit() - 1)) : move.cost
                tableCost[cell] = noisy
            } else {
                tableCost[cell] = .infinity
            }
        }
        for row in pending.indices {
            for route in solution.routes.indices { evaluate(row: row, route: route) }
        }

        var top = [Double](repeating: .infinity, count: max(regretDegree, 1))
        while !pending.isEmpty {
            // Choose the request to insert next.
            var chosenRow = -1
            var chosenRoute = -1
            var chosenMissing = -1
            var chosenRegret = -Double.infinity
            var chosenCost = Double.infinity
            let routeCount = solution.routes.count
            for row in pending.indices {
                for slot in top.indices { top[slot] = .infinity }
                var bestRoute = -1
                let base = row * stride
                for route in 0..<routeCount {
                    let cost = tableCost[base + route]
                    if cost < top[top.count - 1] {
                        var slot = top.count - 1
                        while slot > 0 && top[slot - 1] > cost {
                            top[slot] = top[slot - 1]
                            slot -= 1
                        }
                        top[slot] = cost
                        if slot == 0 { bestRoute = route }
                    }
                }
                guard bestRoute >= 0 else { continue }
                var missing = 0
                var regret = 0.0
                for slot in 1..<top.count {
                    if top[slot] == .infinity { missing += 1 } else { regret += top[slot] - top[0] }
                }
                let better: Bool
                if regretDegree <= 1 {
                    better = top[0] < chosenCost
                } else if missing != chosenMissing {
                    better = missing > chosenMissing
                } else if regret != chosenRegret {
                    better = regret > chosenRegret
                } else {
                    better = top[0] < chosenCost
                }
                if better {
                    chosenRow = row
                    chosenRoute = bestRoute
                    chosenMissing = missing
                    chosenRegret = regret
                    chosenCost = top[0]
                }
            }

            if chosenRow < 0 {
                guard solution.routes.count < maxRoutes else {
                    solution.unassigned += pending
                    return
                }
                // Nothing fits any open route: seed a new one.
                let seedRow = farthestRequestRow(pending)
                let seed = pending[seedRow]
                var route = Route(data: data)
                if let move = route.bestInsertion(of: seed, data: data) {
                    route.insert(request: seed, move: move, data: data)
                    removeRow(seedRow, from: &pending, stride: stride, columns: solution.routes.count)
                    solution.routes.append(route)
                    for row in pending.indices { evaluate(row: row, route: solution.routes.count - 1) }
                } else {
                    // Even a dedicated vehicle cannot serve it; leave it out.
                    solution.unassigned.append(seed)
                    removeRow(seedRow, from: &pending, stride: stride, columns: solution.routes.count)
                }
                continue
            }

            let request = pending[chosenRow]
            solution.routes[chosenRoute].insert(request: request, move: tableMove[chosenRow * stride + chosenRoute],
                                                data: data)
            removeRow(chosenRow, from: &pending, stride: stride, columns: solution.routes.count)
            for row in pending.indices { evaluate(row: row, route: chosenRoute) }
        }
    }

    /// The pending request farthest from the depot: the classic Solomon seed for a new route,
    /// since far requests are the hardest to add to routes later.
    private func farthestRequestRow(_ pending: [Int]) -> Int {
        var seedRow = 0
        var farthest = -1.0
        for (row, request) in pending.enumerated() {
            let reach = data.dist(0, data.pickupNode[request]) + data.dist(data.deliveryNode[request], 0)
            if reach > farthest {
                farthest = reach
                seedRow = row
            }
        }
        return seedRow
    }

    /// Swap-removes a pending request and its table row.
    private func removeRow(_ row: Int, from pending: inout [Int], stride: Int, columns: Int) {
        let last = pending.count - 1
        if row != last {
            pending[row] = pending[last]
            for column in 0..<columns {
                tableCost[row * stride + column] = tableCost[last * stride + column]
                tableMove[row * stride + column] = tableMove[last * stride + column]
            }
        }
        pending.removeLast()
    }
}
