import Foundation
import GeoCore
import Hummingbird
import Kernel
import OpenAPIRuntime

/// An RFC 9457 problem document: what went wrong, with the input field at fault.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A URI naming the kind of problem (`urn:o2o:problem:invalid-parameter`).
    public var type: String
    public var title: String
    public var detail: String
    /// The request parameter or body member at fault, as the client spelled it.
    public var field: String?
    /// Every fault, when the input had several (each with its field).
    public var errors: [DomainError.Detail] = []
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String, field: String? = nil) {
        self.status = status; self.type = "urn:o2o:problem:" + type; self.title = title; self.detail = detail; self.field = field
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = [
            "type": .string(type), "title": .string(title), "status": .number(Double(status.code)),
            "detail": .string(detail), "instance": .string(request.uri.path),
        ]
        if let field { body["field"] = .string(field) }
        if !errors.isEmpty {
            body["errors"] = .array(errors.map { .object(["field": .string($0.field), "detail": .string($0.message)]) })
        }
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONValue.object(body).serialized())))
    }

    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter", detail: detail, field: field)
    }

    /// A domain refusal as a problem document: the status its kind maps to, its field and every detail.
    static func domain(_ e: DomainError) -> Problem {
        let status = HTTPResponse.Status(code: e.status)
        var problem: Problem
        switch e.kind {
        case .invalid: problem = Problem(status, type: "invalid-parameter", title: "Invalid parameter", detail: e.message, field: e.field)
        case .unprocessable: problem = Problem(status, type: "unprocessable", title: "Unprocessable content", detail: e.message, field: e.field)
        case .notFound:
            problem = status == .notFound
                ? Problem(status, type: "not-found", title: "Not found", detail: e.message, field: e.field)
                : Problem(status, type: "unknown-reference", title: "Unknown reference", detail: e.message, field: e.field)
        case .conflict: problem = Problem(status, type: "conflict", title: "Conflict", detail: e.message, field: e.field)
        case .gone: problem = Problem(status, type: "gone", title: "Gone", detail: e.message, field: e.field)
        case .unauthenticated:
            problem = Problem(status, type: "unauthenticated", title: "Unauthenticated", detail: e.message, field: e.field)
            problem.headers[.wwwAuthenticate] = #"Bearer realm="o2o""#
        case .forbidden: problem = Problem(status, type: "forbidden", title: "Forbidden", detail: e.message, field: e.field)
        case .throttled:
            problem = Problem(status, type: "throttled", title: "Too many requests", detail: e.message, field: e.field)
            problem.headers[.retryAfter] = String(e.retryAfter ?? 60)
        }
        problem.errors = e.details
        return problem
    }

    /// The one place where domain and framework errors become HTTP answers.
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let p as Problem:
            return p
        case let e as DomainError:
            return domain(e)
        case let e as ServerError:
            return from(e)
        case let e as GeoError:
            if e.field.contains("geometry") || e.field.contains("coordinates") {
                return Problem(.badRequest, type: "invalid-geometry", title: "Invalid geometry", detail: e.message, field: e.field)
            }
            return Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter", detail: e.message, field: e.field)
        case let e as HTTPError:
            switch e.status {
            case .notFound:
                return Problem(.notFound, type: "not-found", title: "Not found", detail: e.body ?? "no such resource")
            case .contentTooLarge:
                return Problem(.contentTooLarge, type: "body-too-large", title: "Body too large",
                               detail: "request bodies are limited to \(APIConfiguration.maximumBodyBytes) bytes", field: "body")
            default:
                return Problem(e.status, type: "http", title: e.status.reasonPhrase, detail: e.body ?? e.status.reasonPhrase)
            }
        default:
            return nil
        }
    }
}

/// Turns every error thrown below it into a problem document; anything unexpected is logged
/// and answered 500 without internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [APIRoute]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if var problem = Problem.from(error) {
                if problem.status == .notFound, problem.field == nil {
                    // A known path with another method: 405 with the methods it has.
                    let matching = routes.filter { $0.matches(path: request.uri.path) }
                    // A literal path (`/v1/stores/nearby`) wins over a template that also fits (`/v1/stores/{id}`).
                    let literal = matching.filter { $0.path == request.uri.path }
                    var allowed: [String] = []
                    for route in literal.isEmpty ? matching : literal where !allowed.contains(route.method.rawValue) {
                        allowed.append(route.method.rawValue)
                    }
                    if !allowed.isEmpty {
                        problem = Problem(.methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                                          detail: "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))")
                        problem.headers[.allow] = allowed.joined(separator: ", ")
                    }
                }
                return try problem.response(from: request, context: context)
            }
            context.logger.error("unexpected error: \(String(reflecting: error))")
            return try Problem(.internalServerError, type: "internal", title: "Internal error",
                               detail: "the server failed to answer; the error is logged").response(from: request, context: context)
        }
    }
}

extension JSONEncoder {
    /// The encoder for every JSON response: stable key order, no slash escaping.
    static var api: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
