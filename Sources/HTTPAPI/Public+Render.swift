import GeoCore
import Stores

/// The JSON the API returns for a nearby search, for other front ends (the CLI) to print the same.
public func nearbyJSON(_ results: [NearbyResult]) -> JSONValue {
    .object(["count": .number(Double(results.count)), "results": .array(results.map { r in
        var row = Render.nearbyRow(r)
        row["store"] = Render.store(r.store)
        return .object(row)
    })])
}

extension JSONValue {
    /// Pretty, key-sorted JSON text.
    public var prettyText: String {
        let encoder = JSONEncoder.api
        encoder.outputFormatting.insert(.prettyPrinted)
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}

import Foundation
