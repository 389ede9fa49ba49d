import ArgumentParser
import Foundation
import Routing

struct Routes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a fleet's routes: pickup and delivery with time windows and capacity.",
        subcommands: [RoutesSolve.self])
}

struct RoutesSolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve an instance within a time budget: fewest vehicles, then least distance.",
        discussion: """
            FILE is a Li & Lim instance (the text format of the benchmark; GeoData/vrp/lilim100 holds the 56
            instances of 100 customers) or a JSON instance of our own (.json): {"name", "capacity", "vehicles",
            "depot": {"x", "y", "earliest", "latest"}, "requests": [{"pickup": {"x", "y", "earliest", "latest",
            "service"}, "delivery": {…}, "demand"}]}. Distances are Euclidean and travel time equals distance.
            The plan is checked by an independent checker before it is printed; when a bks.csv sits beside the
            file (instance,vehicles,distance), the gap to the best known solution is shown.
            """)

    @Argument(help: "The instance file.") var file: String
    @Option(help: "Seconds of search.") var timeLimit: Double = 1
    @Option(help: "The random seed.") var seed: UInt64 = 1
    @Flag(help: "Print JSON (vehicles and distance at the top level, then the routes).") var json = false

    func validate() throws {
        guard timeLimit > 0, timeLimit <= 3600 else { throw ValidationError("--time-limit must be above 0 and at most 3600 seconds") }
    }

    func run() async throws {
        let instance: PDPTWInstance
        do {
            instance = try PDPTWInstance.load(path: file)
        } catch {
            FileHandle.standardError.write(Data("error: \(file): \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let result = PDPTWSolver().solve(instance, timeLimit: timeLimit, seed: seed)
        let violations = PlanChecker.check(result.plan, instance: instance)
        let known = Self.bestKnown(beside: file, name: instance.name)
        if json {
            var object: [String: Any] = [
                "instance": instance.name, "vehicles": result.vehicles, "distance": result.distance,
                "feasible": violations.isEmpty, "violations": violations.map(\.description),
                "seconds": result.elapsedSeconds, "iterations": result.iterations, "seed": seed,
                "routes": result.plan.routes, "unserved_requests": result.unservedRequests.map { [$0.pickup, $0.delivery] },
            ]
            if let known {
                object["best_known"] = ["vehicles": known.vehicles, "distance": known.distance]
                object["distance_gap_percent"] = known.distanceGapPercent(result.distance)
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(instance.name): \(result.vehicles) vehicles, distance \(String(format: "%.2f", result.distance))"
                  + " in \(String(format: "%.2f", result.elapsedSeconds)) s (\(result.iterations) iterations)")
            if let known {
                let gap = known.distanceGapPercent(result.distance)
                print("best known: \(known.vehicles) vehicles, distance \(String(format: "%.2f", known.distance));"
                      + " gap \(result.vehicles - known.vehicles) vehicles, \(String(format: "%.2f", abs(gap) < 0.005 ? 0 : gap)) %")
            }
            print(violations.isEmpty ? "checker: feasible" : "checker: \(violations.count) violation(s)")
            for (i, route) in result.plan.routes.enumerated() {
                print("route \(i + 1): 0 " + route.map(String.init).joined(separator: " ") + " 0")
            }
            if !result.unservedRequests.isEmpty {
                print("unserved (no vehicle can serve them even alone): "
                      + result.unservedRequests.map { "\($0.pickup)→\($0.delivery)" }.joined(separator: ", "))
            }
        }
        if !violations.isEmpty {
            for v in violations { FileHandle.standardError.write(Data("violation: \(v.description)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    /// The best known solution from a `bks.csv` in the instance's folder.
    static func bestKnown(beside file: String, name: String) -> BestKnown? {
        BestKnown.read(URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("bks.csv"))?
            .first { $0.name == name }
    }
}
