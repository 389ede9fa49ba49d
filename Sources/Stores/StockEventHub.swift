import Foundation
import Synchronization

/// Fans committed stock events out to live subscribers (the SSE streams of staff screens).
/// Each subscriber has a bounded buffer; a subscriber that falls further behind has its stream
/// ended rather than silently thinned, so its client reconnects with the last id it saw and
/// catches up from the feed.
public final class StockEventHub: Sendable {
    private struct Subscriber {
        let store: StoreID?
        let continuation: AsyncStream<StockEvent>.Continuation
    }

    private let state = Mutex(State())
    private struct State {
        var subscribers: [UInt64: Subscriber] = [:]
        var nextToken: UInt64 = 0
        var finished = false
    }

    /// Events a subscriber may have waiting before the oldest are dropped.
    public static let bufferSize = 10_000

    public init() {}

    /// A stream of the events of one store (or of all) committed from now on. It ends when the
    /// hub finishes (at shutdown) or the consumer stops iterating.
    public func subscribe(store: StoreID?) -> AsyncStream<StockEvent> {
        let (stream, continuation) = AsyncStream<StockEvent>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let token: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            state.nextToken += 1
            state.subscribers[state.nextToken] = Subscriber(store: store, continuation: continuation)
            return state.nextToken
        }
        guard let token else { continuation.finish(); return stream }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: token) }
        }
        return stream
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    func publish(_ events: [StockEvent]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers {
            for event in events where subscriber.store == nil || subscriber.store == event.storeID {
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
