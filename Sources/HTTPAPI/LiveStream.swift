import LiveEvents

/// Server-Sent Events plumbing shared by the live streams.
enum LiveStream {
    enum Signal<Event: Sendable>: Sendable {
        case event(Event)
        case beat
    }

    /// Live events interleaved with heartbeats, so proxies keep an idle stream open; ends when
    /// the events end. The first heartbeat goes out at once, as the live part begins: it
    /// flushes what a proxy buffered of the backlog and tells the client the stream is live.
    /// At most `buffer` signals wait for a slow client; one that falls further behind has its
    /// stream ended (it reconnects and catches up), so a client that stops reading cannot make
    /// the server hold its events without end.
    static func merge<Event: Sendable>(_ live: AsyncStream<Event>, heartbeat: Duration,
                                       buffer: Int = EventHub<Int, Int>.bufferSize) -> AsyncStream<Signal<Event>> {
        AsyncStream(bufferingPolicy: .bufferingNewest(buffer)) { continuation in
            continuation.yield(.beat)
            let forward = Task {
                for await event in live {
                    if case .dropped = continuation.yield(.event(event)) { break }
                }
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
