import Testing
@testable import Routing

/// Exhaustive optimum of a tiny instance: every partition of the requests into
/// routes and every visiting order within a route (pickup before delivery).
/// Deliberately independent of the solver's scheduling code.
private struct BruteForce {
    let instance: PDPTWInstance

    /// Lexicographic optimum (vehicles, distance), or nil when no plan is feasible.
    func optimum() -> (vehicles: Int, distance: Double)? {
        let requests = Array(instance.requests.indices)
        var best: (vehicles: Int, distance: Double)?
        for partition in partitions(requests) {
            var total = 0.0
            var feasible = true
            for block in partition {
                guard let length = shortestRoute(block) else { feasible = false; break }
                total += length
            }
            guard feasible else { continue }
            let candidate = (vehicles: partition.count, distance: total)
            if let current = best,
               current.vehicles < candidate.vehicles
                || (current.vehicles == candidate.vehicles && current.distance <= candidate.distance) {
                continue
            }
            best = candidate
        }
        return best
    }

    /// All set partitions of `items`.
    private func partitions(_ items: [Int]) -> [[[Int]]] {
        guard let first = items.first else { return [[]] }
        var result: [[[Int]]] = []
        for partition in partitions(Array(items.dropFirst())) {
            result.append([[first]] + partition)
            for index in partition.indices {
                var extended = partition
                extended[index].append(first)
                result.append(extended)
            }
        }
        return result
    }

    /// Shortest feasible route serving exactly these requests, by enumerating orders.
    private func shortestRoute(_ block: [Int]) -> Double? {
        let nodes = block.flatMap { [instance.requests[$0].pickup, instance.requests[$0].delivery] }
        var best: Double?
        var order: [Int] = []
        var used = [Bool](repeating: false, count: nodes.count)
        func extend() {
            if order.count == nodes.count {
                if let length = feasibleLength(order), length < (best ?? .infinity) { best = length }
                return
            }
            for (slot, node) in nodes.enumerated() where !used[slot] {
                if case .delivery(let pickup) = instance.nodes[node].role, !order.contains(pickup) { continue }
                used[slot] = true
                order.append(node)
                extend()
                order.removeLast()
                used[slot] = false
            }
        }
        extend()
        return best
    }

    private func feasibleLength(_ route: [Int]) -> Double? {
        var time = instance.depot.earliest
        var load = 0
        var previous = 0
        var length = 0.0
        for node in route {
            let stop = instance.nodes[node]
            let leg = instance.distances[previous, node]
            length += leg
            time = max(time + leg, stop.earliest)
            if time > stop.latest { return nil }
            load += stop.demand
            if load > instance.capacity { return nil }
            time += stop.service
            previous = node
        }
        length += instance.distances[previous, 0]
        return time + instance.distances[previous, 0] <= instance.depot.latest ? length : nil
    }
}

/// Random tiny instance: 2 or 3 requests, tight enough that several vehicle counts occur.
private func randomTinyInstance(seed: UInt64) throws -> PDPTWInstance {
    var random = SeededGenerator(seed: seed)
    func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * random.unit() }
    var builder = TinyInstanceBuilder()
    builder.capacity = 10 + random.below(15)
    builder.depot = .init(x: 50, y: 50, earliest: 0, latest: 400)
    let requestCount = 2 + random.below(2)
    for _ in 0..<requestCount {
        let pickupOpen = uniform(0, 200)
        let deliveryOpen = pickupOpen + uniform(0, 120)
        builder.requests.append((
            .init(x: uniform(0, 100), y: uniform(0, 100), earliest: pickupOpen,
                  latest: pickupOpen + uniform(10, 120), service: 10),
            .init(x: uniform(0, 100), y: uniform(0, 100), earliest: deliveryOpen,
                  latest: deliveryOpen + uniform(60, 160), service: 10),
            3 + random.below(builder.capacity - 3)))
    }
    return try builder.build(name: "tiny-\(seed)")
}

@Suite("Solver against brute force")
struct OracleTests {
    @Test func findsOptimumOnTinyInstances() throws {
        var compared = 0
        var vehicleCounts = Set<Int>()
        for seed in UInt64(1)...60 {
            let instance = try randomTinyInstance(seed: seed)
            guard let optimum = BruteForce(instance: instance).optimum() else { continue }
            compared += 1
            vehicleCounts.insert(optimum.vehicles)
            let solver = PDPTWSolver(configuration: SolverConfiguration(maxIterations: 400))
            let result = solver.solve(instance, timeLimit: 10, seed: seed)
            #expect(PlanChecker.check(result.plan, instance: instance).isEmpty, "\(instance.name)")
            #expect(result.vehicles == optimum.vehicles, "\(instance.name)")
            #expect(abs(result.distance - optimum.distance) < 1e-6,
                    "\(instance.name): solver \(result.distance), optimum \(optimum.distance)")
        }
        // The generator must exercise the solver: enough feasible cases and more than one fleet size.
        #expect(compared >= 30)
        #expect(vehicleCounts.count >= 2)
    }
}
