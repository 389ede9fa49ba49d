import Dispatching
import Foundation
import GeoCore

extension Render {
    static func id(_ n: Int64) -> JSONValue { .number(Double(n)) }
    static func time(_ d: Date?) -> JSONValue { d.map { .string(iso8601($0)) } ?? .null }
    static func point(_ c: Coordinate?) -> JSONValue {
        guard let c else { return .null }
        return .object(["lat": .number(c.latitude), "lon": .number(c.longitude)])
    }
    static func seconds(_ s: Double) -> JSONValue { .number((s * 10).rounded() / 10) }

    static func rider(_ r: Rider, distance: Double? = nil) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": id(r.id.rawValue), "name": .string(r.name), "vehicle": .string(r.vehicle.rawValue),
            "capacity": number(r.capacity), "shift_start": time(r.shiftStart), "shift_end": time(r.shiftEnd),
            "status": .string(r.status.rawValue), "position": point(r.position), "position_at": time(r.positionAt),
            "route": .array(r.route.map { .object(["delivery_id": id($0.delivery.rawValue), "kind": .string($0.kind.rawValue)]) }),
        ]
        if let distance { o["distance_m"] = .number((distance * 10).rounded() / 10) }
        return .object(o)
    }

    static func delivery(_ d: Delivery) -> JSONValue {
        .object([
            "id": id(d.id.rawValue), "store_id": id(d.storeID), "external_ref": optional(d.externalRef),
            "pickup": point(d.pickup), "drop": point(d.drop), "size": number(d.size),
            "ready_at": time(d.readyAt), "promised_at": time(d.promisedBy), "status": .string(d.status.rawValue),
            "rider_id": d.rider.map { id($0.rawValue) } ?? .null, "offer_expires_at": time(d.offerExpiresAt),
            "declined_by": .array(d.declinedBy.sorted().map { id($0.rawValue) }), "created_at": time(d.createdAt),
        ])
    }

    static func deliveryEvent(_ e: DeliveryEvent) -> JSONValue {
        .object([
            "delivery_id": id(e.delivery.rawValue), "status": .string(e.status.rawValue), "at": time(e.at),
            "position": point(e.position), "rider_id": e.rider.map { id($0.rawValue) } ?? .null, "note": optional(e.note),
        ])
    }

    static func tracking(_ t: DispatchService.Tracking, timeline: [DeliveryEvent]) -> JSONValue {
        .object([
            "delivery": delivery(t.delivery),
            "rider": t.rider.map { .object(["id": id($0.id.rawValue), "name": .string($0.name), "vehicle": .string($0.vehicle.rawValue),
                                            "position": point($0.position), "position_at": time($0.positionAt)]) } ?? .null,
            "pickup_eta": time(t.pickupETA), "drop_eta": time(t.dropETA),
            "timeline": .array(timeline.map(deliveryEvent)),
        ])
    }

    static func round(_ r: RoundRecord) -> JSONValue {
        .object([
            "id": r.id.map(id) ?? .null, "at": time(r.at), "trigger": .string(r.trigger), "strategy": .string(r.strategy.rawValue),
            "assigned": number(r.assigned), "unassigned": number(r.unassigned), "deferred": number(r.deferred),
            "candidate_pairs": number(r.candidatePairs), "total_cost_s": seconds(r.totalCost),
            "total_lateness_s": seconds(r.totalLateness), "late": number(r.late),
            "solve_ms": .number((r.solveSeconds * 1e5).rounded() / 100),
            "unassigned_by_reason": .object(Dictionary(uniqueKeysWithValues: r.reasons.map { ($0.key.rawValue, number($0.value)) })),
        ])
    }

    static func roundReport(_ report: DispatchService.RoundReport) -> JSONValue {
        guard case .object(var o) = round(report.record) else { return .null }
        o["assignments"] = .array(report.plan.assignments.map { a in
            .object(["delivery_id": id(a.delivery.rawValue), "rider_id": id(a.rider.rawValue), "pickup_eta_s": seconds(a.pickupETA),
                     "drop_eta": time(Date(timeIntervalSinceReferenceDate: a.dropTime)), "lateness_s": seconds(a.lateness),
                     "cost": seconds(a.cost), "bundled": .bool(a.bundled)])
        })
        o["unassigned_deliveries"] = .array(report.plan.unassigned.map {
            .object(["delivery_id": id($0.delivery.rawValue), "reason": .string($0.reason.rawValue)])
        })
        return .object(o)
    }

    static func serverSentEvent(_ name: String, _ body: JSONValue, sequence: Int) -> String {
        "id: \(sequence)\nevent: \(name)\ndata: \(String(decoding: body.serialized(), as: UTF8.self))\n\n"
    }

    static func boardEvent(_ update: BoardUpdate, sequence: Int) -> String {
        switch update {
        case .rider(let r): serverSentEvent("rider", rider(r), sequence: sequence)
        case .position(let r, let p, let at):
            serverSentEvent("position", .object(["rider_id": id(r.rawValue), "position": point(p), "at": time(at)]), sequence: sequence)
        case .delivery(let d): serverSentEvent("delivery", delivery(d), sequence: sequence)
        case .round(let report): serverSentEvent("round", roundReport(report), sequence: sequence)
        }
    }

    static func serverSentEvent(_ update: TrackingUpdate, sequence: Int) -> String {
        let (name, body): (String, JSONValue) = switch update {
        case .status(let e): ("status", deliveryEvent(e))
        case .position(let d, let r, let p, let at):
            ("position", .object(["delivery_id": id(d.rawValue), "rider_id": id(r.rawValue), "position": point(p), "at": time(at)]))
        }
        return serverSentEvent(name, body, sequence: sequence)
    }
}
