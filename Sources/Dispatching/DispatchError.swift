/// A dispatch failure a client can act on, naming the input field at fault. The HTTP layer
/// maps ``Kind`` to a status and the rest to an RFC 9457 problem document.
public struct DispatchError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Malformed or out-of-range input (HTTP 400).
        case invalid
        /// A rider or delivery named in the path does not exist (HTTP 404), or one named in a
        /// body does not (HTTP 422).
        case notFound
        /// The request does not fit the current state, like an invalid status transition (HTTP 409).
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
