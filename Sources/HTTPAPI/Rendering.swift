import Foundation
import GeoCore
import Kernel
import Stores
import Synchronization

/// How domain values look in JSON: snake_case members, money in minor units, longitude first
/// in GeoJSON.
enum Render {
    static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func number(_ n: Int) -> JSONValue { .number(Double(n)) }

    static func storeProperties(_ s: Store) -> [String: JSONValue] {
        [
            "id": .number(Double(s.id.rawValue)), "external_ref": .string(s.externalRef), "name": .string(s.name),
            "brand": optional(s.brand), "kind": .string(s.kind), "address": optional(s.address), "phone": optional(s.phone),
            "opening_hours": optional(s.openingHours),
            "opening_hours_known": .bool(s.openingHours.map(HoursValidity.shared.isValid) ?? false),
            "time_zone": .string(s.timeZone),
        ]
    }

    static func store(_ s: Store) -> JSONValue {
        var o = storeProperties(s)
        o["lat"] = .number(s.location.latitude)
        o["lon"] = .number(s.location.longitude)
        return .object(o)
    }

    static func storeFeature(_ s: Store, extra: [String: JSONValue] = [:]) -> JSONValue {
        GeoJSONFeature(geometry: .point(s.location), properties: storeProperties(s).merging(extra) { $1 },
                       id: .number(Double(s.id.rawValue))).json
    }

    static func money(_ m: Money) -> JSONValue { .number(Double(m.minor)) }

    static func zoneProperties(_ z: DeliveryZone) -> [String: JSONValue] {
        [
            "id": .number(Double(z.id.rawValue)), "store_id": .number(Double(z.storeID.rawValue)), "kind": .string(z.kind.rawValue),
            "name": optional(z.name), "fee_minor": number(z.feeMinor), "min_order_minor": number(z.minimumOrderMinor),
            "promised_minutes": number(z.promisedMinutes),
        ]
    }

    static func zoneFeature(_ z: DeliveryZone, extra: [String: JSONValue] = [:]) -> JSONValue {
        GeoJSONFeature(geometry: .multiPolygon(z.area), properties: zoneProperties(z).merging(extra) { $1 },
                       id: .number(Double(z.id.rawValue))).json
    }

    static func zones(_ zones: [DeliveryZone]) -> JSONValue {
        .object(["type": .string("FeatureCollection"), "features": .array(zones.map { zoneFeature($0) })])
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    static func nearbyRow(_ r: NearbyResult) -> [String: JSONValue] {
        [
            "distance_m": .number((r.distance * 10).rounded() / 10),
            "zone": r.zone.map { .object(zoneProperties($0)) } ?? .null,
            "delivers": .bool(r.zone != nil),
            "availability": .array(r.availability.map { .object(["sku": .string($0.sku.rawValue), "available": number($0.available)]) }),
            "open": r.isOpen.map(JSONValue.bool) ?? .null,
        ]
    }
}

/// Whether an opening-hours text parses, remembered per text: rendering a store should not
/// parse its hours again on every response.
final class HoursValidity: Sendable {
    static let shared = HoursValidity()
    private let known = Mutex<[String: Bool]>([:])

    func isValid(_ text: String) -> Bool {
        if let answer = known.withLock({ $0[text] }) { return answer }
        let answer = (try? OpeningHours(parsing: text)) != nil
        known.withLock { table in
            // Stores' texts, so few; a bound all the same.
            if table.count >= 100_000 { table.removeAll() }
            table[text] = answer
        }
        return answer
    }
}
