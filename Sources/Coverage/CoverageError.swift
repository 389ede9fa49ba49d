/// A coverage input a planner must fix: the file, line and field at fault.
public struct CoverageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input at fault (`--demand`, `demand.csv line 7`, `features[3].geometry`).
    public var field: String
    public var message: String

    public init(field: String, _ message: String) { self.field = field; self.message = message }

    public var description: String { "\(field): \(message)" }
}
