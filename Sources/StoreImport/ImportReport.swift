import Stores

/// What an import read, kept and refused, for the operator to read.
public struct ImportReport: Sendable, CustomStringConvertible {
    public struct Rejection: Sendable, Hashable {
        public var line: Int
        public var reference: String?
        public var reason: String
    }

    public var source: String
    public var rowsRead = 0
    /// Rows that are not stores of the kinds imported (OSM shops that do not sell groceries).
    public var rowsSkipped = 0
    public var rejected: [Rejection] = []
    /// Stores kept whose opening hours could not be read: they are imported with unknown hours.
    public var hoursUnknown = 0
    public var hoursMissing = 0
    public var outcome = ImportOutcome()

    public init(source: String) { self.source = source }

    public var description: String {
        var lines = [
            "import of \(source)",
            "  rows read:            \(rowsRead)",
            "  skipped (not stores): \(rowsSkipped)",
            "  rejected:             \(rejected.count)",
            "  stores created:       \(outcome.storesCreated)",
            "  stores updated:       \(outcome.storesUpdated)",
            "  stores unchanged:     \(outcome.storesUnchanged)",
            "  zones written:        \(outcome.zonesWritten)",
            "  SKUs written:         \(outcome.skusWritten)",
            "  stock rows written:   \(outcome.stockRowsWritten) (unchanged \(outcome.stockRowsUnchanged))",
            "  opening hours:        \(hoursMissing) not given, \(hoursUnknown) not understood (kept as unknown)",
        ]
        for r in rejected {
            lines.append("  rejected line \(r.line)\(r.reference.map { " (\($0))" } ?? ""): \(r.reason)")
        }
        return lines.joined(separator: "\n")
    }
}
