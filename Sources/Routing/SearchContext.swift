/// Mutable state shared by all search components of one solver run:
/// the problem data, the random stream and reusable scratch buffers
/// (so hot loops do not allocate).
final class SearchContext {
    let data: ProblemData
    var random: SeededGenerator
    /// Requests that can be served at all (each fits a dedicated vehicle on its own).
    let servableRequests: [Int]
    /// Requests that no vehicle can serve even alone; they are left out of every plan.
    let unservableRequests: [Int]
    /// One flag per request, always all-false between uses.
    var requestFlags: [Bool]
    /// Insertion table for repair: one row per pending request, one column per route.
    var tableCost: [Double] = []
    var tableMove: [InsertionMove] = []
    /// Scratch route reused by the ejection search.
    var scratchRoute: Route

    init(instance: PDPTWInstance, seed: UInt64) {
        let data = ProblemData(instance)
        self.data = data
        random = SeededGenerator(seed: seed)
        requestFlags = [Bool](repeating: false, count: data.requestCount)
        let empty = Route(data: data)
        scratchRoute = empty
        var servable: [Int] = []
        var unservable: [Int] = []
        for request in 0..<data.requestCount {
            if empty.bestInsertion(of: request, data: data) != nil {
                servable.append(request)
            } else {
                unservable.append(request)
            }
        }
        servableRequests = servable
        unservableRequests = unservable
    }

    /// Uniform integer in `range` (non-empty).
    @inline(__always)
    func randomInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + random.below(range.upperBound - range.lowerBound + 1)
    }

    /// Picks an index with probability proportional to `weights`.
    func roulette(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var threshold = random.unit() * total
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return index }
        }
        return weights.count - 1
    }
}
