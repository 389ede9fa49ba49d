/// Flat, solver-friendly copy of an instance: plain arrays indexed by node or request.
///
/// The solver's inner loops read these millions of times, so they are stored
/// as contiguous arrays of primitives rather than arrays of structs.
final class ProblemData {
    let nodeCount: Int
    let requestCount: Int
    let capacity: Int
    /// Row-major distances, `nodeCount * nodeCount`.
    let distance: [Double]
    let earliest: [Double]
    let latest: [Double]
    let service: [Double]
    let demand: [Int]
    /// Pickup and delivery node of each request.
    let pickupNode: [Int]
    let deliveryNode: [Int]
    /// Request of each node; -1 for the depot.
    let requestOfNode: [Int]
    /// Largest distance, for normalising noise and relatedness.
    let maxDistance: Double
    /// Depot opening span, for normalising time differences.
    let horizon: Double
    /// Largest request demand, for normalising demand differences.
    let maxDemand: Int

    init(_ instance: PDPTWInstance) {
        nodeCount = instance.nodes.count
        requestCount = instance.requests.count
        capacity = instance.capacity
        distance = instance.distances.storage
        earliest = instance.nodes.map(\.earliest)
        latest = instance.nodes.map(\.latest)
        service = instance.nodes.map(\.service)
        demand = instance.nodes.map(\.demand)
        pickupNode = instance.requests.map(\.pickup)
        deliveryNode = instance.requests.map(\.delivery)
        var requestOfNode = [Int](repeating: -1, count: nodeCount)
        for (request, pair) in instance.requests.enumerated() {
            requestOfNode[pair.pickup] = request
            requestOfNode[pair.delivery] = request
        }
        self.requestOfNode = requestOfNode
        maxDistance = max(instance.distances.maximum, 1e-9)
        horizon = max(instance.depot.latest - instance.depot.earliest, 1e-9)
        maxDemand = max(instance.requests.map(\.demand).max() ?? 1, 1)
    }

    @inline(__always)
    func dist(_ from: Int, _ to: Int) -> Double {
        distance[from &* nodeCount &+ to]
    }
}
