import TestRandom
import Testing
@testable import Dispatching

@Suite("Sparse assignment")
struct AssignmentTests {
    /// The optimum by trying every assignment.
    static func bruteForce(rows: Int, edges: [AssignmentProblem.Edge], unassigned: [Double]) -> Double {
        var byRow = [[(Int, Double)]](repeating: [], count: rows)
        for e in edges { byRow[e.row].append((e.column, e.cost)) }
        var used = Set<Int>()
        func best(_ r: Int) -> Double {
            guard r < rows else { return 0 }
            var top = unassigned[r] + best(r + 1)
            for (c, cost) in byRow[r] where !used.contains(c) {
                used.insert(c)
                top = min(top, cost + best(r + 1))
                used.remove(c)
            }
            return top
        }
        return best(0)
    }

    static func randomProblem(_ rng: inout SeededRandom, rows: Int, columns: Int, density: Int) -> (edges: [AssignmentProblem.Edge], unassigned: [Double]) {
        var edges: [AssignmentProblem.Edge] = []
        for r in 0..<rows {
            for c in 0..<columns where Int.random(in: 0..<100, using: &rng) < density {
                // Small integers make ties common, which is where solvers go wrong.
                edges.append(.init(row: r, column: c, cost: Double(Int.random(in: 0...9, using: &rng))))
            }
        }
        let unassigned = (0..<rows).map { _ in Double(Int.random(in: 3...20, using: &rng)) }
        return (edges, unassigned)
    }

    @Test("the optimum equals brute force on 2,000 small random instances")
    func matchesBruteForce() throws {
        var rng = SeededRandom(seed: 4)
        for round in 0..<2_000 {
            let rows = Int.random(in: 1...7, using: &rng), columns = Int.random(in: 1...7, using: &rng)
            let (edges, unassigned) = Self.randomProblem(&rng, rows: rows, columns: columns, density: Int.random(in: 20...100, using: &rng))
            let problem = try AssignmentProblem(rows: rows, columns: columns, edges: edges, unassignedCost: unassigned)
            let solution = AssignmentSolver.solve(problem)
            let optimum = Self.bruteForce(rows: rows, edges: edges, unassigned: unassigned)
            #expect(abs(solution.cost - optimum) < 1e-9, "round \(round)")
            // Both ways of choosing the next column (heap, array scan) reach the optimum.
            for selection in [AssignmentSolver.Selection.heap, .scan] {
                #expect(abs(AssignmentSolver.solve(problem, selection: selection).cost - optimum) < 1e-9, "round \(round) \(selection)")
            }
            // The solution is an assignment over the edges, and its cost is what it says.
            let assigned = solution.columnOfRow.compactMap { $0 }
            #expect(Set(assigned).count == assigned.count, "no column twice")
            var total = 0.0
            for (r, c) in solution.columnOfRow.enumerated() {
                if let c {
                    let edge = edges.first { $0.row == r && $0.column == c }
                    #expect(edge != nil, "row \(r) uses an edge it has")
                    total += edge?.cost ?? 0
                } else {
                    total += unassigned[r]
                }
            }
            #expect(abs(total - solution.cost) < 1e-9)
        }
    }

    @Test("rows without edges stay unassigned; bad input is refused")
    func edgeCases() throws {
        let lonely = try AssignmentProblem(rows: 2, columns: 1, edges: [.init(row: 0, column: 0, cost: 4)], unassignedCost: [10, 7])
        let solution = AssignmentSolver.solve(lonely)
        #expect(solution.columnOfRow == [0, nil] && solution.cost == 11)
        #expect(throws: AssignmentProblem.Failure.self) {
            try AssignmentProblem(rows: 1, columns: 1, edges: [.init(row: 0, column: 1, cost: 1)], unassignedCost: [1])
        }
        #expect(throws: AssignmentProblem.Failure.self) {
            try AssignmentProblem(rows: 1, columns: 1, edges: [.init(row: 0, column: 0, cost: -1)], unassignedCost: [1])
        }
        #expect(throws: AssignmentProblem.Failure.self) {
            try AssignmentProblem(rows: 1, columns: 2, edges: [.init(row: 0, column: 1, cost: 1), .init(row: 0, column: 1, cost: 2)], unassignedCost: [1])
        }
        #expect(throws: AssignmentProblem.Failure.self) { try AssignmentProblem(rows: 1, columns: 1, edges: [], unassignedCost: [.nan]) }
        let empty = try AssignmentProblem(rows: 0, columns: 3, edges: [], unassignedCost: [])
        #expect(AssignmentSolver.solve(empty).cost == 0)
    }
}
