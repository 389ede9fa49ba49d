/// A sparse assignment problem: rows (deliveries) to columns (rider slots), each row to at most
/// one column and each column to at most one row, over the candidate edges only. A row may stay
/// unassigned at its own cost, so a solution always exists; the solver minimises the total.
public struct AssignmentProblem: Sendable {
    public let rowCount: Int
    public let columnCount: Int
    /// Edges by row (compressed): the columns of row r are `columns[rowStart[r]..<rowStart[r + 1]]`.
    let rowStart: [Int]
    let columns: [Int32]
    let costs: [Double]
    /// What leaving each row unassigned costs.
    public let unassignedCost: [Double]

    public struct Edge: Hashable, Sendable {
        public var row: Int
        public var column: Int
        public var cost: Double
        public init(row: Int, column: Int, cost: Double) { self.row = row; self.column = column; self.cost = cost }
    }

    public enum Failure: Error, Hashable, Sendable {
        /// An edge names a row or column out of range, or repeats a (row, column) pair.
        case badEdge(index: Int, reason: String)
        /// A cost is negative, infinite or not a number.
        case badCost(String)
    }

    /// Checks and packs the edges. Costs must be finite and not negative.
    public init(rows: Int, columns columnCount: Int, edges: [Edge], unassignedCost: [Double]) throws(Failure) {
        guard unassignedCost.count == rows else { throw .badCost("one unassigned cost per row is needed (\(unassignedCost.count) for \(rows) rows)") }
        for (r, c) in unassignedCost.enumerated() where !(c.isFinite && c >= 0) {
            throw .badCost("the unassigned cost of row \(r) is \(c)")
        }
        var counts = [Int](repeating: 0, count: rows + 1)
        for (i, e) in edges.enumerated() {
            guard (0..<rows).contains(e.row), (0..<columnCount).contains(e.column) else {
                throw .badEdge(index: i, reason: "row \(e.row) or column \(e.column) is out of range")
            }
            guard e.cost.isFinite, e.cost >= 0 else { throw .badCost("edge \(i) costs \(e.cost)") }
            counts[e.row + 1] += 1
        }
        for r in 0..<rows { counts[r + 1] += counts[r] }
        var next = counts
        var packedColumns = [Int32](repeating: 0, count: edges.count), packedCosts = [Double](repeating: 0, count: edges.count)
        for e in edges {
            packedColumns[next[e.row]] = Int32(e.column); packedCosts[next[e.row]] = e.cost
            next[e.row] += 1
        }
        for r in 0..<rows {
            var seen = Set<Int32>()
            for k in counts[r]..<counts[r + 1] where !seen.insert(packedColumns[k]).inserted {
                throw .badEdge(index: k, reason: "row \(r) has two edges to column \(packedColumns[k])")
            }
        }
        rowCount = rows; self.columnCount = columnCount
        rowStart = counts; self.columns = packedColumns; costs = packedCosts
        self.unassignedCost = unassignedCost
    }

    public var edgeCount: Int { columns.count }
}

/// A solution: the column of each row (nil when unassigned) and the total cost.
public struct AssignmentSolution: Hashable, Sendable {
    public var columnOfRow: [Int?]
    public var cost: Double
    public var assignedCount: Int { columnOfRow.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

/// The optimal assignment by shortest augmenting paths (Jonker–Volgenant's scheme in Crouse's
/// form, as in SciPy's `linear_sum_assignment`), made sparse: each row's augmenting path is a
/// Dijkstra search over reduced costs with a binary heap, touching only the columns it reaches,
/// and each row has a private "unassigned" column at its unassigned cost. Dual potentials keep
/// reduced costs non-negative between rows, so every search is a plain Dijkstra; the result is
/// optimal (a minimum-cost matching of every row into its edges or its own unassigned column).
public enum AssignmentSolver {
    /// How the next column of a search is chosen.
    enum Selection { case automatic, heap, scan }

    public static func solve(_ p: AssignmentProblem) -> AssignmentSolution { solve(p, selection: .automatic) }

    /// With most pairs present (a dense matrix), a linear scan of the tentative distances picks
    /// the next column faster than a heap would (no log factor, no stale entries), as SciPy's
    /// solver does; on sparse candidate graphs the heap touches far fewer columns.
    static func solve(_ p: AssignmentProblem, selection: Selection) -> AssignmentSolution {
        let scan = selection == .scan || selection == .automatic && p.edgeCount * 4 >= p.rowCount * p.columnCount * 3
        let rows = p.rowCount, realColumns = p.columnCount
        let columnTotal = realColumns + rows      // row r's unassigned column is realColumns + r
        var u = [Double](repeating: 0, count: rows)
        var v = [Double](repeating: 0, count: columnTotal)
        var rowOfColumn = [Int32](repeating: -1, count: columnTotal)
        var columnOfRow = [Int32](repeating: -1, count: rows)
        var dist = [Double](repeating: .infinity, count: columnTotal)
        var pathRow = [Int32](repeating: -1, count: columnTotal)
        var finalized = [Bool](repeating: false, count: columnTotal)
        var touched: [Int32] = []
        var scannedColumns: [Int32] = []
        var scannedRows: [Int32] = []
        var heap = DistanceHeap()

        // Row reduction: each row's dual is its cheapest option, and a row whose cheapest column
        // is still free takes it. Reduced costs stay non-negative and matched edges tight, so the
        // augmenting searches below only run for the rows left over.
        for r in 0..<rows {
            var best = p.unassignedCost[r], bestColumn = Int32(realColumns + r)
            for k in p.rowStart[r]..<p.rowStart[r + 1] where p.costs[k] < best || p.costs[k] == best && Int(bestColumn) >= realColumns {
                best = p.costs[k]; bestColumn = p.columns[k]
            }
            u[r] = best
            if rowOfColumn[Int(bestColumn)] < 0 {
                rowOfColumn[Int(bestColumn)] = Int32(r)
                columnOfRow[r] = bestColumn
            }
        }

        for start in 0..<rows where columnOfRow[start] < 0 {
            // Dijkstra from `start` until a free column is finalized.
            var row = start
            var minimum = 0.0
            var sink: Int32 = -1
            while true {
                scannedRows.append(Int32(row))
                func relax(_ column: Int32, _ cost: Double) {
                    let c = Int(column)
                    if finalized[c] { return }
                    let d = minimum + cost - u[row] - v[c]
                    if d < dist[c] {
                        if dist[c] == .infinity { touched.append(column) }
                        dist[c] = d
                        pathRow[c] = Int32(row)
                        if !scan { heap.push(d, column, free: rowOfColumn[c] < 0) }
                    }
                }
                for k in p.rowStart[row]..<p.rowStart[row + 1] { relax(p.columns[k], p.costs[k]) }
                relax(Int32(realColumns + row), p.unassignedCost[row])
                // The nearest column not yet finalized, free columns first among equals (stale
                // heap entries skipped).
                var next: Int32 = -1
                if scan {
                    var best = Double.infinity, bestFree = false
                    for column in touched {
                        let c = Int(column)
                        guard !finalized[c] else { continue }
                        let d = dist[c], isFree = rowOfColumn[c] < 0
                        if d < best || d == best && isFree && !bestFree { best = d; bestFree = isFree; next = column }
                    }
                } else {
                    while let (d, column) = heap.pop() {
                        if finalized[Int(column)] || d > dist[Int(column)] { continue }
                        next = column
                        break
                    }
                }
                // The row's own unassigned column is always reachable, so the heap never runs dry first.
                let j = Int(next)
                finalized[j] = true
                scannedColumns.append(next)
                minimum = dist[j]
                if rowOfColumn[j] < 0 { sink = next; break }
                row = Int(rowOfColumn[j])
            }
            // Update the duals so reduced costs stay non-negative, then augment along the path.
            u[start] += minimum
            for r in scannedRows where Int(r) != start { u[Int(r)] += minimum - dist[Int(columnOfRow[Int(r)])] }
            for c in scannedColumns where c != sink { v[Int(c)] -= minimum - dist[Int(c)] }
            var j = sink
            while true {
                let i = pathRow[Int(j)]
                rowOfColumn[Int(j)] = i
                let previous = columnOfRow[Int(i)]
                columnOfRow[Int(i)] = j
                if Int(i) == start { break }
                j = previous
            }
            for c in touched { dist[Int(c)] = .infinity; finalized[Int(c)] = false; pathRow[Int(c)] = -1 }
            touched.removeAll(keepingCapacity: true)
            scannedColumns.removeAll(keepingCapacity: true)
            scannedRows.removeAll(keepingCapacity: true)
            heap.removeAll()
        }

        var total = 0.0
        var result = [Int?](repeating: nil, count: rows)
        for r in 0..<rows {
            let c = Int(columnOfRow[r])
            if c >= realColumns {
                total += p.unassignedCost[r]
            } else {
                result[r] = c
                for k in p.rowStart[r]..<p.rowStart[r + 1] where Int(p.columns[k]) == c { total += p.costs[k] }
            }
        }
        return AssignmentSolution(columnOfRow: result, cost: total)
    }
}

/// A binary min-heap of (distance, column), free columns first among equal distances.
struct DistanceHeap {
    private var keys: [Double] = []
    private var free: [Bool] = []
    private var items: [Int32] = []

    mutating func removeAll() { keys.removeAll(keepingCapacity: true); free.removeAll(keepingCapacity: true); items.removeAll(keepingCapacity: true) }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool { keys[a] < keys[b] || keys[a] == keys[b] && free[a] && !free[b] }

    private mutating func swapAt(_ a: Int, _ b: Int) { keys.swapAt(a, b); free.swapAt(a, b); items.swapAt(a, b) }

    mutating func push(_ key: Double, _ item: Int32, free isFree: Bool) {
        keys.append(key); free.append(isFree); items.append(item)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            swapAt(i, parent); i = parent
        }
    }

    mutating func pop() -> (Double, Int32)? {
        guard !keys.isEmpty else { return nil }
        let top = (keys[0], items[0])
        let last = keys.count - 1
        swapAt(0, last)
        keys.removeLast(); free.removeLast(); items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < keys.count, less(l, m) { m = l }
            if r < keys.count, less(r, m) { m = r }
            if m == i { break }
            swapAt(i, m); i = m
        }
        return top
    }
}
