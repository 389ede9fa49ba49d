import Foundation
import GeoCore
import Kernel
import Stores

extension Render {
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
