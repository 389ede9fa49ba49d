import Foundation
import Kernel
import Persistence

/// What the repository contract suites share: the storage backends each runs on, and how a
/// refusal is told apart.
public enum Contracts {
    /// Each backend a contract suite runs on, by name, with a fresh, empty database of it.
    /// A second storage backend joins here.
    public static let databases: [(name: String, make: @Sendable () throws -> SpatiaLiteDatabase)] = [
        ("SpatiaLite in memory", { try DemoFixture.emptyDatabase(onDisk: false).0 }),
        ("SpatiaLite on disk", { try DemoFixture.emptyDatabase(onDisk: true).0 }),
    ]

    /// The kind of the domain error `body` throws; nil when it succeeds or throws something else.
    public static func refusal(_ body: () async throws -> Void) async -> DomainError.Kind? {
        do { try await body(); return nil } catch let e as DomainError { return e.kind } catch { return nil }
    }
}
