/// A working solution inside the solver: non-empty routes plus requests not yet placed.
///
/// Routes are value types, so copying a solution is cheap (copy-on-write) and
/// only the routes an operator touches get duplicated.
struct Solution {
    var routes: [Route] = []
    /// Requests currently not on any route (only transiently non-empty during search).
    var unassigned: [Int] = []

    var vehicles: Int { routes.count }

    var distance: Double {
        var total = 0.0
        for route in routes { total += route.distance }
        return total
    }

    var isComplete: Bool { unassigned.isEmpty }

    /// Lexicographic objective: fewer vehicles first, then shorter distance.
    func isBetter(than other: Solution) -> Bool {
        if vehicles != other.vehicles { return vehicles < other.vehicles }
        return distance < other.distance - 1e-9
    }

    /// Route index of every request (-1 when unassigned).
    func routeOfRequest(data: ProblemData) -> [Int] {
        var result = [Int](repeating: -1, count: data.requestCount)
        for (index, route) in routes.enumerated() {
            for position in 1..<(route.path.count - 1) {
                result[data.requestOfNode[route.path[position]]] = index
            }
        }
        return result
    }

    /// Takes the given requests off their routes, drops routes left empty,
    /// and appends the requests to `unassigned`.
    mutating func remove(requests: [Int], data: ProblemData, scratchFlags: inout [Bool]) {
        guard !requests.isEmpty else { return }
        for request in requests { scratchFlags[request] = true }
        let routeOf = routeOfRequest(data: data)
        var touched = [Bool](repeating: false, count: routes.count)
        for request in requests where routeOf[request] >= 0 {
            touched[routeOf[request]] = true
        }
        for index in routes.indices where touched[index] {
            routes[index].removeRequests(flaggedIn: scratchFlags, data: data)
        }
        routes.removeAll { $0.isEmpty }
        for request in requests { scratchFlags[request] = false }
        unassigned += requests
    }

    /// The public representation: node sequences without the depot.
    func nodeSequences() -> [[Int]] {
        routes.map { Array($0.path[1..<($0.path.count - 1)]) }
    }
}
