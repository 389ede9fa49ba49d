import Foundation
import Routing

/// The route optimizer on every Li & Lim 100-customer instance at `seconds` each (seed 1, one
/// thread): vehicles, distance and the plan checker's verdict per instance, beside the best
/// known. Writes routing-o2o.json; VROOM solves the same files at the same budget.
func routing(_ folder: URL, instances: URL, seconds: Double) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    guard let known = BestKnown.read(instances.appendingPathComponent("bks.csv")) else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: instances.appendingPathComponent("bks.csv").path])
    }
    var rows: [[String: Any]] = []
    for bks in known.sorted(by: { $0.name < $1.name }) {
        let instance = try PDPTWInstance.load(path: instances.appendingPathComponent("\(bks.name).txt").path)
        let result = PDPTWSolver().solve(instance, timeLimit: seconds, seed: 1)
        let violations = PlanChecker.check(result.plan, instance: instance)
        rows.append(["instance": bks.name, "vehicles": result.vehicles, "distance": result.distance, "feasible": violations.isEmpty,
                     "bks_vehicles": bks.vehicles, "bks_distance": bks.distance])
        log(String(format: "o2o %@: %d vehicles (best known %d), %.2f (best known %.2f)%@", bks.name, result.vehicles, bks.vehicles,
                   result.distance, bks.distance, violations.isEmpty ? "" : ", INFEASIBLE"))
    }
    let result: [String: Any] = ["system": "o2o", "seconds": seconds, "threads": 1, "instances": rows]
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("routing-o2o.json"))
    if rows.contains(where: { $0["feasible"] as? Bool != true }) { exit(1) }
}
