/// A problem with geographic input, naming the field it came from so that callers can
/// report it to whoever sent it.
public struct GeoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input field at fault, as the caller named it (`lat`, `features[2].geometry`, …).
    public var field: String
    /// What is wrong, in words a client developer can act on.
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// The same error, with its field placed under a parent path.
    public func nested(under parent: String) -> GeoError {
        GeoError(field: field.isEmpty ? parent : (field.hasPrefix("[") ? parent + field : parent + "." + field), message)
    }

    public var description: String { "\(field): \(message)" }
}
