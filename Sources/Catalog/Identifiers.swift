/// A product's id.
public struct ProductID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: ProductID, b: ProductID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// A category's id.
public struct CategoryID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: CategoryID, b: CategoryID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}
