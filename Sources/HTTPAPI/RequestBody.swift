import Foundation
import GeoCore
import Hummingbird
import HummingbirdCore
import NIOCore

/// Reading JSON bodies and query parameters with errors that name the field.
enum Input {
    /// The body as JSON, refusing more than the configured size and anything that is not JSON.
    static func json(_ request: Request, context: some RequestContext) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: APIConfiguration.maximumBodyBytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw HTTPError(.contentTooLarge)
        }
        guard buffer.readableBytes > 0 else { throw Problem.invalid("body", "a JSON body is required") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw Problem.invalid("body", "the body is not valid JSON")
        }
    }

    /// A JSON object's members, refusing members not in `allowed` so that typos are caught.
    static func object(_ json: JSONValue, field: String = "body", allowed: Set<String>) throws -> [String: JSONValue] {
        guard case .object(let o) = json else { throw Problem.invalid(field, "\(field) must be a JSON object") }
        if let unknown = o.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(unknown, "unknown member \"\(unknown)\"; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
        return o
    }

    /// A member of a JSON object read as `T`: nil when absent or null (an error when required),
    /// an error naming the member when it has another type.
    static func member<T>(_ o: [String: JSONValue], _ key: String, required: Bool, path: String,
                          expected: String, _ read: (JSONValue) -> T?) throws -> T? {
        guard let value = o[key], !value.isNull else {
            if required { throw Problem.invalid(path + key, "\(path + key) is required") }
            return nil
        }
        guard let result = read(value) else { throw Problem.invalid(path + key, "\(path + key) must be \(expected)") }
        return result
    }

    static func string(_ o: [String: JSONValue], _ key: String, required: Bool = false, path: String = "") throws -> String? {
        try member(o, key, required: required, path: path, expected: "a string") { $0.stringValue }
    }

    static func number(_ o: [String: JSONValue], _ key: String, required: Bool = false, path: String = "") throws -> Double? {
        try member(o, key, required: required, path: path, expected: "a number") { $0.numberValue }
    }

    static func integer(_ o: [String: JSONValue], _ key: String, required: Bool = false, path: String = "") throws -> Int? {
        guard let n = try number(o, key, required: required, path: path) else { return nil }
        guard n.isFinite, n == n.rounded(), abs(n) <= 9e15 else { throw Problem.invalid(path + key, "\(path + key) must be an integer") }
        return Int(n)
    }

    // MARK: - Query parameters

    /// A request's query parameters, parsed once for handlers that read several.
    typealias Query = FlatDictionary<Substring, Substring>

    static func queryDouble(_ request: Request, _ name: String, required: Bool = false) throws -> Double? {
        try queryDouble(request.uri.queryParameters, name, required: required)
    }

    static func queryDouble(_ query: Query, _ name: String, required: Bool = false) throws -> Double? {
        guard let raw = query[name[...]] else {
            if required { throw Problem.invalid(name, "\(name) is required") }
            return nil
        }
        guard let v = Double(String(raw)), v.isFinite else { throw Problem.invalid(name, "\(name) must be a finite number, got \"\(raw)\"") }
        return v
    }

    static func queryInt(_ request: Request, _ name: String) throws -> Int? {
        try queryInt(request.uri.queryParameters, name)
    }

    static func queryInt(_ query: Query, _ name: String) throws -> Int? {
        guard let raw = query[name[...]] else { return nil }
        guard let v = Int(String(raw)) else { throw Problem.invalid(name, "\(name) must be an integer, got \"\(raw)\"") }
        return v
    }

    static func queryBool(_ request: Request, _ name: String) throws -> Bool? {
        try queryBool(request.uri.queryParameters, name)
    }

    static func queryBool(_ query: Query, _ name: String) throws -> Bool? {
        guard let raw = query[name[...]] else { return nil }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem.invalid(name, "\(name) must be true or false, got \"\(raw)\"")
        }
    }

    /// The coordinate from `lat` and `lon`, both required.
    static func point(_ request: Request) throws -> Coordinate {
        try point(request.uri.queryParameters)
    }

    static func point(_ query: Query) throws -> Coordinate {
        let lat = try queryDouble(query, "lat", required: true)!, lon = try queryDouble(query, "lon", required: true)!
        return try Coordinate.validated(latitude: lat, longitude: lon)
    }

    /// An instant in ISO 8601 with a zone (`2026-11-25T18:30:00Z`, `…+01:00`) or `now`.
    static func instant(_ raw: String, field: String, now: Date) throws -> Date {
        if raw.lowercased() == "now" { return now }
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: raw) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = fractional.date(from: raw) { return d }
        throw Problem.invalid(field, "\(field) must be ISO 8601 with a time zone (2026-11-25T18:30:00Z) or now")
    }

    /// Whether the client asked for GeoJSON (`Accept: application/geo+json` or `format=geojson`).
    static func wantsGeoJSON(_ request: Request) throws -> Bool {
        try wantsGeoJSON(request, query: request.uri.queryParameters)
    }

    static func wantsGeoJSON(_ request: Request, query: Query) throws -> Bool {
        try wantsGeoJSON(format: query["format"].map(String.init), accept: request.headers[.accept])
    }

    /// `format` (json or geojson) when given, else whether `Accept` asks for `application/geo+json`.
    static func wantsGeoJSON(format: String?, accept: String?) throws -> Bool {
        if let format {
            switch format.lowercased() {
            case "geojson": return true
            case "json": return false
            default: throw Problem.invalid("format", "format must be json or geojson")
            }
        }
        return accept?.contains("application/geo+json") ?? false
    }
}

/// A JSON response.
struct JSONBody: ResponseGenerator {
    var value: JSONValue
    var status: HTTPResponse.Status = .ok
    var contentType = "application/json"

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: value.serialized(capacity: 4_096))))
    }

    static func geo(_ value: JSONValue) -> JSONBody { JSONBody(value: value, contentType: "application/geo+json") }
}
