import Synchronization

/// Fans committed events out to live subscribers (SSE streams), each subscribed to the
/// events of one key (a store, a delivery) or of all. Each subscriber has a bounded buffer;
/// a subscriber that falls further behind has its stream ended rather than silently thinned,
/// so its client reconnects and catches up from a feed.
public final class EventHub<Key: Hashable & Sendable, Event: Sendable>: Sendable {
    private struct Subscriber {
        let key: Key?
        let continuation: AsyncStream<Event>.Continuation
    }

    private let keyOf: @Sendable (Event) -> Key
    private let state = Mutex(State())
    private struct State {
        var subscribers: [UInt64: Subscriber] = [:]
        var nextToken: UInt64 = 0
        var finished = false
        var published = 0
    }

    /// Events a subscriber may have waiting before its stream is ended.
    public static var bufferSize: Int { 10_000 }

    /// `key` names the key an event belongs to.
    public init(key: @escaping @Sendable (Event) -> Key) { keyOf = key }

    /// A stream of the events of one key (or of all, for nil) published from now on. It ends
    /// when the hub finishes (at shutdown) or the consumer stops iterating.
    public func subscribe(key: Key?) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let token: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            state.nextToken += 1
            state.subscribers[state.nextToken] = Subscriber(key: key, continuation: continuation)
            return state.nextToken
        }
        guard let token else { continuation.finish(); return stream }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: token) }
        }
        return stream
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Events published since the hub was made (for metrics).
    public var publishedCount: Int { state.withLock { $0.published } }

    /// Whether anyone listens to `key` (or to everything): lets a hot path skip building events.
    public func hasSubscribers(for key: Key) -> Bool {
        state.withLock { $0.subscribers.values.contains { $0.key == nil || $0.key == key } }
    }

    public func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLock { state in
            state.published += events.count
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers {
            for event in events where subscriber.key == nil || subscriber.key == keyOf(event) {
                if case .dropped = subscriber.continuation.yield(event) {
                    subscriber.continuation.finish()
                    break
                }
            }
        }
    }

    /// Ends every stream, now and for later subscribers (graceful shutdown).
    public func finish() {
        let subscribers = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.continuation.finish() }
    }
}
