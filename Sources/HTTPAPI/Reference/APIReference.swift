import Foundation
import O2OAPI
import Yams

/// The API reference as one self-contained HTML page, rendered from `openapi.yaml` — the file
/// the build generates the server from — by o2o itself: `o2o docs api` writes it to
/// `docs/api/index.html` and the server serves it at `/docs`. No script, no CDN, no web fonts:
/// it reads the same offline as online.
///
/// The page keeps the document's order (paths as listed, properties as declared), groups the
/// operations by the first segment of their path, and links every `$ref` to its schema.
public enum APIReference {
    /// The page for the document shipped with this build.
    public static let page: String = {
        do {
            return try html(yaml: APIDocument.yaml)
        } catch {
            preconditionFailure("openapi.yaml does not render: \(error)")
        }
    }()

    /// The page for an OpenAPI 3.1 document given as YAML (or JSON, which is YAML).
    public static func html(yaml: String) throws -> String {
        guard let root = try Yams.compose(yaml: yaml) else { throw ReferenceError.empty }
        return Renderer(document: Spec(root)).page()
    }

    enum ReferenceError: Error, CustomStringConvertible {
        case empty
        var description: String { "the OpenAPI document is empty" }
    }
}

/// A read-only view of one node of the document that keeps the order of mappings.
struct Spec {
    let node: Node?

    init(_ node: Node?) { self.node = node }

    subscript(key: String) -> Spec { Spec(node?.mapping?[key]) }
    var exists: Bool { node != nil }
    var string: String? { node?.scalar?.string }
    var entries: [(key: String, value: Spec)] {
        guard let mapping = node?.mapping else { return [] }
        return mapping.map { (key: $0.key.string ?? "", value: Spec($0.value)) }
    }
    var items: [Spec] { node?.sequence.map { $0.map { Spec($0) } } ?? [] }
    /// A scalar, or a sequence of scalars, as strings (`type: [object, 'null']`).
    var strings: [String] {
        if let string { return [string] }
        return items.compactMap(\.string)
    }
    /// The schema name a `$ref` points at.
    var refName: String? {
        guard let ref = self["$ref"].string, let slash = ref.lastIndex(of: "/") else { return nil }
        return String(ref[ref.index(after: slash)...])
    }
    /// The value as it would read in the document: a scalar's text, a list of scalars.
    var literal: String {
        if let string { return string }
        if node?.sequence != nil { return "[" + items.map(\.literal).joined(separator: ", ") + "]" }
        return ""
    }
}

/// Writes the page.
struct Renderer {
    let document: Spec
    static let methods = ["get", "post", "put", "patch", "delete"]

    struct Operation {
        var method: String
        var path: String
        var spec: Spec
        var id: String { spec["operationId"].string ?? "\(method)-\(path)" }
        var anchor: String { "op-" + Renderer.anchor(id) }
    }

    var operations: [Operation] {
        document["paths"].entries.flatMap { path, item in
            Self.methods.compactMap { method in item[method].exists ? Operation(method: method, path: path, spec: item[method]) : nil }
        }
    }

    /// The operations by section, in the document's order.
    var sections: [(title: String, anchor: String, operations: [Operation])] {
        var order: [String] = []
        var grouped: [String: [Operation]] = [:]
        for operation in operations {
            let key = Self.section(of: operation.path)
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(operation)
        }
        return order.map { key in (Self.sectionTitles[key] ?? key.capitalized, "section-" + Self.anchor(key), grouped[key] ?? []) }
    }

    static let sectionTitles = [
        "": "Service", "accounts": "Accounts", "admin": "Administration", "availability": "Availability", "cart": "Cart",
        "catalog": "Catalog", "coverage": "Coverage", "deliveries": "Deliveries", "dispatch": "Dispatch", "marketing": "Marketing",
        "me": "The signed-in customer", "ops": "Operations", "orders": "Orders", "payments": "Payments", "reports": "Reports",
        "reservations": "Reservations", "riders": "Riders", "sessions": "Sessions", "stock": "Stock", "stores": "Stores", "zones": "Zones",
    ]

    /// `/v1/stores/{id}` → `stores`; a path outside `/v1` (health, metrics) → the service section.
    static func section(of path: String) -> String {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[0] == "v1" else { return "" }
        return String(parts[1])
    }

    func page() -> String {
        let info = document["info"]
        let title = info["title"].string ?? "API"
        let version = info["version"].string ?? ""
        var out = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)) API reference</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(Self.escape(title)) API reference <small>\(Self.escape(version))</small></h1>
            <p>\(Self.prose(info["description"].string ?? ""))</p>
            <p class="note">Rendered by o2o from <code>openapi.yaml</code>, the document the server is generated from; \
            a running server serves this page at <code>/docs</code> and the document itself at <code>/openapi.json</code>. \
            \(operations.count) operations, \(document["components"]["schemas"].entries.count) schemas.</p>
            </header>

            """
        out += contents()
        out += "<main>\n"
        for section in sections {
            out += "<section id=\"\(section.anchor)\">\n<h2>\(Self.escape(section.title))</h2>\n"
            for operation in section.operations { out += self.operation(operation) }
            out += "</section>\n"
        }
        out += security() + commonResponses() + schemas()
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    func contents() -> String {
        var out = "<nav>\n<h2>Contents</h2>\n"
        for section in sections {
            out += "<h3><a href=\"#\(section.anchor)\">\(Self.escape(section.title))</a></h3>\n<ul>\n"
            for operation in section.operations {
                out += "<li><a href=\"#\(operation.anchor)\"><span class=\"method \(operation.method)\">\(operation.method.uppercased())</span> "
                    + "<code>\(Self.escape(operation.path))</code></a> \(Self.prose(operation.spec["summary"].string ?? ""))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<h3><a href=\"#security\">Authentication</a> · <a href=\"#responses\">Common responses</a> · "
            + "<a href=\"#schemas\">Schemas</a></h3>\n</nav>\n"
        return out
    }

    func operation(_ operation: Operation) -> String {
        let spec = operation.spec
        var out = "<article class=\"operation\" id=\"\(operation.anchor)\">\n"
        out += "<h3><span class=\"method \(operation.method)\">\(operation.method.uppercased())</span> <code>\(Self.escape(operation.path))</code></h3>\n"
        out += "<p class=\"summary\">\(Self.prose(spec["summary"].string ?? ""))</p>\n"
        if let description = spec["description"].string { out += "<p>\(Self.prose(description))</p>\n" }
        out += "<p class=\"meta\">Operation <code>\(Self.escape(operation.id))</code> · \(access(spec))</p>\n"
        let parameters = spec["parameters"].items
        if !parameters.isEmpty {
            out += "<h4>Parameters</h4>\n<table>\n<tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr>\n"
            for parameter in parameters {
                let required = parameter["required"].string == "true"
                var description = Self.prose(parameter["description"].string ?? "")
                if let example = parameter["example"].string { description += " <span class=\"example\">e.g. <code>\(Self.escape(example))</code></span>" }
                out += "<tr><td><code>\(Self.escape(parameter["name"].string ?? ""))</code>\(required ? " <span class=\"required\">required</span>" : "")</td>"
                    + "<td>\(Self.escape(parameter["in"].string ?? ""))</td><td>\(type(parameter["schema"]))</td><td>\(description)</td></tr>\n"
            }
            out += "</table>\n"
        }
        let body = spec["requestBody"]
        if body.exists {
            out += "<h4>Request body</h4>\n<p>\(body["required"].string == "true" ? "Required." : "May be left out.")"
            if let description = body["description"].string { out += " \(Self.prose(description))" }
            out += "</p>\n"
            for (contentType, content) in body["content"].entries {
                out += "<p><code>\(Self.escape(contentType))</code>: \(type(content["schema"]))</p>\n"
                out += properties(of: content["schema"])
            }
        }
        out += "<h4>Responses</h4>\n<table>\n<tr><th>Status</th><th>Description</th><th>Content</th></tr>\n"
        for (status, response) in spec["responses"].entries {
            var resolved = response
            var description = ""
            if let name = response.refName {
                resolved = document["components"]["responses"][name]
                description = "<a href=\"#response-\(Self.anchor(name))\">\(Self.escape(name))</a>: "
            }
            description += Self.prose(resolved["description"].string ?? "")
            let contents = resolved["content"].entries.map { "<code>\(Self.escape($0.key))</code> \(type($0.value["schema"]))" }
            out += "<tr><td><code>\(Self.escape(status))</code></td><td>\(description)</td><td>\(contents.joined(separator: "<br>"))</td></tr>\n"
        }
        out += "</table>\n</article>\n"
        return out
    }

    /// Who may call an operation: `x-o2o-access` as the role-matrix test holds the server to it.
    func access(_ spec: Spec) -> String {
        let roles = spec["x-o2o-access"].strings
        let bearer = !spec["security"].items.isEmpty
        if roles.isEmpty { return bearer ? "a signed-in caller (bearer token)" : "anyone; a bearer token is checked if sent" }
        return "callers: " + roles.map { "<code>\(Self.escape($0))</code>" }.joined(separator: ", ") + " (bearer token)"
    }

    func security() -> String {
        var out = "<section id=\"security\">\n<h2>Authentication</h2>\n<table>\n<tr><th>Scheme</th><th>Type</th><th>Description</th></tr>\n"
        for (name, scheme) in document["components"]["securitySchemes"].entries {
            let kind = [scheme["type"].string, scheme["scheme"].string].compactMap { $0 }.joined(separator: ", ")
            out += "<tr><td><code>\(Self.escape(name))</code></td><td>\(Self.escape(kind))</td><td>\(Self.prose(scheme["description"].string ?? ""))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    func commonResponses() -> String {
        var out = "<section id=\"responses\">\n<h2>Common responses</h2>\n<table>\n<tr><th>Name</th><th>Description</th><th>Content</th></tr>\n"
        for (name, response) in document["components"]["responses"].entries {
            let contents = response["content"].entries.map { "<code>\(Self.escape($0.key))</code> \(type($0.value["schema"]))" }
            out += "<tr id=\"response-\(Self.anchor(name))\"><td><code>\(Self.escape(name))</code></td>"
                + "<td>\(Self.prose(response["description"].string ?? ""))</td><td>\(contents.joined(separator: "<br>"))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    /// An anchor-safe form of a name: letters, digits, `-` and `_` kept, anything else `-`.
    static func anchor(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A description's text, escaped, with its `code spans` set as code.
    static func prose(_ text: String) -> String {
        let escaped = escape(text)
        let parts = escaped.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return escaped }
        var out = ""
        for (i, part) in parts.enumerated() {
            if i % 2 == 1 && i < parts.count - 1 { out += "<code>\(part)</code>" } else { out += (i % 2 == 1 ? "`" : "") + part }
        }
        return out
    }
}
