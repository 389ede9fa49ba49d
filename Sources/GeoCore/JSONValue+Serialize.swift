/// JSON text of a value, written directly: keys sorted, slashes not escaped, integral numbers
/// without a fraction — the bytes `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`
/// writes, at a fraction of its cost (it goes through `Codable` and boxes every value).
extension JSONValue {
    /// The UTF-8 JSON text. Numbers that are not finite, which JSON cannot hold, are written as null.
    public func serialized(capacity: Int = 1_024) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        write(into: &out)
        return out
    }

    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Self.nullBytes
        case .bool(let b): out += b ? Self.trueBytes : Self.falseBytes
        case .number(let n): Self.write(number: n, into: &out)
        case .string(let s): Self.write(string: s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(string: member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends a number as this writer writes it (integral values without a fraction).
    public static func write(number n: Double, into out: inout [UInt8]) {
        guard n.isFinite else { out += nullBytes; return }
        // Whole numbers, the usual case (ids, money, counts), without going through text.
        if n == n.rounded(.towardZero), abs(n) < 1e15, !(n == 0 && n.sign == .minus) {
            write(integer: Int(n), into: &out)
            return
        }
        // The shortest text that reads back as the same number; "99.0" is written "99".
        let text = n.description.utf8
        out += text.count > 2 && text.suffix(2).elementsEqual(".0".utf8) ? text.dropLast(2) : text[...]
    }

    /// Appends an integer's decimal digits.
    public static func write(integer n: Int, into out: inout [UInt8]) {
        if n < 0 {
            out.append(UInt8(ascii: "-"))
            // The magnitude as unsigned, so that Int.min has one too.
            write(magnitude: n.magnitude, into: &out)
        } else {
            write(magnitude: UInt(n), into: &out)
        }
    }

    private static func write(magnitude: UInt, into out: inout [UInt8]) {
        if magnitude < 10 { out.append(UInt8(ascii: "0") &+ UInt8(magnitude)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        var rest = magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[23 - count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Appends a string, quoted and escaped as this writer writes it.
    public static func write(string s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
