import Foundation
import GeoCore
import Hummingbird
import O2OAPI
import OpenAPIRuntime
import Yams

/// The API's contract at run time: `openapi.yaml` (the file the build generates the server's
/// types and protocol from) as JSON for `/openapi.json`, and its operations, which the error
/// middleware reads to answer a known path's wrong method with 405 and `Allow`.
enum APIContract {
    /// The whole document, as `/openapi.json` serves it.
    static let json: JSONValue = {
        do {
            guard let node = try Yams.compose(yaml: APIDocument.yaml) else { preconditionFailure("openapi.yaml is empty") }
            return value(node)
        } catch {
            preconditionFailure("openapi.yaml does not parse: \(error)")
        }
    }()

    /// Every operation the document lists.
    static let routes: [APIRoute] = {
        var routes: [APIRoute] = []
        for (path, item) in json["paths"]?.objectValue?.sorted(by: { $0.key < $1.key }) ?? [] {
            for (method, operation) in item.objectValue?.sorted(by: { $0.key < $1.key }) ?? [] {
                guard let method = HTTPRequest.Method(method.uppercased()) else { continue }
                routes.append(APIRoute(method: method, path: path, operationID: operation["operationId"]?.stringValue ?? "",
                                       summary: operation["summary"]?.stringValue ?? ""))
            }
        }
        return routes
    }()

    /// The operations whose request body may be left out (`requestBody.required` not true):
    /// an empty body is then read as one with no members.
    static let optionalBodies: [APIRoute] = routes.filter { route in
        guard let body = json["paths"]?[route.path]?[route.method.rawValue.lowercased()]?["requestBody"] else { return false }
        return body["required"] != .bool(true)
    }

    /// The first member of a request's JSON body, in key order, that its schema declares an
    /// integer but that holds a number with a fraction or beyond 2⁵³: JSONDecoder refuses such
    /// a body without saying where, and the refusal should name the member.
    static func fractionalInteger(in body: JSONValue, method: HTTPRequest.Method, path: String) -> String? {
        for route in routes where route.method == method && route.matches(path: path) {
            let operation = json["paths"]?[route.path]?[route.method.rawValue.lowercased()]
            if let schema = operation?["requestBody"]?["content"]?["application/json"]?["schema"] {
                return fractionalInteger(in: body, schema: schema, at: "")
            }
        }
        return nil
    }

    static func fractionalInteger(in value: JSONValue, schema: JSONValue, at path: String, depth: Int = 0) -> String? {
        guard depth < 32 else { return nil }
        var schema = schema
        if let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/components/schemas/") {
            schema = json["components"]?["schemas"]?[String(ref.dropFirst("#/components/schemas/".count))] ?? .null
        }
        let types = schema["type"].map { $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] } ?? []
        switch value {
        case .number(let n) where types.contains("integer") && !types.contains("number"):
            return n.rounded() != n || abs(n) > 9_007_199_254_740_992 ? (path.isEmpty ? "body" : path) : nil
        case .array(let items):
            guard let itemSchema = schema["items"] else { return nil }
            for (i, item) in items.enumerated() {
                if let found = fractionalInteger(in: item, schema: itemSchema, at: "\(path)[\(i)]", depth: depth + 1) { return found }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                guard let memberSchema = schema["properties"]?[key] ?? schema["additionalProperties"], memberSchema.objectValue != nil else { continue }
                if let found = fractionalInteger(in: members[key]!, schema: memberSchema, at: path.isEmpty ? key : "\(path).\(key)", depth: depth + 1) {
                    return found
                }
            }
        default: break
        }
        return nil
    }

    /// A YAML node as JSON: scalars by their resolved tag (`200:` in quotes stays a string).
    static func value(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case Tag.Name.null: return .null
            case Tag.Name.bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = Self.value(value) }
            return .object(object)
        case .sequence(let sequence):
            return .array(sequence.map(value))
        case .alias:
            return .null
        }
    }
}

extension APIContract {
    /// The parameters of an operation, by name, with the JSON type of each.
    static func parameters(of operationID: String) -> [(name: String, location: String, type: String)] {
        for route in routes where route.operationID == operationID {
            let operation = json["paths"]?[route.path]?[route.method.rawValue.lowercased()]
            return (operation?["parameters"]?.arrayValue ?? []).compactMap { p in
                guard let name = p["name"]?.stringValue, let location = p["in"]?.stringValue else { return nil }
                return (name, location, p["schema"]?["type"]?.stringValue ?? "string")
            }
        }
        return []
    }

    /// The first path or query parameter of the failed request whose text is not of its type:
    /// the generated layer decodes them without saying which.
    static func unparsedParameter(_ error: ServerError) -> String? {
        let query = URLComponents(string: error.request.path ?? "")?.queryItems ?? []
        for (name, location, type) in parameters(of: error.operationID) {
            let raw: String?
            if location == "path" {
                raw = error.requestMetadata.pathParameters[name].map(String.init)
            } else {
                raw = query.first { $0.name == name }?.value
            }
            guard let raw else { continue }
            let fits = switch type {
            case "integer": Int(raw) != nil
            case "number": Double(raw) != nil
            case "boolean": raw == "true" || raw == "false"
            default: true
            }
            if !fits { return name }
        }
        return nil
    }

    /// The parameter a "missing required … parameter named: x" refusal names.
    static func missingParameter(_ description: String) -> String? {
        guard let range = description.range(of: "named: ") else { return nil }
        let name = description[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return name.isEmpty ? nil : String(name)
    }
}
