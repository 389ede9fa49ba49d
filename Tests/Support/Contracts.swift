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

/// One backend a contract suite runs on: its name (as the test's argument reads) and how to
/// make a fresh `World` (the repository under test and what it points at) on it.
public struct ContractBackend<World>: Sendable, CustomStringConvertible {
    public var name: String
    public var make: @Sendable () async throws -> World
    public var description: String { name }

    public init(name: String, make: @escaping @Sendable () async throws -> World) { self.name = name; self.make = make }

    /// Every backend of `Contracts.databases`, each building its world with `build`.
    public static func all(_ build: @escaping @Sendable (SpatiaLiteDatabase) async throws -> World) -> [ContractBackend] {
        Contracts.databases.map { database in ContractBackend(name: database.name) { try await build(try database.make()) } }
    }
}
