/// An error raised while reading or validating a routing instance.
///
/// Every error names where the problem is, so a user can fix the file without
/// reading the parser: for the Li & Lim text format that is the 1-based line
/// number, for the JSON format the path of the offending object (for example
/// `requests[2].pickup`). When a specific field is at fault it is named too.
///
/// ```
/// line 7: field 'latest' is not a number: 'abc'
/// requests[2].pickup: field 'earliest' (50) is greater than field 'latest' (10)
/// ```
public struct RoutingInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number in a text file, when the error comes from one.
    public let line: Int?
    /// Path of the offending object in a JSON document, when the error comes from one.
    public let path: String?
    /// Name of the offending field, when one field is at fault.
    public let field: String?
    /// What is wrong, without the location prefix.
    public let reason: String

    /// Creates an error; prefer the location-specific factories below.
    public init(line: Int? = nil, path: String? = nil, field: String? = nil, reason: String) {
        self.line = line
        self.path = path
        self.field = field
        self.reason = reason
    }

    /// The full message: location, then field, then reason.
    public var description: String {
        var prefix = ""
        if let line {
            prefix = "line \(line): "
        } else if let path {
            prefix = "\(path): "
        }
        if let field {
            return "\(prefix)field '\(field)' \(reason)"
        }
        return prefix + reason
    }

    /// Same as ``description``; convenient in test expectations.
    public var message: String { description }
}

/// Where a node came from, so validation shared by both formats can report
/// the location in the vocabulary of the format the user wrote.
enum SourceLocation: Sendable, Equatable {
    case line(Int)
    case path(String)
    case unknown

    func error(field: String? = nil, _ reason: String) -> RoutingInputError {
        switch self {
        case .line(let line): RoutingInputError(line: line, field: field, reason: reason)
        case .path(let path): RoutingInputError(path: path, field: field, reason: reason)
        case .unknown: RoutingInputError(field: field, reason: reason)
        }
    }
}
