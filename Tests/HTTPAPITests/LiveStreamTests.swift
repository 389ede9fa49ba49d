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
}
