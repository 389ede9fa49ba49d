/// Dense matrix of Euclidean distances between the nodes of an instance.
///
/// Distances are kept in full double precision and never rounded, which is the
/// convention under which the Li & Lim best-known solutions are reported.
/// Travel time equals distance.
public struct DistanceMatrix: Sendable, Hashable {
    /// Number of nodes (rows and columns).
    public let count: Int
    /// Row-major storage, `count * count` values.
    let storage: [Double]

    /// Computes all pairwise Euclidean distances between the given points.
    public init(xs: [Double], ys: [Double]) {
        precondition(xs.count == ys.count, "coordinate arrays must have equal length")
        let count = xs.count
        var storage = [Double](repeating: 0, count: count * count)
        for from in 0..<count {
            for to in 0..<count where to != from {
                let dx = xs[from] - xs[to]
                let dy = ys[from] - ys[to]
                storage[from * count + to] = (dx * dx + dy * dy).squareRoot()
            }
        }
        self.count = count
        self.storage = storage
    }

    /// Distance (and travel time) from one node to another.
    public subscript(from: Int, to: Int) -> Double {
        storage[from * count + to]
    }

    /// Largest distance between any two nodes; used to normalise relatedness measures.
    public var maximum: Double {
        storage.max() ?? 0
    }
}
