import GRDB
import Kernel
import Stores

/// A uniqueness rule a write may break, and how to tell the client: the column as SQLite names
/// it in its message ("stores.external_ref"), the input field, and the words.
struct UniqueRule: Sendable {
    var column: String
    var field: String
    var message: String
}

extension DatabaseWriter {
    /// Runs a write transaction, turning a broken uniqueness rule into a ``DomainError`` conflict
    /// on the field the rule names (or a general conflict for a rule not listed).
    func write<T: Sendable>(refusing rules: [UniqueRule], _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            if let rule = rules.first(where: { error.message?.contains($0.column) == true }) {
                throw DomainError(.conflict, field: rule.field, rule.message)
            }
            throw DomainError(.conflict, "a unique value is already taken: \(error.message ?? "")")
        }
    }
}
