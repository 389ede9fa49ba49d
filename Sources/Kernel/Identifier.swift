/// What an ``Identifier`` names, and the raw value it is written as: a database row id
/// (`Int64`) or a code (`String`).
public protocol IdentifierKind {
    associatedtype RawValue: Hashable, Comparable, Sendable, Codable, CustomStringConvertible
}

/// The one identifier type of every entity: `Identifier<IDKind.Store>` and
/// `Identifier<IDKind.Order>` are both row ids, but the compiler keeps them apart, so an order's id
/// can never be passed where a store's is meant. It encodes as its bare raw value.
public struct Identifier<Kind: IdentifierKind>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible
{
    public var rawValue: Kind.RawValue

    public init(_ rawValue: Kind.RawValue) { self.rawValue = rawValue }
    public init(rawValue: Kind.RawValue) { self.rawValue = rawValue }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue.description }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Kind.RawValue.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension Identifier: ExpressibleByIntegerLiteral where Kind.RawValue == Int64 {
    public init(integerLiteral value: Int64) { rawValue = value }
}

extension Identifier: ExpressibleByUnicodeScalarLiteral, ExpressibleByExtendedGraphemeClusterLiteral,
    ExpressibleByStringLiteral where Kind.RawValue == String
{
    public init(stringLiteral value: String) { rawValue = value }
}
