/// A refusal a client can act on, naming the input field at fault; the HTTP layer maps
/// ``Kind`` to a status.
public struct AccountError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Malformed or out-of-range input (400).
        case invalid
        /// No valid credentials: a wrong password, an unknown, expired or revoked token (401).
        case unauthenticated
        /// Signed in, but not allowed to do this (403).
        case forbidden
        /// The named account, address or store does not exist (404 in a path, 422 in a body).
        case notFound
        /// Taken already, like an email address (409).
        case conflict
        /// Too many failed sign-ins: try again after ``AccountError/retryAfter`` seconds (429).
        case throttled
    }

    public var kind: Kind
    public var field: String?
    public var message: String
    /// Seconds until a throttled caller may try again.
    public var retryAfter: Int?

    public init(_ kind: Kind, field: String? = nil, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind; self.field = field; self.message = message; self.retryAfter = retryAfter
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
