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
        /// The write would break a uniqueness or version rule (HTTP 409).
        case conflict
    }

    public var kind: Kind
    public var field: String?
    public var message: String

    public init(_ kind: Kind, field: String? = nil, _ message: String) {
        self.kind = kind; self.field = field; self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
