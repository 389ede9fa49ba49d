import Foundation
import Hummingbird
import LiveEvents
import NIOCore

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
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One event: its id, its name and its data (a schema of `openapi.yaml`, encoded as the
    /// generated routes encode it) on one line.
    static func event(_ name: String, _ body: some Encodable, id: Int64) throws -> ByteBuffer {
        let data = String(decoding: try encoder.encode(body), as: UTF8.self)
        return ByteBuffer(string: "id: \(id)\nevent: \(name)\ndata: \(data)\n\n")
    }

    /// A stream's response: its events as the body writes them.
    static func response(_ body: ResponseBody) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

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
