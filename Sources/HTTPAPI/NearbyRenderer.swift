import GeoCore
import Hummingbird
import Kernel
import NIOCore
import Stores
import Synchronization

/// The nearby search's JSON written straight to bytes: the same text as `nearbyJSON(_:)`
/// serialized, at a fraction of the cost. A response is ten rows of mostly the same few
/// stores and zones, so each store's and zone's JSON is rendered once and kept (checked against
/// the current value on every use, so an edited store is rendered again); the per-query parts
/// (distance, availability, open now) are written around them.
final class NearbyRenderer: Sendable {
    static let shared = NearbyRenderer()

    /// The members of a zone that its JSON shows (its area is not shown).
    private struct ZoneShown: Equatable {
        var storeID: StoreID, kind: DeliveryZone.Kind, name: String?
        var feeMinor: Int, minimumOrderMinor: Int, promisedMinutes: Int

        init(_ z: DeliveryZone) {
            storeID = z.storeID; kind = z.kind; name = z.name
            feeMinor = z.feeMinor; minimumOrderMinor = z.minimumOrderMinor; promisedMinutes = z.promisedMinutes
        }
    }

    private struct KeptStore { var store: Store; var json: [UInt8] }
    private struct KeptZone { var shown: ZoneShown; var json: [UInt8] }

    private struct Fragments {
        var stores: [StoreID: KeptStore] = [:]
        var zones: [ZoneID: KeptZone] = [:]

        /// A store's JSON, rendered when it is new or has changed since.
        mutating func store(_ s: Store) -> [UInt8] {
            if let kept = stores[s.id], kept.store == s { return kept.json }
            let json = Render.store(s).serialized(capacity: 512)
            stores[s.id] = KeptStore(store: s, json: json)
            return json
        }

        mutating func zone(_ z: DeliveryZone) -> [UInt8] {
            let shown = ZoneShown(z)
            if let kept = zones[z.id], kept.shown == shown { return kept.json }
            let json = JSONValue.object(Render.zoneProperties(z)).serialized(capacity: 256)
            zones[z.id] = KeptZone(shown: shown, json: json)
            return json
        }
    }

    /// A bound on what is kept: far above any city's stores and zones; past it the cache starts again.
    static let capacity = 400_000
    private let fragments = Mutex(Fragments())

    private static let key = (
        count: Array("{\"count\":".utf8), results: Array(",\"results\":[".utf8),
        availability: Array("{\"availability\":[".utf8), available: Array("{\"available\":".utf8), sku: Array(",\"sku\":".utf8),
        delivers: Array("],\"delivers\":".utf8), distance: Array(",\"distance_m\":".utf8), open: Array(",\"open\":".utf8),
        store: Array(",\"store\":".utf8), zone: Array(",\"zone\":".utf8),
        null: Array("null".utf8), true: Array("true".utf8), false: Array("false".utf8), end: Array("]}".utf8))

    /// The JSON text of a nearby search's results.
    func render(_ results: [NearbyResult]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + 640 * results.count)
        out += Self.key.count
        JSONValue.write(integer: results.count, into: &out)
        out += Self.key.results
        // One lock for the whole response: copying a kept fragment is a memcpy of a few hundred bytes.
        fragments.withLock { cache in
            if cache.stores.count > Self.capacity || cache.zones.count > Self.capacity { cache = Fragments() }
            for i in results.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(results[i], into: &out, cache: &cache)
            }
        }
        out += Self.key.end
        return out
    }

    private static func write(_ r: NearbyResult, into out: inout [UInt8], cache: inout Fragments) {
        out += key.availability
        for (j, a) in r.availability.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            out += key.available
            JSONValue.write(integer: a.available, into: &out)
            out += key.sku
            JSONValue.write(string: a.sku.rawValue, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += key.delivers
        out += r.zone != nil ? key.true : key.false
        out += key.distance
        write(tenths: r.distance, into: &out)
        out += key.open
        out += r.isOpen.map { $0 ? key.true : key.false } ?? key.null
        out += key.store
        out += cache.store(r.store)
        out += key.zone
        if let z = r.zone { out += cache.zone(z) } else { out += key.null }
        out.append(UInt8(ascii: "}"))
    }

    /// A distance rounded to a tenth, written as `Render.nearbyRow` writes it.
    static func write(tenths value: Double, into out: inout [UInt8]) {
        let tenths = (value * 10).rounded()
        // Tenths of an everyday distance: whole part, and one digit after the point unless it is 0.
        guard tenths >= 0, tenths < 1e14 else { JSONValue.write(number: tenths / 10, into: &out); return }
        let whole = Int(tenths) / 10, digit = Int(tenths) % 10
        JSONValue.write(integer: whole, into: &out)
        if digit != 0 {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") &+ UInt8(digit))
        }
    }
}

/// JSON text already written, as a response.
struct JSONBytes: ResponseGenerator {
    var bytes: [UInt8]
    var contentType = "application/json"

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
