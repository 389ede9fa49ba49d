import Accounts
import Dispatching
import Foundation
import GeoCore
import Hummingbird
import Kernel
import NIOCore
import Stores

/// Riders, deliveries, their lifecycle, dispatch rounds and live tracking.
struct DispatchRoutes: Sendable {
    let stores: StoreService
    let dispatch: DispatchService
    let heartbeat: Duration

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/riders") { request, context in try await registerRider(request, context) }
        router.get("/v1/riders") { request, context in _ = try context.dispatcher(); return try listRiders(request) }
        router.get("/v1/riders/nearby") { request, context in _ = try context.dispatcher(); return try nearbyRiders(request) }
        router.get("/v1/riders/:id") { _, context in
            _ = try context.dispatcher()
            return JSONBody(value: Render.rider(try dispatch.rider(try Self.riderID(context))))
        }
        router.patch("/v1/riders/:id") { request, context in try await updateRider(request, context) }
        router.put("/v1/riders/:id/location") { request, context in try await location(request, context) }
        router.post("/v1/deliveries") { request, context in try await createDelivery(request, context) }
        router.get("/v1/deliveries") { request, context in _ = try context.dispatcher(); return try await listDeliveries(request) }
        router.get("/v1/deliveries/:id") { _, context in try await track(context) }
        router.get("/v1/deliveries/:id/events") { _, context in try await stream(context) }
        for action in Action.allCases {
            router.post("/v1/deliveries/:id/\(action.rawValue)") { request, context in try await perform(action, request, context) }
        }
        router.post("/v1/dispatch/rounds") { request, context in try await round(request, context) }
        router.get("/v1/dispatch/events") { _, context in _ = try context.dispatcher(); return boardStream() }
        router.get("/v1/dispatch/kpis") { request, context in _ = try context.dispatcher(); return try await kpis(request) }
        router.get("/v1/dispatch/rounds") { request, context in
            _ = try context.dispatcher()
            let limit = try Input.queryInt(request, "limit") ?? 20
            guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
                throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
            }
            return JSONBody(value: .object(["rounds": .array(try await dispatch.recentRounds(limit: limit).map(Render.round))]))
        }
    }

    // MARK: - Input

    static func riderID(_ context: AppRequestContext) throws -> RiderID {
        let raw = context.parameters.get("id") ?? ""
        guard let n = Int64(raw), n > 0 else { throw Problem.invalid("id", "a rider id is a positive integer, got \"\(raw)\"") }
        return RiderID(n)
    }

    static func deliveryID(_ context: AppRequestContext) throws -> DeliveryID {
        let raw = context.parameters.get("id") ?? ""
        guard let n = Int64(raw), n > 0 else { throw Problem.invalid("id", "a delivery id is a positive integer, got \"\(raw)\"") }
        return DeliveryID(n)
    }

    /// An optional JSON body: empty means no members.
    static func optionalObject(_ request: Request, _ context: AppRequestContext, allowed: Set<String>) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: APIConfiguration.maximumBodyBytes) } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
        guard buffer.readableBytes > 0 else { return [:] }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw Problem.invalid("body", "the body is not valid JSON")
        }
        return try Input.object(json, allowed: allowed)
    }

    static func positiveID(_ o: [String: JSONValue], _ key: String, required: Bool) throws -> Int64? {
        guard let n = try Input.integer(o, key, required: required) else { return nil }
        guard n > 0 else { throw Problem.invalid(key, "\(key) must be a positive integer") }
        return Int64(n)
    }

    static func vehicle(_ raw: String) throws -> VehicleType {
        guard let v = VehicleType(rawValue: raw) else {
            throw Problem.invalid("vehicle", "vehicle must be one of \(VehicleType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    /// `status` as riders set it: offline, or idle (signed on; busy follows from the route).
    static func online(_ raw: String) throws -> Bool {
        switch raw {
        case "offline": return false
        case "idle", "online": return true
        default: throw Problem.invalid("status", "status must be offline or idle (busy follows from the route)")
        }
    }

    static func note(_ o: [String: JSONValue], _ key: String, required: Bool = false) throws -> String? {
        guard let text = try Input.string(o, key, required: required) else { return nil }
        guard !text.isEmpty, text.count <= 500 else { throw Problem.invalid(key, "\(key) must be 1 to 500 characters") }
        return text
    }

    // MARK: - Riders

    func registerRider(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.dispatcher()
        let o = try Input.object(try await Input.json(request, context: context),
                                 allowed: ["name", "vehicle", "capacity", "shift_start", "shift_end", "status", "lat", "lon"])
        let now = dispatch.now()
        let start = try Input.string(o, "shift_start").map { try Input.instant($0, field: "shift_start", now: now) } ?? now
        let end = try Input.string(o, "shift_end").map { try Input.instant($0, field: "shift_end", now: now) } ?? start.addingTimeInterval(8 * 3600)
        var position: Coordinate?
        let lat = try Input.number(o, "lat"), lon = try Input.number(o, "lon")
        if lat != nil || lon != nil {
            guard let lat, let lon else { throw Problem.invalid(lat == nil ? "lat" : "lon", "lat and lon come together") }
            position = try Coordinate.validated(latitude: lat, longitude: lon)
        }
        let draft = RiderDraft(name: try Input.string(o, "name", required: true)!,
                               vehicle: try Self.vehicle(try Input.string(o, "vehicle", required: true)!),
                               capacity: try Input.integer(o, "capacity") ?? 1, shiftStart: start, shiftEnd: end,
                               online: try Input.string(o, "status").map(Self.online) ?? true, position: position)
        return JSONBody(value: Render.rider(try await dispatch.register(draft)), status: .created)
    }

    func updateRider(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.dispatcher()
        let id = try Self.riderID(context)
        let o = try Input.object(try await Input.json(request, context: context),
                                 allowed: ["name", "vehicle", "capacity", "shift_start", "shift_end", "status"])
        let now = dispatch.now()
        let name = try Input.string(o, "name"), vehicle = try Input.string(o, "vehicle").map(Self.vehicle)
        let capacity = try Input.integer(o, "capacity"), online = try Input.string(o, "status").map(Self.online)
        let start = try Input.string(o, "shift_start").map { try Input.instant($0, field: "shift_start", now: now) }
        let end = try Input.string(o, "shift_end").map { try Input.instant($0, field: "shift_end", now: now) }
        let rider = try await dispatch.update(id) { d in
            if let name { d.name = name }
            if let vehicle { d.vehicle = vehicle }
            if let capacity { d.capacity = capacity }
            if let online { d.online = online }
            if let start { d.shiftStart = start }
            if let end { d.shiftEnd = end }
        }
        return JSONBody(value: Render.rider(rider))
    }

    func location(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.dispatcher()
        let id = try Self.riderID(context)
        let o = try Input.object(try await Input.json(request, context: context), allowed: ["lat", "lon", "at"])
        let point = try Coordinate.validated(latitude: try Input.number(o, "lat", required: true)!,
                                             longitude: try Input.number(o, "lon", required: true)!)
        let at = try Input.string(o, "at").map { try Input.instant($0, field: "at", now: dispatch.now()) }
        let applied = try dispatch.updateLocation(id, to: point, at: at)
        let rider = try dispatch.rider(id)
        return JSONBody(value: .object([
            "rider_id": Render.id(id.rawValue), "applied": .bool(applied),
            "position": Render.point(rider.position), "position_at": Render.time(rider.positionAt),
            "reason": applied ? .null : .string("older than the last position applied"),
        ]))
    }

    static func riderStatus(_ request: Request) throws -> RiderStatus? {
        guard let raw = request.uri.queryParameters["status"] else { return nil }
        guard let s = RiderStatus(rawValue: String(raw)) else { throw Problem.invalid("status", "status must be offline, idle or busy") }
        return s
    }

    func listRiders(_ request: Request) throws -> JSONBody {
        let limit = try Input.queryInt(request, "limit") ?? 100
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        let after = try Input.queryInt(request, "cursor").map { RiderID(Int64($0)) }
        var found = dispatch.riders(status: try Self.riderStatus(request), after: after, limit: limit + 1)
        var next: JSONValue = .null
        if found.count > limit {
            found.removeLast()
            next = .string(String(found.last!.id.rawValue))
        }
        return JSONBody(value: .object(["riders": .array(found.map { Render.rider($0) }), "next_cursor": next]))
    }

    func nearbyRiders(_ request: Request) throws -> JSONBody {
        let point = try Input.point(request)
        let limit = try Input.queryInt(request, "limit") ?? 10
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        let radius = try Input.queryDouble(request, "radius_m") ?? .infinity
        guard radius > 0 else { throw Problem.invalid("radius_m", "radius_m must be positive") }
        let found = dispatch.nearbyRiders(to: point, status: try Self.riderStatus(request), limit: limit, within: radius)
        return JSONBody(value: .object(["count": Render.number(found.count),
                                        "riders": .array(found.map { Render.rider($0.rider, distance: $0.distance) })]))
    }

    // MARK: - Deliveries

    func createDelivery(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.signedIn()
        let o = try Input.object(try await Input.json(request, context: context),
                                 allowed: ["store_id", "drop", "size", "ready_at", "promised_at", "external_ref"])
        let storeID = try Self.positiveID(o, "store_id", required: true)!
        _ = try context.dispatcher(orStaffOf: StoreID(storeID))
        guard let store = stores.finder.store(StoreID(storeID)) else {
            throw DomainError(.notFound, field: "store_id", "no store \(storeID)")
        }
        let drop = try Input.object(o["drop"] ?? .null, field: "drop", allowed: ["lat", "lon"])
        let point = try Coordinate.validated(latitude: try Input.number(drop, "lat", required: true, path: "drop.")!,
                                             longitude: try Input.number(drop, "lon", required: true, path: "drop.")!,
                                             latitudeField: "drop.lat", longitudeField: "drop.lon")
        let now = dispatch.now()
        let ready = try Input.string(o, "ready_at").map { try Input.instant($0, field: "ready_at", now: now) } ?? now
        let promised = try Input.instant(try Input.string(o, "promised_at", required: true)!, field: "promised_at", now: now)
        let key = try Input.string(o, "external_ref") ?? request.headers[.init("Idempotency-Key")!]
        let draft = DeliveryDraft(storeID: storeID, pickup: store.location, drop: point, size: try Input.integer(o, "size") ?? 1,
                                  readyAt: ready, promisedBy: promised, externalRef: key)
        let (delivery, created) = try await dispatch.create(draft)
        return JSONBody(value: Render.delivery(delivery), status: created ? .created : .ok)
    }

    func listDeliveries(_ request: Request) async throws -> JSONBody {
        var status: DeliveryStatus?
        if let raw = request.uri.queryParameters["status"] {
            guard let s = DeliveryStatus(rawValue: String(raw)) else {
                throw Problem.invalid("status", "status must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = s
        }
        let rider = try Input.queryInt(request, "rider_id").map { RiderID(Int64($0)) }
        let limit = try Input.queryInt(request, "limit") ?? 100
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        let found = try await dispatch.storage.deliveries(status: status, rider: rider, limit: limit)
        return JSONBody(value: .object(["deliveries": .array(found.map(Render.delivery))]))
    }

    /// The delivery, if the caller may see it: a dispatcher, an admin or its store's staff.
    func visible(_ context: AppRequestContext) async throws -> DeliveryID {
        let caller = try context.signedIn()
        // Callers who could see no delivery are refused before any is looked up.
        guard caller.role == .dispatcher || caller.role == .admin || caller.role == .staff else {
            throw DomainError(.forbidden, "a delivery is its store's and the dispatchers'")
        }
        let id = try Self.deliveryID(context)
        _ = try context.dispatcher(orStaffOf: StoreID(try await dispatch.delivery(id).storeID))
        return id
    }

    func track(_ context: AppRequestContext) async throws -> JSONBody {
        let id = try await visible(context)
        let tracking = try await dispatch.track(id)
        return JSONBody(value: Render.tracking(tracking, timeline: try await dispatch.timeline(id)))
    }

    /// The lifecycle steps, each `POST /v1/deliveries/{id}/<action>`.
    enum Action: String, CaseIterable, Sendable {
        case assign, accept, decline, pickup, deliver, fail, cancel
    }

    func perform(_ action: Action, _ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.dispatcher()
        let id = try Self.deliveryID(context)
        let o = try await Self.optionalObject(request, context, allowed: ["rider_id", "reason", "note"])
        let required = action == .assign || action == .accept || action == .decline
        let rider = try Self.positiveID(o, "rider_id", required: required).map { RiderID($0) }
        let d: Delivery
        switch action {
        case .assign: d = try await dispatch.assign(id, to: rider!, note: try Self.note(o, "note"))
        case .accept: d = try await dispatch.accept(id, by: rider!)
        case .decline: d = try await dispatch.decline(id, by: rider!, reason: try Self.note(o, "reason"))
        case .pickup: d = try await dispatch.pickUp(id, by: rider)
        case .deliver: d = try await dispatch.deliver(id, by: rider)
        case .fail: d = try await dispatch.fail(id, by: rider, reason: try Self.note(o, "reason", required: true)!)
        case .cancel: d = try await dispatch.cancel(id, reason: try Self.note(o, "reason"))
        }
        return JSONBody(value: Render.delivery(d))
    }

    // MARK: - Rounds

    func round(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.dispatcher()
        let o = try await Self.optionalObject(request, context, allowed: ["strategy", "radius_m", "candidates", "lateness_weight", "ready_horizon_s", "assign_late"])
        var options = dispatch.options
        if let raw = try Input.string(o, "strategy") {
            guard let s = DispatchStrategy(rawValue: raw) else { throw Problem.invalid("strategy", "strategy must be nearest, batch or bundle") }
            options.strategy = s
        }
        options.radius = try Input.number(o, "radius_m") ?? options.radius
        options.candidatesPerDelivery = try Input.integer(o, "candidates") ?? options.candidatesPerDelivery
        options.latenessWeight = try Input.number(o, "lateness_weight") ?? options.latenessWeight
        options.readyHorizon = try Input.number(o, "ready_horizon_s") ?? options.readyHorizon
        options.assignLate = try Input.member(o, "assign_late", required: false, path: "", expected: "true or false") { if case .bool(let b) = $0 { b } else { nil } } ?? options.assignLate
        let report = try await dispatch.runRound(trigger: "manual", options: options)
        return JSONBody(value: Render.roundReport(report))
    }

    // MARK: - The dispatcher's board

    /// The indicators of a day (`date`, default today, in `time_zone`, default UTC) with the
    /// riders and deliveries as they are now.
    func kpis(_ request: Request) async throws -> JSONBody {
        let q = request.uri.queryParameters
        let zoneName = q["time_zone"].map(String.init) ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw Problem.invalid("time_zone", "time_zone must be an IANA time zone such as Europe/Lisbon, got \"\(zoneName)\"")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = dispatch.now()
        var start = calendar.startOfDay(for: now)
        if let raw = q["date"].map(String.init) {
            let parts = raw.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, raw.count == 10, let y = parts[0], let m = parts[1], let d = parts[2],
                  let day = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  calendar.component(.month, from: day) == m, calendar.component(.day, from: day) == d else {
                throw Problem.invalid("date", "date is a day as YYYY-MM-DD, got \"\(raw)\"")
            }
            start = day
        }
        guard let end = calendar.date(byAdding: .day, value: 1, to: start) else { throw Problem.invalid("date", "date is out of range") }
        let day = try await dispatch.day(from: start, to: end)
        let riders = dispatch.riders(), active = dispatch.activeDeliveries
        func optional(_ x: Double?, _ scale: Double = 10) -> JSONValue { x.map { .number(($0 * scale).rounded() / scale) } ?? .null }
        let dayText = String(format: "%04d-%02d-%02d", calendar.component(.year, from: start), calendar.component(.month, from: start),
                             calendar.component(.day, from: start))
        return JSONBody(value: .object([
            "date": .string(dayText), "time_zone": .string(zone.identifier), "from": Render.time(start), "to": Render.time(end),
            "deliveries": .object([
                "created": Render.number(day.created), "delivered": Render.number(day.delivered), "on_time": Render.number(day.onTime),
                "late": Render.number(day.delivered - day.onTime), "on_time_percent": optional(day.onTimePercent),
                "failed": Render.number(day.failed), "cancelled": Render.number(day.cancelled),
                "mean_minutes": optional(day.meanMinutes), "p90_minutes": optional(day.p90Minutes),
            ]),
            "rounds": .object([
                "count": Render.number(day.rounds), "assigned": Render.number(day.assigned),
                "mean_solve_ms": optional(day.meanSolveSeconds.map { $0 * 1000 }, 100),
            ]),
            "now": .object([
                "riders": .object(Dictionary(uniqueKeysWithValues: RiderStatus.allCases.map { s in
                    (s.rawValue, Render.number(riders.count { $0.status == s }))
                })),
                "deliveries": .object(Dictionary(uniqueKeysWithValues: DeliveryStatus.allCases.filter { !$0.isFinal }.map { s in
                    (s.rawValue, Render.number(active.count { $0.status == s }))
                })),
            ]),
        ]))
    }

    /// Server-Sent Events for the dispatcher's board: a `snapshot` of every rider and active
    /// delivery, then `rider`, `position`, `delivery` and `round` events as they happen.
    func boardStream() -> Response {
        // Subscribe before taking the snapshot, so nothing in between is missed (a change seen
        // twice is harmless: each event carries the whole record, or a position with its time).
        let live = dispatch.board.subscribe(key: nil)
        let snapshot = JSONValue.object([
            "riders": .array(dispatch.riders().map { Render.rider($0) }),
            "deliveries": .array(dispatch.activeDeliveries.map(Render.delivery)),
        ])
        let heartbeat = self.heartbeat
        let body = ResponseBody { writer in
            var sequence = 1
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n" + Render.serverSentEvent("snapshot", snapshot, sequence: sequence)))
            for await signal in LiveStream.merge(live, heartbeat: heartbeat) {
                switch signal {
                case .event(let update):
                    sequence += 1
                    try await writer.write(ByteBuffer(string: Render.boardEvent(update, sequence: sequence)))
                case .beat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    // MARK: - Tracking stream

    /// Server-Sent Events: the timeline so far, then each status change and rider position as
    /// it happens; the stream ends after the delivery's last status.
    func stream(_ context: AppRequestContext) async throws -> Response {
        let id = try await visible(context)
        // Subscribe before reading the timeline, so nothing in between is missed.
        let live = dispatch.tracking.subscribe(key: id)
        let timeline = try await dispatch.timeline(id)
        let heartbeat = self.heartbeat
        let body = ResponseBody { writer in
            var sequence = 0, seen = Set<String>()
            func send(_ update: TrackingUpdate) async throws -> Bool {
                if case .status(let e) = update {
                    // An event both in the timeline and live is sent once.
                    guard seen.insert("\(e.status.rawValue)@\(e.at.timeIntervalSinceReferenceDate)").inserted else { return false }
                }
                sequence += 1
                try await writer.write(ByteBuffer(string: Render.serverSentEvent(update, sequence: sequence)))
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
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
