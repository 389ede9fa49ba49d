/// Lets one write at a time through a service, from the database write to the in-memory index
/// update after it, so that the index applies committed writes in commit order. SQLite takes
/// one writer at a time anyway; without the gate, two requests could commit A then B and
/// reach the index B then A, leaving it showing A.
public actor WriteGate {
    public init() {}

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            // Hand the gate straight to the next writer: `busy` stays true.
            waiting.removeFirst().resume()
        }
    }
}
