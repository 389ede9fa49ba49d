import Dispatching
import Foundation
import Hummingbird
import Kernel
import NIOCore
import O2OAPI

/// The two live streams of dispatch as Server-Sent Events, written as things happen: the
/// dispatcher's board (`/v1/dispatch/events`) and one delivery's tracking
/// (`/v1/deliveries/{id}/events`). Each event's data is a schema of `openapi.yaml`, encoded
/// as the generated routes encode it.
struct DispatchStreams: Sendable {
    let handlers: APIHandlers
    let heartbeat: Duration

    var dispatch: DispatchService { handlers.dispatch }

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/dispatch/events") { _, context in
            _ = try context.dispatcher()
            return try board()
        }
        router.get("/v1/deliveries/:id/events") { _, context in
            let raw = context.parameters.get("id") ?? ""
            guard let n = Int(raw) else {
                throw Problem.invalid("id", "a delivery id is a positive integer, got \"\(raw)\"")
            }
            return try await tracking(try await handlers.visibleDelivery(n, context))
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One event: its id, its name and its data as one line of JSON.
    static func event(_ name: String, _ body: some Encodable, sequence: Int) throws -> ByteBuffer {
        let data = String(decoding: try encoder.encode(body), as: UTF8.self)
        return ByteBuffer(string: "id: \(sequence)\nevent: \(name)\ndata: \(data)\n\n")
    }

    static func response(_ body: ResponseBody) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// A `snapshot` (BoardSnapshot) of every rider and active delivery, then `rider`,
    /// `position` (RiderPosition), `delivery` and `round` (RoundReport) events as they happen.
    func board() throws -> Response {
        // Subscribe before taking the snapshot, so nothing in between is missed (a change seen
        // twice is harmless: each event carries the whole record, or a position with its time).
        let live = dispatch.board.subscribe(key: nil)
        let snapshot = Components.Schemas.BoardSnapshot(deliveries: try dispatch.activeDeliveries.map(APIHandlers.delivery),
                                                         riders: try dispatch.riders().map { try APIHandlers.rider($0) })
        let heartbeat = self.heartbeat
        return Self.response(ResponseBody { writer in
            var sequence = 1
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            try await writer.write(try Self.event("snapshot", snapshot, sequence: sequence))
            for await signal in LiveStream.merge(live, heartbeat: heartbeat) {
                switch signal {
                case .event(let update):
                    sequence += 1
                    try await writer.write(try Self.boardEvent(update, sequence: sequence))
                case .beat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }

    static func boardEvent(_ update: BoardUpdate, sequence: Int) throws -> ByteBuffer {
        switch update {
        case .rider(let r): try event("rider", try APIHandlers.rider(r), sequence: sequence)
        case .position(let r, let p, let at):
            try event("position", Components.Schemas.RiderPosition(at: Render.iso8601(at), position: APIHandlers.point(p), riderId: Int(r.rawValue)),
                      sequence: sequence)
        case .delivery(let d): try event("delivery", try APIHandlers.delivery(d), sequence: sequence)
        case .round(let report): try event("round", try APIHandlers.roundReport(report), sequence: sequence)
        }
    }

    /// The timeline so far as `status` events (DeliveryEvent), then each `status` and
    /// `position` (DeliveryPosition) as it happens; the stream ends after the last status.
    func tracking(_ id: DeliveryID) async throws -> Response {
        // Subscribe before reading the timeline, so nothing in between is missed.
        let live = dispatch.tracking.subscribe(key: id)
        let timeline = try await dispatch.timeline(id)
        let heartbeat = self.heartbeat
        return Self.response(ResponseBody { writer in
            var sequence = 0, seen = Set<String>()
            func send(_ update: TrackingUpdate) async throws -> Bool {
                if case .status(let e) = update {
                    // An event both in the timeline and live is sent once.
                    guard seen.insert("\(e.status.rawValue)@\(e.at.timeIntervalSinceReferenceDate)").inserted else { return false }
                }
                sequence += 1
                try await writer.write(try Self.trackingEvent(update, sequence: sequence))
                if case .status(let e) = update, e.status.isFinal { return true }
                return false
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var finished = false
            for e in timeline where !finished { finished = try await send(.status(e)) }
            if !finished {
                loop: for await signal in LiveStream.merge(live, heartbeat: heartbeat) {
                    switch signal {
                    case .event(let update): if try await send(update) { break loop }
                    case .beat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
            }
            try await writer.finish(nil)
        })
    }

    static func trackingEvent(_ update: TrackingUpdate, sequence: Int) throws -> ByteBuffer {
        switch update {
        case .status(let e): try event("status", APIHandlers.deliveryEvent(e), sequence: sequence)
        case .position(let d, let r, let p, let at):
            try event("position", Components.Schemas.DeliveryPosition(at: Render.iso8601(at), deliveryId: Int(d.rawValue), position: APIHandlers.point(p),
                                                                      riderId: Int(r.rawValue)), sequence: sequence)
        }
    }
}
