@testable import HTTPAPI
import Testing

@Suite("Live streams")
struct LiveStreamTests {
    @Test("an idle stream sends heartbeats; events pass through in order; the stream ends with its events")
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
        var events: [Int] = []
        for await signal in LiveStream.merge(live, heartbeat: .seconds(3_600)) {
            if case .event(let n) = signal { events.append(n) }
        }
        #expect(events == [1, 2, 3, 4, 5])
    }
}
