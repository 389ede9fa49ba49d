import Foundation

/// A pickup-and-delivery problem with time windows and capacity (PDPTW).
///
/// Node 0 is the depot; every other node is either a pickup or a delivery and
/// names its partner. A homogeneous fleet of ``vehicleCount`` vehicles with
/// ``capacity`` each starts at the depot no earlier than the depot's
/// `earliest` and must be back by its `latest`. Travel time equals Euclidean
/// distance. The objective is lexicographic: fewest vehicles, then least
/// total distance.
///
/// Instances are immutable and validated on creation: an instance that
/// exists is internally consistent (pairs point at each other, demands have
/// the right sign and fit the capacity, windows are ordered).
public struct PDPTWInstance: Sendable, Hashable {
    /// Human-readable name, e.g. the Li & Lim file name without extension.
    public let name: String
    /// Number of vehicles available.
    public let vehicleCount: Int
    /// Capacity of every vehicle.
    public let capacity: Int
    /// All nodes, indexed by position; `nodes[0]` is the depot.
    public let nodes: [PDPTWNode]
    /// Pickup-delivery pairs, ordered by pickup index.
    public let requests: [PDPTWRequest]
    /// Euclidean distances between all nodes (also travel times).
    public let distances: DistanceMatrix

    /// The depot node.
    public var depot: PDPTWNode { nodes[0] }

    /// Builds and validates an instance from nodes whose `index` equals their position.
    ///
    /// - Throws: ``RoutingInputError`` describing the first inconsistency found.
    public init(name: String, vehicleCount: Int, capacity: Int, nodes: [PDPTWNode]) throws(RoutingInputError) {
        try self.init(name: name, vehicleCount: vehicleCount, capacity: capacity, nodes: nodes,
                      nodeLocations: nodes.map { .path("nodes[\($0.index)]") },
                      headerLocation: .unknown)
    }

    /// Validating initialiser shared by the parsers, which know where each node came from.
    init(name: String, vehicleCount: Int, capacity: Int, nodes: [PDPTWNode],
         nodeLocations: [SourceLocation], headerLocation: SourceLocation) throws(RoutingInputError) {
        try InstanceValidation.validate(vehicleCount: vehicleCount, capacity: capacity, nodes: nodes,
                                        nodeLocations: nodeLocations, headerLocation: headerLocation)
        self.name = name
        self.vehicleCount = vehicleCount
        self.capacity = capacity
        self.nodes = nodes
        self.requests = nodes.compactMap { node in
            if case .pickup(let delivery) = node.role {
                return PDPTWRequest(pickup: node.index, delivery: delivery, demand: node.demand)
            }
            return nil
        }
        self.distances = DistanceMatrix(xs: nodes.map(\.x), ys: nodes.map(\.y))
    }

    /// Reads an instance from disk, choosing the format by extension:
    /// `.json` is the JSON format of ``PDPTWInstanceDocument``, anything else is Li & Lim text.
    /// The instance name is the file name without its extension.
    ///
    /// - Throws: ``RoutingInputError`` when the file cannot be read or is malformed.
    public static func load(path: String) throws(RoutingInputError) -> PDPTWInstance {
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RoutingInputError(reason: "cannot read '\(path)': \(error.localizedDescription)")
        }
        if url.pathExtension.lowercased() == "json" {
            return try parseJSON(data: data, defaultName: name)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RoutingInputError(reason: "'\(path)' is not UTF-8 text")
        }
        return try parseLiLim(text: text, name: name)
    }

    /// Number of pickup-delivery requests.
    public var requestCount: Int { requests.count }

    /// Total length of the given routes (node indices without the depot), depot to depot.
    public func routeDistance(_ route: [Int]) -> Double {
        guard !route.isEmpty else { return 0 }
        var total = distances[0, route[0]]
        for position in 1..<route.count {
            total += distances[route[position - 1], route[position]]
        }
        return total + distances[route[route.count - 1], 0]
    }
}
