import Dispatching
import Foundation
import NationalData

/// The assignment benchmarks' instances for the peers, and o2o's solve of each (median of 5):
/// dense 1,000 × 2,000 (every pair; written as little-endian float64 rows) and sparse
/// 20,000 × 40,000 with each order's 20 nearest riders (written as int32 rows, int32 columns
/// and float64 costs). Every order is worth assigning (leaving one costs more than any pair).
/// Writes o2o-assignment.json.
func assignment(_ folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func write<T>(_ values: [T], _ name: String) throws {
        try values.withUnsafeBytes { Data($0) }.write(to: folder.appendingPathComponent(name))
    }
    func solve(_ problem: AssignmentProblem) -> (cost: Double, assigned: Int, medianMs: Double) {
        let clock = ContinuousClock()
        var times: [Double] = [], solution = AssignmentSolver.solve(problem)
        for _ in 0..<5 {
            let t0 = clock.now
            solution = AssignmentSolver.solve(problem)
            let t = clock.now - t0
            times.append(Double(t.components.seconds) * 1e3 + Double(t.components.attoseconds) * 1e-15)
        }
        return (solution.cost, solution.assignedCount, times.sorted()[2])
    }
    var result: [String: Any] = ["system": "o2o"]
    let denseEdges = SyntheticAssignment.edges(orders: 1_000, riders: 2_000, nearest: nil, seed: 1)
    // Edges come row by row, columns in order: the row-major matrix.
    try write(denseEdges.map(\.cost), "assignment-dense.f64")
    let d = solve(SyntheticAssignment.make(orders: 1_000, riders: 2_000, nearest: nil, seed: 1))
    result["dense"] = ["rows": 1_000, "columns": 2_000, "cost": d.cost, "assigned": d.assigned, "median_ms": d.medianMs]
    log(String(format: "o2o assignment, dense 1,000 × 2,000: cost %.3f, median %.1f ms", d.cost, d.medianMs))
    let sparseEdges = SyntheticAssignment.edges(orders: 20_000, riders: 40_000, nearest: 20, seed: 2)
    try write(sparseEdges.map { Int32($0.row) }, "assignment-sparse-rows.i32")
    try write(sparseEdges.map { Int32($0.column) }, "assignment-sparse-columns.i32")
    try write(sparseEdges.map(\.cost), "assignment-sparse.f64")
    let s = solve(SyntheticAssignment.make(orders: 20_000, riders: 40_000, nearest: 20, seed: 2))
    result["sparse"] = ["rows": 20_000, "columns": 40_000, "edges": sparseEdges.count, "cost": s.cost, "assigned": s.assigned,
                        "median_ms": s.medianMs]
    log(String(format: "o2o assignment, sparse 20,000 × 40,000 (%d edges): %d assigned, cost %.3f, median %.1f ms",
               sparseEdges.count, s.assigned, s.cost, s.medianMs))
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("o2o-assignment.json"))
}
