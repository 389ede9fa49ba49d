/// The reference's schemas: a type as one line with links, a schema's members as a table
/// (nested objects inline, as `parent.child`), and the components' schemas each with the
/// operations that use it.
extension Renderer {
    /// A schema's type in a few words: a link for a `$ref`, `array of …`, `map of …`, `… or null`.
    func type(_ schema: Spec, depth: Int = 0) -> String {
        guard schema.exists, depth < 8 else { return "" }
        if let name = schema.refName { return "<a href=\"#schema-\(Self.anchor(name))\">\(Self.escape(name))</a>" }
        if let constant = schema["const"].string { return "<code>\(Self.escape(constant))</code>" }
        for combiner in ["oneOf", "anyOf", "allOf"] where schema[combiner].exists {
            let words = ["oneOf": "one of ", "anyOf": "any of ", "allOf": "all of "][combiner] ?? ""
            return words + schema[combiner].items.map { type($0, depth: depth + 1) }.joined(separator: ", ")
        }
        let types = schema["type"].strings
        var words: [String] = []
        for name in types where name != "null" {
            switch name {
            case "array":
                words.append("array of " + (schema["items"].exists ? type(schema["items"], depth: depth + 1) : "anything"))
            case "object" where schema["additionalProperties"].node?.mapping != nil && !schema["properties"].exists:
                words.append("map of string to " + type(schema["additionalProperties"], depth: depth + 1))
            default:
                words.append(Self.escape(name) + (schema["format"].string.map { " (\(Self.escape($0)))" } ?? ""))
            }
        }
        if words.isEmpty { words.append(types.isEmpty ? "any" : "null") } else if types.contains("null") { words.append("null") }
        return words.joined(separator: " or ")
    }

    /// What a schema allows beyond its type: its values, bounds, default and example.
    func constraints(_ schema: Spec) -> String {
        var notes: [String] = []
        let values = schema["enum"].strings
        if !values.isEmpty { notes.append("one of " + values.map { "<code>\(Self.escape($0))</code>" }.joined(separator: ", ")) }
        for (key, words) in [("minimum", "at least"), ("maximum", "at most"), ("minItems", "at least"), ("maxItems", "at most"),
                             ("minLength", "at least"), ("maxLength", "at most")] {
            if let bound = schema[key].string {
                let unit = key.hasSuffix("Items") ? " items" : key.hasSuffix("Length") ? " characters" : ""
                notes.append("\(words) \(Self.escape(bound))\(unit)")
            }
        }
        if let pattern = schema["pattern"].string { notes.append("matches <code>\(Self.escape(pattern))</code>") }
        if schema["default"].exists { notes.append("default <code>\(Self.escape(schema["default"].literal))</code>") }
        if schema["example"].exists { notes.append("e.g. <code>\(Self.escape(schema["example"].literal))</code>") }
        return notes.isEmpty ? "" : " <span class=\"constraints\">" + notes.joined(separator: "; ") + "</span>"
    }

    /// The members of an inline object schema (a request body's, or a component's) as a table;
    /// nothing for a `$ref` (its schema has its own table) or a scalar.
    func properties(of schema: Spec) -> String {
        let rows = rows(of: schema, prefix: "", depth: 0)
        guard !rows.isEmpty else { return "" }
        return "<table>\n<tr><th>Member</th><th>Type</th><th>Description</th></tr>\n" + rows.joined() + "</table>\n"
    }

    func rows(of schema: Spec, prefix: String, depth: Int) -> [String] {
        guard depth < 4, schema.refName == nil else { return [] }
        if schema["type"].strings.contains("array"), schema["items"]["properties"].exists {
            return rows(of: schema["items"], prefix: prefix.isEmpty ? "[]." : String(prefix.dropLast()) + "[].", depth: depth + 1)
        }
        let required = Set(schema["required"].strings)
        var rows: [String] = []
        for (name, member) in schema["properties"].entries {
            let flag = required.contains(name) ? " <span class=\"required\">required</span>" : ""
            rows.append("<tr><td><code>\(Self.escape(prefix + name))</code>\(flag)</td><td>\(type(member))</td>"
                        + "<td>\(Self.prose(member["description"].string ?? ""))\(constraints(member))</td></tr>\n")
            rows += self.rows(of: member, prefix: prefix + name + ".", depth: depth + 1)
        }
        return rows
    }

    func schemas() -> String {
        let usedBy = self.usedBy()
        var out = "<section id=\"schemas\">\n<h2>Schemas</h2>\n"
        for (name, schema) in document["components"]["schemas"].entries {
            out += "<article class=\"schema\" id=\"schema-\(Self.anchor(name))\">\n<h3>\(Self.escape(name))</h3>\n"
            if let description = schema["description"].string { out += "<p>\(Self.prose(description))</p>\n" }
            out += "<p class=\"meta\">\(type(schema))\(constraints(schema))</p>\n"
            out += properties(of: schema)
            if let users = usedBy[name], !users.isEmpty {
                out += "<p class=\"meta\">Used by " + users.map { "<a href=\"#\($0.anchor)\">\(Self.escape($0.id))</a>" }.joined(separator: ", ") + "</p>\n"
            }
            out += "</article>\n"
        }
        return out + "</section>\n"
    }

    /// For each schema, the operations that read or answer it, directly or through other schemas.
    func usedBy() -> [String: [Operation]] {
        var references: [String: Set<String>] = [:]
        for (name, schema) in document["components"]["schemas"].entries { references[name] = Self.references(in: schema) }
        for (name, response) in document["components"]["responses"].entries { references["response:" + name] = Self.references(in: response) }
        var used: [String: [Operation]] = [:]
        for operation in operations {
            var seen = Set<String>()
            var queue = Array(Self.references(in: operation.spec))
            while let next = queue.popLast() {
                guard seen.insert(next).inserted else { continue }
                queue += references[next] ?? []
            }
            for name in seen where !name.hasPrefix("response:") { used[name, default: []].append(operation) }
        }
        return used
    }

    /// The names every `$ref` under a node points at (responses as `response:Name`).
    static func references(in spec: Spec) -> Set<String> {
        var found = Set<String>()
        var stack = [spec]
        while let next = stack.popLast() {
            if let ref = next["$ref"].string, let name = next.refName {
                found.insert(ref.contains("/responses/") ? "response:" + name : name)
            }
            stack += next.entries.map(\.value)
            stack += next.items
        }
        return found
    }

    static let style = """
        body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#fff}
        header,nav,main{max-width:72rem;margin:0 auto;padding:0 1.5rem}
        header{padding-top:1rem}h1 small{font-weight:normal;color:#667}
        nav ul{list-style:none;padding-left:0;margin:.2rem 0 .8rem}nav li{margin:.1rem 0}nav h3{margin:.8rem 0 .2rem}
        h2{border-bottom:2px solid #dde;padding-bottom:.2rem;margin-top:2.5rem}
        article{border-top:1px solid #e4e6ee;padding:.5rem 0 1rem}
        h3 code{font-size:1rem}h4{margin:.8rem 0 .3rem}
        table{border-collapse:collapse;width:100%;margin:.3rem 0;font-size:14px}
        th,td{border:1px solid #e0e2ea;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f4f5f9}
        code{font:13px ui-monospace,monospace;background:#f4f5f9;padding:0 .2rem;border-radius:3px}
        .method{display:inline-block;min-width:3.6rem;text-align:center;font:bold 12px ui-monospace,monospace;
        color:#fff;border-radius:3px;padding:.1rem .3rem}
        .get{background:#2f6fb5}.post{background:#2e8b57}.put{background:#b8860b}.patch{background:#8a5cb8}.delete{background:#b83a3a}
        .summary{font-weight:600;margin:.2rem 0}.meta,.note{color:#556;font-size:14px}
        .required{color:#b83a3a;font-size:12px}.constraints,.example{color:#556}
        a{color:#2f5fa0;text-decoration:none}a:hover{text-decoration:underline}
        """
}
