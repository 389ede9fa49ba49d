import Foundation
import GeoCore
import Kernel

/// Where customers are and how many: weighted points (people in a grid cell, homes, orders).
public struct Demand: Sendable {
    public struct Point: Hashable, Sendable {
        public var coordinate: Coordinate
        public var weight: Double
        public init(_ coordinate: Coordinate, weight: Double) { self.coordinate = coordinate; self.weight = weight }
    }

    public var name: String
    public var points: [Point]

    public init(name: String, points: [Point]) { self.name = name; self.points = points }

    public var totalWeight: Double { points.reduce(0) { $0 + $1.weight } }

    /// The largest file read, in rows.
    public static let maximumPoints = 20_000_000

    /// Reads CSV with `lat`, `lon` and a weight column (`weight` unless told otherwise; when
    /// `weightColumn` is nil every point weighs 1). Every fault names the source and the line:
    /// a missing column, a row without coordinates, a weight that is not a finite number ≥ 0.
    public static func csv(_ text: String, source: String, weightColumn: String? = "weight") throws(DomainError) -> Demand {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DomainError(.unprocessable, field: source, "the file is empty")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}\"")).lowercased() }
        func column(_ name: String) throws(DomainError) -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw DomainError(.unprocessable, field: "\(source) line 1", "missing column \"\(name)\" (columns: \(header.joined(separator: ",")))")
            }
            return i
        }
        let latColumn = try column("lat"), lonColumn = try column("lon")
        let weightIndex: Int? = if let weightColumn { try column(weightColumn) } else { nil }
        guard lines.count > 1 else { throw DomainError(.unprocessable, field: source, "the file has a header but no rows") }
        guard lines.count - 1 <= maximumPoints else {
            throw DomainError(.unprocessable, field: source, "more than \(maximumPoints) rows")
        }
        var points: [Point] = []
        points.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.enumerated().dropFirst() {
            let where_ = "\(source) line \(offset + 1)"
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func number(_ i: Int, _ name: String) throws(DomainError) -> Double {
                guard i < fields.count, !fields[i].isEmpty else { throw DomainError(.unprocessable, field: where_, "\(name) is missing") }
                guard let v = Double(fields[i]), v.isFinite else {
                    throw DomainError(.unprocessable, field: where_, "\(name) is not a number: \"\(fields[i])\"")
                }
                return v
            }
            let lat = try number(latColumn, "lat"), lon = try number(lonColumn, "lon")
            guard let c = try? Coordinate.validated(latitude: lat, longitude: lon) else {
                throw DomainError(.unprocessable, field: where_, "lat/lon out of range: \(lat), \(lon)")
            }
            var weight = 1.0
            if let weightIndex, let name = weightColumn {
                weight = try number(weightIndex, name)
                guard weight >= 0 else { throw DomainError(.unprocessable, field: where_, "\(name) must not be negative: \(fields[weightIndex])") }
            }
            points.append(Point(c, weight: weight))
        }
        guard !points.isEmpty else { throw DomainError(.unprocessable, field: source, "the file has no rows") }
        return Demand(name: source, points: points)
    }
}
