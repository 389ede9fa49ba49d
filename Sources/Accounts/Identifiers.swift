/// An account's id.
public struct AccountID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: AccountID, b: AccountID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// A delivery address's id.
public struct AddressID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: AddressID, b: AddressID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}
