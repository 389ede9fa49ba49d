import Foundation

/// The best known solution of a benchmark instance, as published beside the instances
/// (`bks.csv`: `instance,vehicles,distance`).
public struct BestKnown: Sendable, Hashable {
    public let name: String
    public let vehicles: Int
    public let distance: Double

    public init(name: String, vehicles: Int, distance: Double) {
        self.name = name; self.vehicles = vehicles; self.distance = distance
    }

    /// Every row of a `bks.csv`; rows that do not parse are skipped. Nil when the file cannot be read.
    public static func read(_ csv: URL) -> [BestKnown]? {
        guard let text = try? String(contentsOf: csv, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3, let vehicles = Int(fields[1]), let distance = Double(fields[2]) else { return nil }
            return BestKnown(name: fields[0], vehicles: vehicles, distance: distance)
        }
    }

    /// The gap of a result to this solution, in percent of its distance.
    public func distanceGapPercent(_ distance: Double) -> Double { 100 * (distance - self.distance) / self.distance }
}
