import Foundation

/// Distance-improvement phase: Adaptive Large Neighbourhood Search (Ropke & Pisinger 2006).
///
/// Each iteration removes q requests with a destroy operator, reinserts them
/// with a repair operator (greedy or regret-k, with or without noise), and
/// accepts the result by simulated annealing on distance plus a penalty per
/// unassigned request (the request bank of the paper). Operators are drawn by
/// roulette on weights that adapt every segment to how often they produced new
/// bests, improvements or accepted moves. Repairs may reopen routes only up to
/// the best solution's vehicle count, so the fleet never grows past the best;
/// a complete solution with fewer vehicles is always a new best.
extension SearchContext {
    /// Tunables of the search. Operator scores, reaction and removal exponents follow the
    /// paper; the start temperature is hotter (10 % instead of 5 %) because with a one-second
    /// budget escaping the construction's basin matters more than late fine-tuning.
    struct ALNSParameters {
        var minRemoved = 4
        /// Upper bound on removed requests as a fraction of all requests.
        var maxRemovedFraction = 0.4
        var maxRemovedCap = 40
        /// A solution this much worse than the start is accepted with probability 1/2 at the start.
        var startWorsening = 0.1
        /// Final temperature as a fraction of the initial one.
        var finalTemperatureRatio = 0.002
        var segmentLength = 100
        var reaction = 0.1
        var scoreNewBest = 33.0
        var scoreImproved = 9.0
        var scoreAccepted = 13.0
        /// Regret degree of each repair operator (1 is greedy).
        var regretDegrees = [1, 2, 3, 4]
        /// Cost of leaving a request unassigned, in units of the largest distance. Letting the
        /// current solution pass through incomplete states lets the search cross between
        /// feasible regions that a fixed fleet keeps apart.
        var unassignedPenaltyFactor = 1.0
    }

    /// Distance plus the penalty for unassigned requests: the annealing objective.
    private func penalizedCost(_ solution: Solution, penalty: Double) -> Double {
        solution.distance + penalty * Double(solution.unassigned.count)
    }

    /// Adaptive weights of one family of operators.
    private struct OperatorWeights {
        var weights: [Double]
        var scores: [Double]
        var uses: [Int]

        init(count: Int) {
            weights = [Double](repeating: 1, count: count)
            scores = [Double](repeating: 0, count: count)
            uses = [Int](repeating: 0, count: count)
        }

        mutating func reward(_ index: Int, _ score: Double) {
            scores[index] += score
            uses[index] += 1
        }

        /// End of segment: blend each weight towards its average score per use.
        mutating func adapt(reaction: Double) {
            for index in weights.indices where uses[index] > 0 {
                weights[index] = max(0.05, weights[index] * (1 - reaction)
                                     + reaction * scores[index] / Double(uses[index]))
                scores[index] = 0
                uses[index] = 0
            }
        }
    }

    /// Runs ALNS from `start` until the budget is spent and returns the best solution seen.
    func improve(_ start: Solution, budget: inout SearchBudget, parameters: ALNSParameters = .init()) -> Solution {
        let requestCount = servableRequests.count
        guard requestCount > 0, !start.routes.isEmpty else { return start }
        var current = start
        var best = start
        var destroyWeights = OperatorWeights(count: RemovalOperator.allCases.count)
        var repairWeights = OperatorWeights(count: parameters.regretDegrees.count)
        var noiseWeights = OperatorWeights(count: 2)
        // Small instances need small removals too: always removing every request would
        // leave only the repair's own choices and no real neighbourhood.
        let minRemoved = min(parameters.minRemoved, max(1, requestCount / 4))
        let maxRemoved = min(requestCount, max(minRemoved, 2, min(parameters.maxRemovedCap,
                                               Int(parameters.maxRemovedFraction * Double(requestCount)))))
        let startProgress = budget.progress()
        let initialTemperature = max(1e-9, parameters.startWorsening * start.distance / log(2))
        var temperature = initialTemperature
        var iterationInSegment = 0
        let unassignedPenalty = parameters.unassignedPenaltyFactor * data.maxDistance
        var currentCost = penalizedCost(current, penalty: unassignedPenalty)

        while true {
            let progress = budget.progress()
            if progress >= 1 { break }
            let phase = (progress - startProgress) / max(1e-9, 1 - startProgress)
            temperature = initialTemperature * pow(parameters.finalTemperatureRatio, phase)
            budget.tick()

            let destroyIndex = roulette(destroyWeights.weights)
            let repairIndex = roulette(repairWeights.weights)
            let noiseIndex = roulette(noiseWeights.weights)
            var candidate = current
            let count = randomInt(in: minRemoved...maxRemoved)
            let removed = selectRequests(RemovalOperator(rawValue: destroyIndex) ?? .random, count: count, from: candidate)
            candidate.remove(requests: removed, data: data, scratchFlags: &requestFlags)
            repair(&candidate, regretDegree: parameters.regretDegrees[repairIndex], noise: noiseIndex == 1,
                   maxRoutes: best.vehicles)

            var score = 0.0
            let candidateCost = penalizedCost(candidate, penalty: unassignedPenalty)
            if candidate.isComplete && candidate.isBetter(than: best) {
                best = candidate
                current = candidate
                currentCost = candidateCost
                score = parameters.scoreNewBest
            } else if candidateCost < currentCost {
                current = candidate
                currentCost = candidateCost
                score = parameters.scoreImproved
            } else if random.unit() < exp((currentCost - candidateCost) / temperature) {
                current = candidate
                currentCost = candidateCost
                score = parameters.scoreAccepted
            }
            destroyWeights.reward(destroyIndex, score)
            repairWeights.reward(repairIndex, score)
            noiseWeights.reward(noiseIndex, score)

            iterationInSegment += 1
            if iterationInSegment == parameters.segmentLength {
                iterationInSegment = 0
                destroyWeights.adapt(reaction: parameters.reaction)
                repairWeights.adapt(reaction: parameters.reaction)
                noiseWeights.adapt(reaction: parameters.reaction)
            }
        }
        return best
    }
}
