/// Vehicle reduction by ejection pool, after Nagata & Kobayashi (2010).
///
/// One attempt removes a route and puts its requests in the ejection pool (EP).
/// Requests are taken from the pool one at a time:
///
/// 1. insert it at the cheapest feasible place, if there is one;
/// 2. otherwise raise its penalty counter and insert it by ejecting one or two
///    requests from a single route, choosing the ejection whose summed penalty
///    counters are smallest (requests that were hard to place before are
///    protected), ties broken by insertion cost; the ejected go to the pool;
/// 3. shake the solution with random feasible relocate/exchange moves so the
///    next insertions meet a different landscape.
///
/// When the pool empties, the solution has one vehicle fewer and the next
/// attempt starts. An attempt still running when the phase's share of the
/// budget is spent is abandoned and the last complete solution is kept.
extension SearchContext {
    func minimizeRoutes(_ solution: inout Solution, budget: inout SearchBudget, until share: Double,
                        perturbationMoves: Int, maxEjections: Int) {
        var penalty = [Int](repeating: 1, count: data.requestCount)
        while solution.routes.count > 1 && budget.progress() < share {
            var work = solution
            let removedIndex = random.below(work.routes.count)
            var pool = work.routes[removedIndex].requests(data: data)
            work.routes.remove(at: removedIndex)
            for request in penalty.indices { penalty[request] = 1 }

            while let request = pool.popLast() {
                budget.tick()
                if budget.progress() >= share { return }
                if insertCheapest(request, into: &work) { continue }
                penalty[request] += 1
                if !ejectAndInsert(request, into: &work, pool: &pool, penalty: penalty, maxEjections: maxEjections) {
                    // No route can take it even after ejections; retry it last.
                    pool.insert(request, at: 0)
                }
                perturb(&work, moves: perturbationMoves)
            }
            solution = work
        }
    }

    /// Cheapest feasible insertion over all routes; returns false when none exists.
    func insertCheapest(_ request: Int, into solution: inout Solution) -> Bool {
        var bestMove: InsertionMove?
        var bestRoute = -1
        for index in solution.routes.indices {
            if let move = solution.routes[index].bestInsertion(of: request, data: data,
                                                                bound: bestMove?.cost ?? .infinity) {
                bestMove = move
                bestRoute = index
            }
        }
        guard let move = bestMove else { return false }
        solution.routes[bestRoute].insert(request: request, move: move, data: data)
        return true
    }

    /// Step 2: the minimum-penalty ejection of up to `maxEjections` requests from one route
    /// that makes room for `request`. Single ejections are scanned over all routes first
    /// so that their penalty sum prunes the (quadratic) pair scan.
    private func ejectAndInsert(_ request: Int, into solution: inout Solution, pool: inout [Int],
                                penalty: [Int], maxEjections: Int) -> Bool {
        var bestPenalty = Int.max
        var bestCost = Double.infinity
        var bestRoute = -1
        var bestEjected = (-1, -1)
        let members = solution.routes.map { $0.requests(data: data) }

        for (index, routeMembers) in members.enumerated() {
            for first in routeMembers where penalty[first] <= bestPenalty {
                scratchRoute.assign(solution.routes[index], excluding: first, -1, data: data)
                guard let move = scratchRoute.bestInsertion(of: request, data: data) else { continue }
                if penalty[first] < bestPenalty || move.cost < bestCost {
                    (bestPenalty, bestCost, bestRoute, bestEjected) = (penalty[first], move.cost, index, (first, -1))
                }
            }
        }
        if maxEjections >= 2 {
            for (index, routeMembers) in members.enumerated() where routeMembers.count >= 2 {
                for firstSlot in 0..<(routeMembers.count - 1) {
                    let first = routeMembers[firstSlot]
                    if penalty[first] + 1 >= bestPenalty { continue }
                    for secondSlot in (firstSlot + 1)..<routeMembers.count {
                        let second = routeMembers[secondSlot]
                        let sum = penalty[first] + penalty[second]
                        if sum >= bestPenalty { continue }
                        scratchRoute.assign(solution.routes[index], excluding: first, second, data: data)
                        guard let move = scratchRoute.bestInsertion(of: request, data: data) else { continue }
                        (bestPenalty, bestCost, bestRoute, bestEjected) = (sum, move.cost, index, (first, second))
                    }
                }
            }
        }
        guard bestRoute >= 0 else { return false }

        scratchRoute.assign(solution.routes[bestRoute], excluding: bestEjected.0, bestEjected.1, data: data)
        guard let move = scratchRoute.bestInsertion(of: request, data: data) else { return false }
        scratchRoute.insert(request: request, move: move, data: data)
        solution.routes[bestRoute] = scratchRoute
        pool.append(bestEjected.0)
        if bestEjected.1 >= 0 { pool.append(bestEjected.1) }
        return true
    }

    /// Step 3: random feasible moves regardless of cost. A relocate moves one request to
    /// another route; an exchange swaps two requests between routes. A route emptied by a
    /// relocate is dropped, which is a free vehicle reduction.
    func perturb(_ solution: inout Solution, moves: Int) {
        for _ in 0..<moves {
            let routeCount = solution.routes.count
            guard routeCount >= 2 else { return }
            let from = random.below(routeCount)
            var to = random.below(routeCount - 1)
            if to >= from { to += 1 }
            let moving = solution.routes[from].randomRequest(using: self)
            if random.below(2) == 0 {
                guard let move = solution.routes[to].bestInsertion(of: moving, data: data) else { continue }
                solution.routes[to].insert(request: moving, move: move, data: data)
                solution.routes[from].removeRequest(moving, data: data)
                if solution.routes[from].isEmpty { solution.routes.remove(at: from) }
            } else {
                let partner = solution.routes[to].randomRequest(using: self)
                var newFrom = solution.routes[from]
                newFrom.removeRequest(moving, data: data)
                guard let intoFrom = newFrom.bestInsertion(of: partner, data: data) else { continue }
                var newTo = solution.routes[to]
                newTo.removeRequest(partner, data: data)
                guard let intoTo = newTo.bestInsertion(of: moving, data: data) else { continue }
                newFrom.insert(request: partner, move: intoFrom, data: data)
                newTo.insert(request: moving, move: intoTo, data: data)
                solution.routes[from] = newFrom
                solution.routes[to] = newTo
            }
        }
    }
}
