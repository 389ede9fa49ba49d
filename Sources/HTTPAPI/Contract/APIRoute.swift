import Hummingbird

/// One operation of the API, as the OpenAPI document describes it.
struct APIRoute: Sendable {
    var method: HTTPRequest.Method
    /// The path with `{name}` parameters, as OpenAPI writes it.
    var path: String
    var operationID: String
    var summary: String

    /// Whether a concrete request path fits this route's template.
    func matches(path requestPath: String) -> Bool {
        let template = path.split(separator: "/"), actual = requestPath.split(separator: "/")
        guard template.count == actual.count else { return false }
        return zip(template, actual).allSatisfy { t, a in t.hasPrefix("{") || t == a }
    }
}
