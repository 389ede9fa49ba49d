import Foundation
import Kernel

/// Flat key-value messages as the providers send them: URL-encoded forms, WeChat's XML, and the
/// "sorted k=v&k=v" strings their signatures cover.
public enum ProviderEncoding {
    /// The characters a form value keeps unescaped (RFC 3986 unreserved).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func formEncode(_ fields: [String: String]) -> String {
        fields.keys.sorted().map { "\(escape($0))=\(escape(fields[$0]!))" }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }

    /// Parses `application/x-www-form-urlencoded`; nil when it is not that (bad escapes,
    /// repeated keys, not UTF-8).
    public static func formDecode(_ body: Data) -> [String: String]? {
        guard let text = String(data: body, encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ s: Substring) -> String? { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let key = unescape(parts[0]), !key.isEmpty, let value = parts.count == 2 ? unescape(parts[1]) : "" else { return nil }
            guard fields[key] == nil else { return nil }
            fields[key] = value
        }
        return fields
    }

    /// The string a signature covers: every field but the excluded ones (and empty values),
    /// sorted by key, as `k=v` joined by `&`, unescaped.
    public static func signingString(_ fields: [String: String], excluding: Set<String>) -> String {
        fields.filter { !excluding.contains($0.key) && !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// WeChat Pay's flat XML: `<xml><key><![CDATA[value]]></key>…</xml>`.
    public static func xmlEncode(_ fields: [String: String]) -> String {
        "<xml>" + fields.keys.sorted().map { k in
            let v = fields[k]!.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
            return "<\(k)><![CDATA[\(v)]]></\(k)>"
        }.joined() + "</xml>"
    }

    /// Parses WeChat Pay's flat XML; nil when it is not one `<xml>` of simple elements.
    public static func xmlDecode(_ body: Data) -> [String: String]? {
        var parser = FlatXMLParser(data: body)
        return parser.parse()
    }

    /// "12.34": an amount in major units with two decimals, as Alipay writes amounts.
    public static func decimal(_ m: Money) -> String {
        let units = m.minor.magnitude / 100, cents = m.minor.magnitude % 100
        return "\(m.minor < 0 ? "-" : "")\(units).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Reads "12.34" (or "12", "12.3") as 1234 minor units; nil for anything else.
    public static func minor(decimal s: String) -> Int? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12, parts[0].allSatisfy(\.isASCII),
              let units = Int(parts[0]), units >= 0 else { return nil }
        var cents = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let c = Int(parts[1]) else { return nil }
            cents = parts[1].count == 1 ? c * 10 : c
        }
        return units * 100 + cents
    }

    /// Reads a whole number of minor units ("1234"); nil for anything else.
    public static func minor(integer s: String) -> Int? {
        guard (1...15).contains(s.count), s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    /// ISO 4217 numeric codes (UnionPay's currencyCode) of the currencies o2o prices in.
    public static let numericCurrency: [String: String] = [
        "CNY": "156", "EUR": "978", "USD": "840", "GBP": "826", "HKD": "344", "SGD": "702", "AUD": "036", "CHF": "756",
    ]
}

/// WeChat Pay's messages are one level of elements under `<xml>`, each text or CDATA; this
/// reads exactly that and refuses anything else (attributes, nesting, DTDs, stray text).
struct FlatXMLParser {
    let bytes: [UInt8]
    var i = 0

    init(data: Data) { bytes = Array(data) }

    mutating func parse() -> [String: String]? {
        skipSpace()
        if starts("<?xml") { guard let end = find("?>") else { return nil }; i = end + 2; skipSpace() }
        guard take("<xml>") else { return nil }
        var fields: [String: String] = [:]
        while true {
            skipSpace()
            if take("</xml>") { skipSpace(); return i == bytes.count ? fields : nil }
            guard take("<"), let name = name(), take(">") else { return nil }
            var value = ""
            while !starts("</") {
                if take("<![CDATA[") {
                    guard let end = find("]]>") else { return nil }
                    value += String(decoding: bytes[i..<end], as: UTF8.self); i = end + 3
                } else {
                    let start = i
                    while i < bytes.count, bytes[i] != UInt8(ascii: "<") { i += 1 }
                    // A "<" that opens neither CDATA nor the closing tag: nesting, comments and the like are refused.
                    guard i > start, i < bytes.count, let text = Self.unescape(String(decoding: bytes[start..<i], as: UTF8.self)) else { return nil }
                    value += text
                }
            }
            guard take("</"), name == self.name(), take(">"), fields[name] == nil else { return nil }
            fields[name] = value
        }
    }

    mutating func name() -> String? {
        let start = i
        while i < bytes.count, (bytes[i] >= 0x61 && bytes[i] <= 0x7a) || (bytes[i] >= 0x41 && bytes[i] <= 0x5a)
            || (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: "_") { i += 1 }
        return i > start ? String(decoding: bytes[start..<i], as: UTF8.self) : nil
    }

    mutating func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) { i += 1 } }

    func starts(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u
    }

    mutating func take(_ s: String) -> Bool {
        guard starts(s) else { return false }
        i += s.utf8.count
        return true
    }

    func find(_ s: String) -> Int? {
        let u = Array(s.utf8)
        var j = i
        while j + u.count <= bytes.count {
            if Array(bytes[j..<(j + u.count)]) == u { return j }
            j += 1
        }
        return nil
    }

    static func unescape(_ s: String) -> String? {
        var out = "", rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { return nil }
            switch rest[rest.index(after: amp)..<semi] {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default: return nil
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
