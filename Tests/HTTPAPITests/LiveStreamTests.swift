@testable import HTTPAPI
import Testing

@Suite("Live streams")
struct LiveStreamTests {
    @Test("a stream opens with a heartbeat and sends one each interval while idle; events pass through in order; it ends with its events")
    func heartbeats() async throws {
        let (idle, idleFeed) = AsyncStream.makeStream(of: Int.self)
        var beats = 0
        for await signal in LiveStream.merge(idle, heartbeat: .milliseconds(5)) {
            guard case .beat = signal else { Issue.record("an event from an idle stream"); break }
            beats += 1
            if beats == 3 { break }
        }
        #expect(beats == 3)
        idleFeed.finish()

        let (live, feed) = AsyncStream.makeStream(of: Int.self)
        for n in 1...5 { feed.yield(n) }
        feed.finish()
        var events: [Int] = [], first: LiveStream.Signal<Int>?
        for await signal in LiveStream.merge(live, heartbeat: .seconds(3_600)) {
            if first == nil { first = signal }
            if case .event(let n) = signal { events.append(n) }
        }
        #expect(events == [1, 2, 3, 4, 5])
        // The first heartbeat does not wait for the interval.
        if case .beat? = first {} else { Issue.record("the stream did not open with a heartbeat") }
    }

    @Test("a client that stops reading is cut off once its buffer is full, not buffered without end")
    func slowClient() async throws {
        let (live, feed) = AsyncStream.makeStream(of: Int.self)
        let merged = LiveStream.merge(live, heartbeat: .seconds(3_600), buffer: 8)
        // Nobody reads while 100 events arrive.
        for n in 1...100 { feed.yield(n) }
        try await Task.sleep(for: .milliseconds(200))
        var received = 0
        for await signal in merged { if case .event = signal { received += 1 } }
        // The stream ended by itself (the feed never finished) after at most the buffered events.
        #expect(received <= 8)
        feed.finish()
    }
}
