import Foundation
import GeoCore
import Hummingbird
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import O2OAPI

/// What the generated routes need around them that the OpenAPI transport does not give: the
/// request's context (the caller, the logger) for the handler, a cap on the body, and room in
/// `Accept` for an error's problem document.
struct GeneratedRouteMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The request being handled and its context, for handlers of the generated protocol,
    /// which the transport hands only the parsed input.
    struct Current: Sendable {
        var request: Request
        var context: AppRequestContext
    }

    @TaskLocal static var current: Current?

    static let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var head = request.head
        var sent: ByteBuffer?
        if request.method != .get, request.method != .head {
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: APIConfiguration.maximumBodyBytes)
            } catch is NIOTooManyBytesError {
                throw HTTPError(.contentTooLarge)
            }
            // A JSON body sent without its type, or as a form (`curl -d`'s default), is read as
            // the JSON it is, as o2o always has; the generated code would refuse it with 415.
            let type = head.headerFields[.contentType]?.lowercased()
            if type == nil || type?.hasPrefix("application/x-www-form-urlencoded") == true,
               let first = body.readableBytesView.first(where: { !Self.space.contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                head.headerFields[.contentType] = "application/json"
            }
            sent = body
            // A step whose body may be left out, sent without one, has no members.
            if !body.readableBytesView.contains(where: { !Self.space.contains($0) }),
               APIContract.optionalBodies.contains(where: { $0.method == request.method && $0.matches(path: request.uri.path) }) {
                head.headerFields[.contentType] = "application/json"
                head.headerFields[.contentLength] = "2"
                request = Request(head: head, body: .init(buffer: ByteBuffer(string: "{}")))
            }
        }
        // The generated code checks each response's type against Accept; a problem document
        // must get through whatever the client asked for.
        if let accept = head.headerFields[.accept], !accept.contains("*/*"), !accept.contains("application/problem+json") {
            head.headerFields[.accept] = accept + ", application/problem+json;q=0.1"
        }
        // `format=geojson` chooses GeoJSON whatever `Accept` says, as it always has.
        if let accept = head.headerFields[.accept], !accept.contains("*/*"), !accept.contains("application/geo+json"),
           request.uri.queryParameters["format"]?.lowercased() == "geojson" {
            head.headerFields[.accept] = accept + ", application/geo+json;q=0.1"
        }
        if head != request.head { request = Request(head: head, body: request.body) }
        do {
            return try await Self.$current.withValue(Current(request: request, context: context)) { try await next(request, context) }
        } catch let error as ServerError {
            throw Self.unreadableNumber(error, body: sent, method: request.method, path: request.uri.path) ?? error
        }
    }

    /// A number the decoder could not take as the integer the document asks for (`"qty": 1.5`):
    /// JSONDecoder says only that the data is not valid JSON, so the body is read against the
    /// operation's schema to name the member.
    static func unreadableNumber(_ error: ServerError, body: ByteBuffer?, method: HTTPRequest.Method, path: String) -> Problem? {
        guard let body, case .dataCorrupted(let c)? = error.underlyingError as? DecodingError, c.codingPath.isEmpty,
              let json = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)),
              let field = APIContract.fractionalInteger(in: json, method: method, path: path) else { return nil }
        return Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter",
                       detail: "\(field) is not what the API expects: an integer", field: field)
    }
}

extension APIHandlers {
    /// The request being handled and its context; only absent if a handler is called outside a request.
    var current: GeneratedRouteMiddleware.Current {
        get throws {
            guard let current = GeneratedRouteMiddleware.current else {
                throw Problem(.internalServerError, type: "internal", title: "Internal error", detail: "no request context")
            }
            return current
        }
    }

    /// The request's context: who is calling, the logger.
    var context: AppRequestContext { get throws { try current.context } }

    /// The JSON body's top-level members as sent, for the few operations where a member sent as
    /// null means something else than a member left out (PATCH clears with null); the generated
    /// types read both as nil.
    func sentMembers() async throws -> Set<String> {
        let body = try await current.request.body.collect(upTo: APIConfiguration.maximumBodyBytes)
        guard case .object(let members) = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) else { return [] }
        return Set(members.keys)
    }

    /// Registers the handlers of every operation `openapi-generator-config.yaml` lists, behind
    /// the middleware they need.
    func register(on router: Router<AppRequestContext>) throws {
        let group = router.group().add(middleware: GeneratedRouteMiddleware())
        try registerHandlers(on: group, serverURL: URL(string: "/")!,
                             configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
    }
}

extension Problem {
    /// A refusal by the generated layer as a problem document: what the request got wrong, with
    /// the field (a body member's path, or the parameter that did not parse); a handler's own
    /// error as it would be without the layer.
    static func from(_ error: ServerError) -> Problem? {
        if let decoding = error.underlyingError as? DecodingError {
            let field = fieldPath(decoding) ?? APIContract.unparsedParameter(error) ?? "body"
            return Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter",
                           detail: "\(field) is not what the API expects: \(decodingDetail(decoding))", field: field)
        }
        if error.httpStatus == .internalServerError { return Problem.from(error.underlyingError) }
        let field = APIContract.missingParameter(error.causeDescription) ?? APIContract.unparsedParameter(error)
            ?? (error.causeDescription.localizedCaseInsensitiveContains("body") ? "body" : nil)
        return Problem(error.httpStatus, type: error.httpStatus == .badRequest ? "invalid-parameter" : "http",
                       title: error.httpStatus.reasonPhrase, detail: error.causeDescription, field: field)
    }

    /// `items[0].qty`, as the client wrote the body.
    static func fieldPath(_ error: DecodingError) -> String? {
        let (path, last): ([any CodingKey], (any CodingKey)?) = switch error {
        case .keyNotFound(let key, let c): (c.codingPath, key)
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): (c.codingPath, nil)
        @unknown default: ([], nil)
        }
        var text = ""
        for key in path + (last.map { [$0] } ?? []) {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? nil : text
    }

    static func decodingDetail(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "it is required"
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "\(error)"
        }
    }
}
