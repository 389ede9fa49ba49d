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

    /// A `snapshot` (BoardSnapshot) of every rider and active delivery, then `rider`,
    /// `position` (RiderPosition), `delivery` and `round` (RoundReport) events as they happen.
    func board() throws -> Response {
        // Subscribe before taking the snapshot, so nothing in between is missed (a change seen
        // twice is harmless: each event carries the whole record, or a position with its time).
        let live = dispatch.board.subscribe(key: nil)
        let snapshot = Components.Schemas.BoardSnapshot(deliveries: try dispatch.activeDeliveries.map(APIHandlers.delivery),
                                                         riders: try dispatch.riders().map { try APIHandlers.rider($0) })
        let heartbeat = self.heartbeat
        return LiveStream.response(ResponseBody { writer in
            var sequence = 1
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            try await writer.write(try LiveStream.event("snapshot", snapshot, id: Int64(sequence)))
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
        case .rider(let r): try LiveStream.event("rider", try APIHandlers.rider(r), id: Int64(sequence))
        case .position(let r, let p, let at):
            try LiveStream.event("position", Components.Schemas.RiderPosition(at: Render.iso8601(at), position: APIHandlers.point(p), riderId: Int(r.rawValue)),
                                id: Int64(sequence))
        case .delivery(let d): try LiveStream.event("delivery", try APIHandlers.delivery(d), id: Int64(sequence))
        case .round(let report): try LiveStream.event("round", try APIHandlers.roundReport(report), id: Int64(sequence))
        }
    }

    /// The timeline so far as `status` events (DeliveryEvent), then each `status` and
    /// `position` (DeliveryPosition) as it happens; the stream ends after the last status.
    func tracking(_ id: DeliveryID) async throws -> Response {
        // Subscribe before reading the timeline, so nothing in between is missed.
        let live = dispatch.tracking.subscribe(key: id)
        let timeline = try await dispatch.timeline(id)
        let heartbeat = self.heartbeat
        return LiveStream.response(ResponseBody { writer in
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
        case .status(let e): try LiveStream.event("status", APIHandlers.deliveryEvent(e), id: Int64(sequence))
        case .position(let d, let r, let p, let at):
            try LiveStream.event("position", Components.Schemas.DeliveryPosition(at: Render.iso8601(at), deliveryId: Int(d.rawValue), position: APIHandlers.point(p),
                                                                      riderId: Int(r.rawValue)), id: Int64(sequence))
        }
    }
}
