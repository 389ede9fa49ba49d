/// A failure a client can act on, naming the input field at fault. The HTTP layer maps
/// ``Kind`` to a status and the rest to an RFC 9457 problem document.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The input is malformed or out of range (HTTP 400).
        case invalid
        /// The input is well formed but cannot be accepted as it stands (HTTP 422).
        case unprocessable
        /// A named store, zone or SKU does not exist (HTTP 404 for a path, 422 in a body).
        case notFound
        /// The write would break a uniqueness or version rule, or the stock is not there (HTTP 409).
        case conflict
        /// The named thing existed but has lapsed, like an expired reservation (HTTP 410).
        case gone
    }

    /// One of several faults found in the same input (every bad line of a stock batch).
    public struct Detail: Hashable, Sendable, Codable {
        public var field: String
        public var message: String
        public init(field: String, message: String) { self.field = field; self.message = message }
    }

    public var kind: Kind
    public var field: String?
    public var message: String
    /// Every fault when there are several; the first also fills `field` and `message`.
    public var details: [Detail]

    public init(_ kind: Kind, field: String? = nil, _ message: String, details: [Detail] = []) {
        self.kind = kind; self.field = field; self.message = message; self.details = details
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
