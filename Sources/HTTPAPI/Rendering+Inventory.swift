import Foundation
import GeoCore
import Kernel
import Stores

extension Render {
    static func item(_ item: Reservation.Item) -> JSONValue {
        .object(["sku": .string(item.sku.rawValue), "qty": number(item.quantity)])
    }

    static func basketOption(_ o: BasketOption, query: BasketQuery) -> [String: JSONValue] {
        [
            "store": store(o.store),
            "distance_m": .number((o.distance * 10).rounded() / 10),
            "fee_minor": number(o.feeMinor),
            "promised_minutes": o.zone.map { number($0.promisedMinutes) } ?? .null,
            "min_order_minor": o.zone.map { number($0.minimumOrderMinor) } ?? .null,
            "zone_id": o.zone.map { .number(Double($0.id.rawValue)) } ?? .null,
            "open": o.isOpen.map(JSONValue.bool) ?? .null,
            "availability": .array(zip(query.items, o.available).map { item, available in
                .object(["sku": .string(item.sku.rawValue), "available": number(available)])
            }),
        ]
    }

    static func basket(_ answer: BasketAnswer, query: BasketQuery) -> JSONValue {
        let split: JSONValue = answer.split.map { split in
            .object([
                "method": .string(split.method.rawValue),
                "exact": .bool(split.isExact),
                "store_count": number(split.parts.count),
                "total_fee_minor": number(split.totalFeeMinor),
                "total_distance_m": .number((split.totalDistance * 10).rounded() / 10),
                "parts": .array(split.parts.map { part in
                    var o = basketOption(part.option, query: query)
                    o["items"] = .array(part.items.map(item))
                    return .object(o)
                }),
            ])
        } ?? .null
        return .object([
            "fulfilment": .string(query.fulfilment.rawValue),
            "items": .array(query.items.map(item)),
            "count": number(answer.stores.count),
            "stores": .array(answer.stores.map { .object(basketOption($0, query: query)) }),
            "split": split,
            "unavailable": .array(answer.unavailable.map(item)),
            "stores_needed": answer.storesNeeded.map(number) ?? .null,
            "candidates": answer.candidates.map(number) ?? .null,
        ])
    }

    static func details(_ details: [DomainError.Detail]) -> JSONValue {
        .array(details.map { .object(["field": .string($0.field), "detail": .string($0.message)]) })
    }

    static func batchResult(_ r: StockBatchResult) -> JSONValue {
        .object([
            "store_id": .number(Double(r.storeID.rawValue)), "outcome": .string(r.outcome.rawValue),
            "batch_id": r.batchID.map { .number(Double($0)) } ?? .null, "kind": .string(r.kind.rawValue),
            "sequence": r.sequence.map { .number(Double($0)) } ?? .null, "idempotency_key": optional(r.idempotencyKey),
            "last_sequence": r.lastSequence.map { .number(Double($0)) } ?? .null,
            "changed": number(r.changed), "unchanged": number(r.unchanged), "zeroed": number(r.zeroed),
            "refused": details(r.refused), "warnings": details(r.warnings),
            "applied_at": r.appliedAt.map { .string(iso8601($0)) } ?? .null,
        ])
    }
}
