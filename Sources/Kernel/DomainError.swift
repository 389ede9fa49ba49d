/// The one error every domain module throws for input or state a client can act on: what kind
/// of refusal it is, the input field at fault, and a message for a person. The HTTP layer turns
/// it into an RFC 9457 problem document with ``status``; the command line prints
/// ``description``.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The input is malformed or out of range (400).
        case invalid
        /// The input is well formed but cannot be accepted as it stands (422).
        case unprocessable
        /// A named thing does not exist (404 when the path names it, 422 when the body does).
        case notFound
        /// The write would break a uniqueness, version or state rule, or the stock is not there (409).
        case conflict
        /// The named thing existed but has lapsed, like an expired reservation (410).
        case gone
        /// No valid credentials: a wrong password, an unknown, expired or revoked token (401).
        case unauthenticated
        /// Signed in, but not allowed to do this (403).
        case forbidden
        /// Too many attempts: try again after ``DomainError/retryAfter`` seconds (429).
        case throttled
    }

    /// One of several faults found in the same input (every bad line of a stock batch).
    public struct Detail: Hashable, Sendable, Codable {
        public var field: String
        public var message: String
        public init(field: String, message: String) { self.field = field; self.message = message }
    }

    public var kind: Kind
    /// The input at fault, as the client spelled it (`lat`, `items[2].qty`, `line 7`, `--store`).
    public var field: String?
    public var message: String
    /// Every fault when there are several; the first also fills `field` and `message`.
    public var details: [Detail]
    /// Seconds until a throttled caller may try again.
    public var retryAfter: Int?

    public init(_ kind: Kind, field: String? = nil, _ message: String, details: [Detail] = [], retryAfter: Int? = nil) {
        self.kind = kind; self.field = field; self.message = message; self.details = details; self.retryAfter = retryAfter
    }

    /// The HTTP status the refusal maps to. A missing thing named by the path (`id`) is 404;
    /// one named in the query or body is the client's input, 422.
    public var status: Int {
        switch kind {
        case .invalid: 400
        case .unprocessable: 422
        case .notFound: field == "id" ? 404 : 422
        case .conflict: 409
        case .gone: 410
        case .unauthenticated: 401
        case .forbidden: 403
        case .throttled: 429
        }
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
