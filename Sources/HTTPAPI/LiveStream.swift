/// Server-Sent Events plumbing shared by the live streams.
enum LiveStream {
    enum Signal<Event: Sendable>: Sendable {
        case event(Event)
        case beat
    }

    /// Live events interleaved with heartbeats, so proxies keep an idle stream open; ends when
    /// the events end.
    static func merge<Event: Sendable>(_ live: AsyncStream<Event>, heartbeat: Duration) -> AsyncStream<Signal<Event>> {
        AsyncStream { continuation in
            let forward = Task {
                for await event in live { continuation.yield(.event(event)) }
                continuation.finish()
            }
            let beats = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    if !Task.isCancelled { continuation.yield(.beat) }
                }
            }
            continuation.onTermination = { _ in forward.cancel(); beats.cancel() }
        }
    }
}
