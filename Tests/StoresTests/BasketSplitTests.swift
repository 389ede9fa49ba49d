import TestRandom
import Testing
@testable import Stores

/// The split solver against brute force: every combination of up to N candidates.
@Suite("Basket split")
struct BasketSplitTests {
    typealias Seeded = SeededRandom

    /// The best cover by exhaustive search, or nil.
    static func bruteForce(_ candidates: [BasketSplitter.Candidate], target: UInt64, maxStores: Int) -> BasketSplitter.Cost? {
        var best: BasketSplitter.Cost?
        func visit(_ start: Int, _ chosen: [Int], _ mask: UInt64) {
            if !chosen.isEmpty, mask & target == target {
                let cost = BasketSplitter.cost(candidates, chosen)
                if best == nil || cost < best! { best = cost }
            }
            guard chosen.count < maxStores else { return }
            for i in start..<candidates.count { visit(i + 1, chosen + [i], mask | candidates[i].mask) }
        }
        visit(0, [], 0)
        return best
    }

    static func randomInstance(_ rng: inout Seeded, items: Int, stores: Int) -> [BasketSplitter.Candidate] {
        (0..<stores).map { _ in
            var mask: UInt64 = 0
            for i in 0..<items where Int.random(in: 0..<100, using: &rng) < 35 { mask |= 1 << UInt64(i) }
            // Few distinct fees and rounded distances, so ties are common.
            return BasketSplitter.Candidate(mask: mask, fee: [0, 150, 199, 299][Int.random(in: 0..<4, using: &rng)],
                                            distance: Double(Int.random(in: 1...40, using: &rng)) * 100)
        }
    }

    @Test("exact methods match brute force on 600 random instances")
    func exactMatchesBruteForce() {
        var rng = Seeded(seed: 20_261_125)
        var solved = 0, infeasible = 0
        for round in 0..<600 {
            let items = Int.random(in: 1...8, using: &rng)
            let stores = Int.random(in: 1...12, using: &rng)
            let candidates = Self.randomInstance(&rng, items: items, stores: stores)
            let target = candidates.reduce(0) { $0 | $1.mask }
            let maxStores = Int.random(in: 1...4, using: &rng)
            let expected = target == 0 ? nil : Self.bruteForce(candidates, target: target, maxStores: maxStores)
            let got = BasketSplitter.solve(candidates, target: target, maxStores: maxStores)
            #expect(got?.cost == expected, "round \(round)")
            if let got {
                #expect(got.method == .exactSubsets)
                #expect(got.chosen.reduce(0) { $0 | candidates[$1].mask } & target == target, "the chosen stores cover the basket")
                #expect(Set(got.chosen).count == got.chosen.count)
                solved += 1
            } else {
                infeasible += 1
            }
        }
        #expect(solved > 300 && infeasible > 20, "both outcomes are exercised (\(solved) solved, \(infeasible) not)")
    }

    @Test("enumeration is exact beyond the subset limit; greedy covers and is never better than exact")
    func largeBaskets() {
        var rng = Seeded(seed: 7)
        for round in 0..<60 {
            let items = Int.random(in: 13...20, using: &rng)
            let candidates = Self.randomInstance(&rng, items: items, stores: 14)
            let target = candidates.reduce(0) { $0 | $1.mask }
            let expected = Self.bruteForce(candidates, target: target, maxStores: 4)
            let got = BasketSplitter.solve(candidates, target: target, maxStores: 4)
            #expect(got?.cost == expected, "round \(round)")
            if let got { #expect(got.method != .greedy) }
            let reduced = BasketSplitter.reduce(candidates, target: target)
            if let greedy = BasketSplitter.greedy(candidates, reduced, target: target, maxStores: 10) {
                #expect(greedy.chosen.reduce(0) { $0 | candidates[$1].mask } & target == target)
                if let expected { #expect(greedy.cost >= expected || greedy.cost.stores > 4) }
            }
        }
    }

    @Test("the greedy method runs when the combinations exceed the budget, and says so")
    func greedyBeyondBudget() {
        var rng = Seeded(seed: 99)
        let candidates = Self.randomInstance(&rng, items: 30, stores: 400)
        let target = candidates.reduce(0) { $0 | $1.mask }
        let solution = BasketSplitter.solve(candidates, target: target, maxStores: 5)
        #expect(solution?.method == .greedy)
        #expect(solution != nil)
        if let solution {
            #expect(solution.chosen.count <= 5)
            #expect(solution.chosen.reduce(0) { $0 | candidates[$1].mask } & target == target)
        }
    }

    @Test("when the greedy cover needs more than N stores, a bounded search still finds a cover within N")
    func greedyOvershoot() {
        func mask(_ items: [Int]) -> UInt64 { items.reduce(0) { $0 | 1 << UInt64($1) } }
        var candidates = [
            BasketSplitter.Candidate(mask: mask(Array(0...6)), fee: 500, distance: 10),        // A
            BasketSplitter.Candidate(mask: mask(Array(7...13)), fee: 500, distance: 10),       // B
            BasketSplitter.Candidate(mask: mask([0, 1, 2, 3, 7, 8, 9, 10]), fee: 0, distance: 1),
            BasketSplitter.Candidate(mask: mask([4, 5, 11, 12]), fee: 0, distance: 1),
            BasketSplitter.Candidate(mask: mask([6, 13]), fee: 0, distance: 1),
        ]
        // 700 cheap four-item stores, none dominating another: enough that enumeration is over budget.
        var fillers = Set<UInt64>()
        var rng = Seeded(seed: 3)
        while fillers.count < 700 {
            var m: UInt64 = 0
            while m.nonzeroBitCount < 4 { m |= 1 << UInt64(Int.random(in: 0..<14, using: &rng)) }
            if m != mask([4, 5, 11, 12]) { fillers.insert(m) }
        }
        candidates += fillers.sorted().map { BasketSplitter.Candidate(mask: $0, fee: 0, distance: 1) }
        let target = mask(Array(0...13))
        #expect(BasketSplitter.combinations(BasketSplitter.reduce(candidates, target: target).count, upTo: 2) > BasketSplitter.enumerationBudget)
        let solution = BasketSplitter.solve(candidates, target: target, maxStores: 2)
        #expect(solution?.method == .greedy)
        #expect(solution?.chosen.count == 2)
        #expect(solution.map { $0.chosen.reduce(0) { $0 | candidates[$1].mask } & target == target } == true)
    }

    @Test("stock events fire when the state changes: out, low, restocked")
    func eventKinds() {
        #expect(StockEvent.kind(before: 10, after: 5, threshold: 5) == .lowStock)
        #expect(StockEvent.kind(before: 5, after: 3, threshold: 5) == nil)
        #expect(StockEvent.kind(before: 3, after: 0, threshold: 5) == .outOfStock)
        #expect(StockEvent.kind(before: 10, after: 0, threshold: 5) == .outOfStock)
        #expect(StockEvent.kind(before: 0, after: 2, threshold: 5) == .lowStock)
        #expect(StockEvent.kind(before: 0, after: 6, threshold: 5) == .restocked)
        #expect(StockEvent.kind(before: 4, after: 6, threshold: 5) == .restocked)
        #expect(StockEvent.kind(before: 6, after: 9, threshold: 5) == nil)
        #expect(StockEvent.kind(before: nil, after: 0, threshold: 5) == nil, "a new row raises nothing")
        #expect(StockEvent.kind(before: 1, after: 0, threshold: 0) == .outOfStock)
    }
}
