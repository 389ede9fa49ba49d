/// Server-Sent Events plumbing shared by the live streams.
enum LiveStream {
    enum Signal<Event: Sendable>: Sendable {
        case event(Event)
        case beat
    }

    /// Live events interleaved with heartbeats, so proxies keep an idle stream open; ends when
    /// the events end. The first heartbeat goes out at once, as the live part begins: it
    /// flushes what a proxy buffered of the backlog and tells the client the stream is live.
    static func merge<Event: Sendable>(_ live: AsyncStream<Event>, heartbeat: Duration) -> AsyncStream<Signal<Event>> {
        AsyncStream { continuation in
            continuation.yield(.beat)
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
