import Dispatching
import StoreImport

/// The assignment benchmarks' instances, seeded and deterministic: orders and riders scattered
/// over a 20 km square, the cost of a pair the distance in metres (a stand-in for an ETA), an
/// order left unassigned 30 km. Dense (every pair) when `nearest` is nil, else each order's
/// `nearest` closest riders.
public enum SyntheticAssignment {
    public static func make(orders: Int, riders: Int, nearest: Int?, seed: UInt64) -> AssignmentProblem {
        try! AssignmentProblem(rows: orders, columns: riders, edges: edges(orders: orders, riders: riders, nearest: nearest, seed: seed),
                               unassignedCost: Array(repeating: 30_000, count: orders))
    }

    /// The instance's pairs, order by order (columns in order when dense).
    public static func edges(orders: Int, riders: Int, nearest: Int?, seed: UInt64) -> [AssignmentProblem.Edge] {
        var rng = SplitMix64(seed: seed)
        let o = (0..<orders).map { _ in (Double.random(in: 0..<20_000, using: &rng), Double.random(in: 0..<20_000, using: &rng)) }
        let r = (0..<riders).map { _ in (Double.random(in: 0..<20_000, using: &rng), Double.random(in: 0..<20_000, using: &rng)) }
        func distance(_ i: Int, _ j: Int) -> Double {
            ((o[i].0 - r[j].0) * (o[i].0 - r[j].0) + (o[i].1 - r[j].1) * (o[i].1 - r[j].1)).squareRoot()
        }
        var edges: [AssignmentProblem.Edge] = []
        edges.reserveCapacity(orders * (nearest ?? riders))
        if let k = nearest {
            // Riders bucketed in a 500 m grid, so the k nearest of each order are found without a full scan.
            let cell = 500.0, side = 40
            var grid = [[Int]](repeating: [], count: side * side)
            for (j, p) in r.enumerated() { grid[min(side - 1, Int(p.1 / cell)) * side + min(side - 1, Int(p.0 / cell))].append(j) }
            for (i, p) in o.enumerated() {
                var found: [(Double, Int)] = []
                var ring = 0
                let cx = Int(p.0 / cell), cy = Int(p.1 / cell)
                while found.count < k * 2, ring < side {
                    for y in max(0, cy - ring)...min(side - 1, cy + ring) {
                        for x in max(0, cx - ring)...min(side - 1, cx + ring) where max(abs(x - cx), abs(y - cy)) == ring {
                            for j in grid[y * side + x] { found.append((distance(i, j), j)) }
                        }
                    }
                    ring += 1
                }
                for (d, j) in found.sorted(by: { $0.0 < $1.0 }).prefix(k) { edges.append(.init(row: i, column: j, cost: d)) }
            }
        } else {
            for i in 0..<orders { for j in 0..<riders { edges.append(.init(row: i, column: j, cost: distance(i, j))) } }
        }
        return edges
    }
}
