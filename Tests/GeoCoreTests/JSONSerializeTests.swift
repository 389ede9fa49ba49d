import Foundation
import Testing
import TestRandom
@testable import GeoCore

@Suite("JSON text written directly")
struct JSONSerializeTests {
    static func randomString(_ rng: inout SeededRandom) -> String {
        let pieces = ["a", "Z", "/", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}", "😀", " ", "0"]
        return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func randomNumber(_ rng: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &rng))
        case 1: return Double.random(in: -180...180, using: &rng)
        case 2: return Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -320...300, using: &rng)))
        case 3: return [0, -0.0, 1e15, 1e16, 9_007_199_254_740_993, 0.1, 1e-7, 5e-324].randomElement(using: &rng)!
        case 4: return (Double.random(in: 0...10_000, using: &rng) * 100).rounded() / 100
        case 5: return Double(Int64.random(in: .min ... .max, using: &rng))
        default: return Double.random(in: 0...1, using: &rng)
        }
    }

    static func randomValue(_ rng: inout SeededRandom, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(randomNumber(&rng))
        case 3: return .string(randomString(&rng))
        case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &rng) { members[randomString(&rng)] = randomValue(&rng, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test("the same bytes as JSONEncoder (sorted keys, slashes unescaped) for 5,000 random values")
    func equalsJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rng = SeededRandom(seed: 21)
        for i in 0..<5_000 {
            let value = Self.randomValue(&rng)
            let expected = try encoder.encode(value)
            let got = value.serialized()
            #expect(Array(expected) == got, "value \(i): \(String(decoding: got, as: UTF8.self)) ≠ \(String(decoding: expected, as: UTF8.self))")
            // And it reads back as the same value.
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(got)) == value)
        }
    }

    @Test("numbers JSON cannot hold are written as null")
    func nonFinite() {
        #expect(String(decoding: JSONValue.array([.number(.nan), .number(.infinity), .number(1)]).serialized(), as: UTF8.self) == "[null,null,1]")
    }
}

@Suite("JSON integers written directly")
struct JSONIntegerTests {
    @Test("integers as their decimal text, the extremes included")
    func integers() {
        var rng = SeededRandom(seed: 5)
        let values = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min] + (0..<2_000).map { _ in Int.random(in: .min ... .max, using: &rng) >> Int.random(in: 0...62, using: &rng) }
        for n in values {
            var out: [UInt8] = []
            JSONValue.write(integer: n, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(n))
        }
    }
}
