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
