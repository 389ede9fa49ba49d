/// Chooses the stores a basket is split across when no one store has it all: the fewest
/// stores, then the lowest total fee, then the shortest total distance — a weighted set cover.
///
/// - Up to ``exactItemLimit`` coverable items: dynamic programming over subsets of items,
///   exact (`best[S] = min over stores s touching S of cost(s) + best[S minus s]`), 2^m × C steps.
/// - More items, when every combination of up to `maxStores` of the reduced candidates is at
///   most ``enumerationBudget``: all of them are tried, also exact.
/// - Beyond that: greedy set cover (most uncovered items, then fee, then distance), then the
///   cover is improved by dropping redundant stores and by single swaps while any swap lowers
///   the cost, at most ``improvementRounds`` rounds of N × C swaps. Not always optimal; the
///   answer says which method ran.
///
/// Before any of these, candidates are reduced without losing the optimum: of stores with
/// the same item set only the cheapest (fee, distance) is kept, and a store is dropped when
/// another covers a superset of its items at no higher (fee, distance).
public enum BasketSplitter {
    public static let exactItemLimit = 12
    public static let enumerationBudget = 200_000
    public static let improvementRounds = 3

    public enum Method: String, Hashable, Sendable {
        case exactSubsets = "exact-subsets"
        case exactEnumeration = "exact-enumeration"
        case greedy
    }

    /// A store that can supply some of the items: bit i of `mask` is item i.
    public struct Candidate: Hashable, Sendable {
        public var mask: UInt64
        public var fee: Int
        public var distance: Double
        public init(mask: UInt64, fee: Int, distance: Double) { self.mask = mask; self.fee = fee; self.distance = distance }
    }

    /// The order splits are ranked in.
    public struct Cost: Comparable, Hashable, Sendable {
        public var stores: Int
        public var fee: Int
        public var distance: Double
        public init(stores: Int, fee: Int, distance: Double) { self.stores = stores; self.fee = fee; self.distance = distance }
        public static let zero = Cost(stores: 0, fee: 0, distance: 0)
        public static func < (a: Cost, b: Cost) -> Bool {
            (a.stores, a.fee, a.distance) < (b.stores, b.fee, b.distance)
        }
        static func + (a: Cost, c: Candidate) -> Cost {
            Cost(stores: a.stores + 1, fee: a.fee + c.fee, distance: a.distance + c.distance)
        }
    }

    public struct Solution: Hashable, Sendable {
        /// Indices into the candidates given, nearest first.
        public var chosen: [Int]
        public var cost: Cost
        public var method: Method
    }

    /// The best cover of `target` by at most `maxStores` candidates; nil when there is none
    /// (or, for the greedy method, none was found).
    public static func solve(_ candidates: [Candidate], target: UInt64, maxStores: Int) -> Solution? {
        guard target != 0, maxStores > 0 else { return nil }
        let reduced = reduce(candidates, target: target)
        guard reduced.reduce(0, { $0 | candidates[$1].mask }) & target == target else { return nil }
        let m = target.nonzeroBitCount
        let solution: Solution?
        if m <= exactItemLimit {
            solution = subsets(candidates, reduced, target: target, maxStores: maxStores)
        } else if combinations(reduced.count, upTo: maxStores) <= enumerationBudget {
            solution = enumerate(candidates, reduced, target: target, maxStores: maxStores)
        } else {
            solution = greedy(candidates, reduced, target: target, maxStores: maxStores)
                ?? bounded(candidates, reduced, target: target, maxStores: maxStores)
        }
        return solution.map { s in
            var s = s
            s.chosen.sort { (candidates[$0].distance, $0) < (candidates[$1].distance, $1) }
            return s
        }
    }

    static func cost(_ candidates: [Candidate], _ chosen: [Int]) -> Cost {
        chosen.reduce(Cost.zero) { $0 + candidates[$1] }
    }

    static func better(_ a: Candidate, _ ai: Int, than b: Candidate, _ bi: Int) -> Bool {
        (a.fee, a.distance, ai) < (b.fee, b.distance, bi)
    }

    /// Indices of the candidates worth considering (see the type's notes).
    static func reduce(_ candidates: [Candidate], target: UInt64) -> [Int] {
        var bestByMask: [UInt64: Int] = [:]
        for (i, c) in candidates.enumerated() where c.mask & target != 0 {
            let mask = c.mask & target
            if let j = bestByMask[mask], !better(c, i, than: candidates[j], j) { continue }
            bestByMask[mask] = i
        }
        let kept = bestByMask.values.sorted()
        return kept.filter { i in
            let mi = candidates[i].mask & target
            return !kept.contains { j in
                guard j != i else { return false }
                let mj = candidates[j].mask & target
                return mj & mi == mi && mj != mi && (candidates[j].fee, candidates[j].distance) <= (candidates[i].fee, candidates[i].distance)
            }
        }
    }

    /// Exact, over subsets of the (compacted) item set.
    static func subsets(_ candidates: [Candidate], _ reduced: [Int], target: UInt64, maxStores: Int) -> Solution? {
        // Renumber the target's bits 0..<m.
        var bits: [UInt64] = []
        var t = target
        while t != 0 { bits.append(t & (~t &+ 1)); t &= t - 1 }
        let masks = reduced.map { i -> Int in
            var packed = 0
            for (k, bit) in bits.enumerated() where candidates[i].mask & bit != 0 { packed |= 1 << k }
            return packed
        }
        let full = (1 << bits.count) - 1
        var best = [Cost?](repeating: nil, count: full + 1)
        var choice = [Int](repeating: -1, count: full + 1)
        best[0] = .zero
        for set in 1...full {
            var top: Cost?
            for (r, mask) in masks.enumerated() where mask & set != 0 {
                guard let rest = best[set & ~mask] else { continue }
                let c = rest + candidates[reduced[r]]
                if top == nil || c < top! { top = c; choice[set] = r }
            }
            best[set] = top
        }
        guard let total = best[full], total.stores <= maxStores else { return nil }
        var chosen: [Int] = []
        var set = full
        while set != 0 {
            let r = choice[set]
            chosen.append(reduced[r])
            set &= ~masks[r]
        }
        return Solution(chosen: chosen, cost: total, method: .exactSubsets)
    }

    static func combinations(_ n: Int, upTo k: Int) -> Int {
        var total = 0, term = 1
        for i in 1...max(1, k) where i <= n {
            term = term * (n - i + 1) / i
            total += term
            if total > enumerationBudget { return total }
        }
        return total
    }

    /// Exact, trying every combination of up to `maxStores` candidates, fewest stores first.
    static func enumerate(_ candidates: [Candidate], _ reduced: [Int], target: UInt64, maxStores: Int) -> Solution? {
        combinations(candidates, reduced, target: target, maxStores: maxStores, budget: .max, method: .exactEnumeration)
    }

    /// When the greedy cover needs more than `maxStores`: a search of combinations of up to
    /// `maxStores` candidates, those covering the most items first, that stops after
    /// ``enumerationBudget`` combinations. The cheapest cover with the fewest stores it finds.
    static func bounded(_ candidates: [Candidate], _ reduced: [Int], target: UInt64, maxStores: Int) -> Solution? {
        let ordered = reduced.sorted {
            ((candidates[$1].mask & target).nonzeroBitCount, candidates[$0].fee) < ((candidates[$0].mask & target).nonzeroBitCount, candidates[$1].fee)
        }
        return combinations(candidates, ordered, target: target, maxStores: maxStores, budget: enumerationBudget, method: .greedy)
    }

    /// The cheapest cover among combinations of `order`'s candidates, for the fewest stores
    /// (1, then 2, … up to `maxStores`) that have one, looking at no more than `budget`
    /// combinations in all.
    static func combinations(_ candidates: [Candidate], _ order: [Int], target: UInt64, maxStores: Int,
                             budget: Int, method: Method) -> Solution? {
        var budget = budget
        for k in 1...maxStores where k <= order.count {
            var best: (Cost, [Int])?
            var picked: [Int] = []
            func visit(from start: Int, mask: UInt64) {
                guard budget > 0 else { return }
                if picked.count == k {
                    budget -= 1
                    guard mask & target == target else { return }
                    let c = cost(candidates, picked)
                    if best == nil || c < best!.0 { best = (c, picked) }
                    return
                }
                guard start < order.count else { return }
                for r in start..<order.count where budget > 0 {
                    picked.append(order[r])
                    visit(from: r + 1, mask: mask | candidates[order[r]].mask)
                    picked.removeLast()
                }
            }
            visit(from: 0, mask: 0)
            if let best { return Solution(chosen: best.1, cost: best.0, method: method) }
        }
        return nil
    }

    /// Greedy cover, then redundancy removal and single swaps.
    static func greedy(_ candidates: [Candidate], _ reduced: [Int], target: UInt64, maxStores: Int) -> Solution? {
        var chosen: [Int] = []
        var covered: UInt64 = 0
        while covered & target != target {
            var pick = -1, gain = 0
            for i in reduced where !chosen.contains(i) {
                let g = (candidates[i].mask & target & ~covered).nonzeroBitCount
                if g > gain || g == gain && g > 0 && pick >= 0 && better(candidates[i], i, than: candidates[pick], pick) {
                    pick = i; gain = g
                }
            }
            guard pick >= 0 else { return nil }
            chosen.append(pick)
            covered |= candidates[pick].mask
        }
        func covers(_ set: [Int]) -> Bool { set.reduce(0) { $0 | candidates[$1].mask } & target == target }
        var current = cost(candidates, chosen)
        for _ in 0..<improvementRounds {
            var improved = false
            // Drop stores the others already cover.
            for i in chosen.sorted(by: { better(candidates[$1], $1, than: candidates[$0], $0) }) {
                let rest = chosen.filter { $0 != i }
                if covers(rest) { chosen = rest; current = cost(candidates, chosen); improved = true }
            }
            // Swap one store for another when that lowers the cost.
            for slot in chosen.indices {
                for j in reduced where !chosen.contains(j) {
                    var trial = chosen
                    trial[slot] = j
                    guard covers(trial) else { continue }
                    let c = cost(candidates, trial)
                    if c < current { chosen = trial; current = c; improved = true }
                }
            }
            if !improved { break }
        }
        guard chosen.count <= maxStores else { return nil }
        return Solution(chosen: chosen, cost: current, method: .greedy)
    }
}
