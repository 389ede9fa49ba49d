import StoreImport

/// Walker's alias method (Vose's construction): draws an index with probability proportional
/// to its weight in constant time.
public struct AliasTable: Sendable {
    let probability: [Double]
    let alias: [Int32]

    public init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var probability = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for (i, w) in scaled.enumerated() { if w < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        self.probability = probability
        self.alias = alias
    }

    /// An index drawn by weight.
    @inline(__always)
    public func draw(_ rng: inout SplitMix64) -> Int {
        let r = rng.next()
        let i = Int(r % UInt64(probability.count))
        let u = Double(r >> 11) / Double(1 << 53)
        return u < probability[i] ? i : Int(alias[i])
    }
}
