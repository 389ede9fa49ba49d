import Dispatching
import Foundation
import GeoCore
import Kernel
import O2OAPI

/// `/v1/riders` and `/v1/dispatch/…`: the dispatchers' riders, their positions, the dispatch
/// rounds and the day's indicators. The board's live stream keeps its raw route
/// (`DispatchStreams`), as Server-Sent Events are written as they happen.
extension APIHandlers {
    func registerRider(_ input: Operations.RegisterRider.Input) async throws -> Operations.RegisterRider.Output {
        _ = try context.dispatcher()
        guard case .json(let body) = input.body else { throw Self.noBody }
        let now = dispatch.now()
        let start = try body.shiftStart.map { try Input.instant($0, field: "shift_start", now: now) } ?? now
        let end = try body.shiftEnd.map { try Input.instant($0, field: "shift_end", now: now) } ?? start.addingTimeInterval(8 * 3600)
        var position: Coordinate?
        if body.lat != nil || body.lon != nil {
            guard let lat = body.lat, let lon = body.lon else {
                throw DomainError(.invalid, field: body.lat == nil ? "lat" : "lon", "lat and lon come together")
            }
            position = try Coordinate.validated(latitude: lat, longitude: lon)
        }
        let draft = RiderDraft(name: body.name, vehicle: try Self.vehicle(body.vehicle.rawValue), capacity: body.capacity ?? 1,
                               shiftStart: start, shiftEnd: end, online: body.status.map { $0 != .offline } ?? true, position: position)
        return .created(.init(body: .json(try Self.rider(try await dispatch.register(draft)))))
    }

    func listRiders(_ input: Operations.ListRiders.Input) async throws -> Operations.ListRiders.Output {
        _ = try context.dispatcher()
        let limit = try Self.pageSize(input.query.limit)
        let after = try input.query.cursor.map { RiderID(try Self.positive($0, "cursor")) }
        var found = dispatch.riders(status: try Self.riderStatus(input.query.status), after: after, limit: limit + 1)
        var next: String?
        if found.count > limit {
            found.removeLast()
            next = found.last.map { String($0.id.rawValue) }
        }
        return .ok(.init(body: .json(.init(nextCursor: next, riders: try found.map { try Self.rider($0) }))))
    }

    func nearbyRiders(_ input: Operations.NearbyRiders.Input) async throws -> Operations.NearbyRiders.Output {
        _ = try context.dispatcher()
        let point = try Coordinate.validated(latitude: input.query.lat, longitude: input.query.lon)
        let limit = try Self.pageSize(input.query.limit, default: 10)
        let radius = input.query.radiusM ?? .infinity
        guard radius > 0 else { throw DomainError(.invalid, field: "radius_m", "radius_m must be positive") }
        let found = dispatch.nearbyRiders(to: point, status: try Self.riderStatus(input.query.status), limit: limit, within: radius)
        return .ok(.init(body: .json(.init(count: found.count, riders: try found.map { try Self.rider($0.rider, distance: $0.distance) }))))
    }

    func getRider(_ input: Operations.GetRider.Input) async throws -> Operations.GetRider.Output {
        _ = try context.dispatcher()
        return .ok(.init(body: .json(try Self.rider(try dispatch.rider(try Self.riderID(input.path.id))))))
    }

    func updateRider(_ input: Operations.UpdateRider.Input) async throws -> Operations.UpdateRider.Output {
        _ = try context.dispatcher()
        let id = try Self.riderID(input.path.id)
        guard case .json(let body) = input.body else { throw Self.noBody }
        let now = dispatch.now()
        let vehicle = try body.vehicle.map(Self.vehicle)
        let start = try body.shiftStart.map { try Input.instant($0, field: "shift_start", now: now) }
        let end = try body.shiftEnd.map { try Input.instant($0, field: "shift_end", now: now) }
        let online = body.status.map { $0 != .offline }
        let rider = try await dispatch.update(id) { d in
            if let name = body.name { d.name = name }
            if let vehicle { d.vehicle = vehicle }
            if let capacity = body.capacity { d.capacity = capacity }
            if let online { d.online = online }
            if let start { d.shiftStart = start }
            if let end { d.shiftEnd = end }
        }
        return .ok(.init(body: .json(try Self.rider(rider))))
    }

    func updateRiderLocation(_ input: Operations.UpdateRiderLocation.Input) async throws -> Operations.UpdateRiderLocation.Output {
        _ = try context.dispatcher()
        let id = try Self.riderID(input.path.id)
        guard case .json(let body) = input.body else { throw Self.noBody }
        let point = try Coordinate.validated(latitude: body.lat, longitude: body.lon)
        let at = try body.at.map { try Input.instant($0, field: "at", now: dispatch.now()) }
        let applied = try dispatch.updateLocation(id, to: point, at: at)
        let rider = try dispatch.rider(id)
        return .ok(.init(body: .json(.init(applied: applied, position: rider.position.map(Self.point), positionAt: rider.positionAt.map(Render.iso8601),
                                           reason: applied ? nil : "older than the last position applied", riderId: Int(id.rawValue)))))
    }

    // MARK: - Rounds and indicators

    func runDispatchRound(_ input: Operations.RunDispatchRound.Input) async throws -> Operations.RunDispatchRound.Output {
        _ = try context.dispatcher()
        var options = dispatch.options
        if case .json(let body) = input.body {
            if let strategy = body.strategy { options.strategy = try Self.enumValue(strategy.rawValue, field: "strategy") }
            options.radius = body.radiusM ?? options.radius
            options.candidatesPerDelivery = body.candidates ?? options.candidatesPerDelivery
            options.latenessWeight = body.latenessWeight ?? options.latenessWeight
            options.readyHorizon = body.readyHorizonS ?? options.readyHorizon
            options.assignLate = body.assignLate ?? options.assignLate
        }
        let report = try await dispatch.runRound(trigger: "manual", options: options)
        return .ok(.init(body: .json(try Self.roundReport(report))))
    }

    func listDispatchRounds(_ input: Operations.ListDispatchRounds.Input) async throws -> Operations.ListDispatchRounds.Output {
        _ = try context.dispatcher()
        let limit = try Self.pageSize(input.query.limit, default: 20)
        return .ok(.init(body: .json(.init(rounds: try await dispatch.recentRounds(limit: limit).map(Self.round)))))
    }

    /// The indicators of a day (`date`, default today, in `time_zone`, default UTC) with the
    /// riders and deliveries as they are now.
    func dispatchKPIs(_ input: Operations.DispatchKPIs.Input) async throws -> Operations.DispatchKPIs.Output {
        _ = try context.dispatcher()
        let (start, end, calendar) = try Self.day(input.query.date, timeZone: input.query.timeZone ?? "UTC", now: dispatch.now())
        let day = try await dispatch.day(from: start, to: end)
        let riders = dispatch.riders(), active = dispatch.activeDeliveries
        func rounded(_ x: Double?, _ scale: Double = 10) -> Double? { x.map { ($0 * scale).rounded() / scale } }
        let date = calendar.dateComponents([.year, .month, .day], from: start)
        let kpis = Components.Schemas.DispatchKPIs(
            date: String(format: "%04d-%02d-%02d", date.year ?? 0, date.month ?? 0, date.day ?? 0),
            deliveries: .init(cancelled: day.cancelled, created: day.created, delivered: day.delivered, failed: day.failed,
                              late: day.delivered - day.onTime, meanMinutes: rounded(day.meanMinutes), onTime: day.onTime,
                              onTimePercent: rounded(day.onTimePercent), p90Minutes: rounded(day.p90Minutes)),
            from: Render.iso8601(start),
            now: .init(deliveries: .init(additionalProperties: Dictionary(uniqueKeysWithValues: DeliveryStatus.allCases.filter { !$0.isFinal }.map { s in
                           (s.rawValue, active.count { $0.status == s })
                       })),
                       riders: .init(additionalProperties: Dictionary(uniqueKeysWithValues: RiderStatus.allCases.map { s in
                           (s.rawValue, riders.count { $0.status == s })
                       }))),
            rounds: .init(assigned: day.assigned, count: day.rounds, meanSolveMs: rounded(day.meanSolveSeconds.map { $0 * 1000 }, 100)),
            timeZone: calendar.timeZone.identifier, to: Render.iso8601(end))
        return .ok(.init(body: .json(kpis)))
    }

    // MARK: - Translation

    /// The day `raw` (YYYY-MM-DD, default today) in the IANA time zone `zoneName`: its start, its end and the calendar.
    static func day(_ raw: String?, timeZone zoneName: String, now: Date) throws(DomainError) -> (Date, Date, Calendar) {
        guard let zone = TimeZone(identifier: zoneName) else {
            throw DomainError(.invalid, field: "time_zone", "time_zone must be an IANA time zone such as Europe/Lisbon, got \"\(zoneName)\"")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var start = calendar.startOfDay(for: now)
        if let raw {
            let parts = raw.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, raw.count == 10, let y = parts[0], let m = parts[1], let d = parts[2],
                  let day = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  calendar.component(.month, from: day) == m, calendar.component(.day, from: day) == d else {
                throw DomainError(.invalid, field: "date", "date is a day as YYYY-MM-DD, got \"\(raw)\"")
            }
            start = day
        }
        guard let end = calendar.date(byAdding: .day, value: 1, to: start) else { throw DomainError(.invalid, field: "date", "date is out of range") }
        return (start, end, calendar)
    }

    static func riderID(_ id: Int) throws(DomainError) -> RiderID {
        guard id > 0 else { throw DomainError(.invalid, field: "id", "a rider id is a positive integer, got \(id)") }
        return RiderID(Int64(id))
    }

    static func vehicle(_ raw: String) throws(DomainError) -> VehicleType {
        guard let v = VehicleType(rawValue: raw) else {
            throw DomainError(.invalid, field: "vehicle", "vehicle must be one of \(VehicleType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    static func riderStatus(_ raw: String?) throws(DomainError) -> RiderStatus? {
        guard let raw else { return nil }
        guard let s = RiderStatus(rawValue: raw) else { throw DomainError(.invalid, field: "status", "status must be offline, idle or busy") }
        return s
    }

    /// A domain value as the API's enumeration, which lists the same words; a word the document
    /// lacks is a conflict between the two, said as such rather than a crash.
    static func enumValue<T: RawRepresentable>(_ raw: String, field: String) throws(DomainError) -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw DomainError(.conflict, field: field, "\(field) \(raw) is not in the API's document")
        }
        return value
    }

    static func point(_ c: Coordinate) -> Components.Schemas.Point { .init(lat: c.latitude, lon: c.longitude) }

    /// Seconds to a tenth.
    static func tenths(_ s: Double) -> Double { (s * 10).rounded() / 10 }

    static func rider(_ r: Rider, distance: Double? = nil) throws -> Components.Schemas.Rider {
        .init(capacity: r.capacity, distanceM: distance.map(tenths), id: Int(r.id.rawValue), name: r.name, position: r.position.map(point),
              positionAt: r.positionAt.map(Render.iso8601),
              route: try r.route.map { .init(deliveryId: Int($0.delivery.rawValue), kind: try enumValue($0.kind.rawValue, field: "kind")) },
              shiftEnd: Render.iso8601(r.shiftEnd), shiftStart: Render.iso8601(r.shiftStart),
              status: try enumValue(r.status.rawValue, field: "status"), vehicle: r.vehicle.rawValue)
    }

    static func round(_ r: RoundRecord) -> Components.Schemas.Round {
        .init(assigned: r.assigned, at: Render.iso8601(r.at), candidatePairs: r.candidatePairs, deferred: r.deferred, id: r.id.map { Int($0) },
              late: r.late, solveMs: (r.solveSeconds * 1e5).rounded() / 100, strategy: r.strategy.rawValue, totalCostS: tenths(r.totalCost),
              totalLatenessS: tenths(r.totalLateness), trigger: r.trigger, unassigned: r.unassigned,
              unassignedByReason: .init(additionalProperties: Dictionary(uniqueKeysWithValues: r.reasons.map { ($0.key.rawValue, $0.value) })))
    }

    static func roundReport(_ report: DispatchService.RoundReport) throws -> Components.Schemas.RoundReport {
        let r = report.record
        return .init(
            assigned: r.assigned,
            assignments: report.plan.assignments.map { a in
                .init(bundled: a.bundled, cost: tenths(a.cost), deliveryId: Int(a.delivery.rawValue),
                      dropEta: Render.iso8601(Date(timeIntervalSinceReferenceDate: a.dropTime)), latenessS: tenths(a.lateness),
                      pickupEtaS: tenths(a.pickupETA), riderId: Int(a.rider.rawValue))
            },
            at: Render.iso8601(r.at), candidatePairs: r.candidatePairs, deferred: r.deferred, id: r.id.map { Int($0) }, late: r.late,
            solveMs: (r.solveSeconds * 1e5).rounded() / 100, strategy: r.strategy.rawValue, totalCostS: tenths(r.totalCost),
            totalLatenessS: tenths(r.totalLateness), trigger: r.trigger, unassigned: r.unassigned,
            unassignedByReason: .init(additionalProperties: Dictionary(uniqueKeysWithValues: r.reasons.map { ($0.key.rawValue, $0.value) })),
            unassignedDeliveries: try report.plan.unassigned.map {
                .init(deliveryId: Int($0.delivery.rawValue), reason: try enumValue($0.reason.rawValue, field: "reason"))
            })
    }
}
