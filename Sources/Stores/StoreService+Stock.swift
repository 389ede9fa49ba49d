import Crypto
import Foundation
import Kernel

/// Reservations, till batches and stock events: every change goes through the write gate,
/// commits, then reaches the finder and the live event streams.
extension StoreService {
    /// The longest a reservation may hold stock, in seconds.
    public static let maximumReservationSeconds = 86_400
    /// The most lines one till batch may carry.
    public static let maximumBatchLines = 100_000

    // MARK: - Reservations

    /// Holds `items` at the store for `ttl` seconds; `.conflict` when the store cannot hold them all.
    public func reserve(store: StoreID, items: [Reservation.Item], ttl: Int) async throws -> Reservation {
        try await reserve(store: store, items: items, ttl: ttl, idempotencyKey: nil).reservation
    }

    /// As ``reserve(store:items:ttl:)``; a retry with the same `idempotencyKey` and request gets
    /// the first reservation back (`replayed`) instead of a second hold.
    public func reserve(store: StoreID, items: [Reservation.Item], ttl: Int,
                        idempotencyKey: String?) async throws -> (reservation: Reservation, replayed: Bool) {
        try Self.validate(basket: items)
        guard (1...Self.maximumReservationSeconds).contains(ttl) else {
            throw DomainError(.invalid, field: "ttl_s", "ttl_s must be between 1 and \(Self.maximumReservationSeconds)")
        }
        if let key = idempotencyKey { try Self.validate(idempotencyKey: key) }
        let request = "\(store)|\(ttl)|" + items.map { "\($0.sku.rawValue)=\($0.quantity)\n" }.joined()
        let hash = Self.digest(Data(request.utf8))
        return try await gate.run { [self] in
            // The clock is read inside the gate, so times follow commit order.
            let at = now()
            let result = try await repository.reserve(.random(), store: store, items: items, at: at,
                                                      expiresAt: at.addingTimeInterval(Double(ttl)),
                                                      idempotencyKey: idempotencyKey, contentHash: hash)
            publish(result.change)
            return (result.reservation, result.replayed)
        }
    }

    static func validate(idempotencyKey key: String) throws(DomainError) {
        guard !key.isEmpty, key.count <= 200, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw DomainError(.invalid, field: "idempotency_key", "idempotency_key must be 1 to 200 printable ASCII characters")
        }
    }

    /// Checkout's "paid": the held goods leave on hand. Confirming twice is harmless; an
    /// expired hold is `.gone`, a released one a `.conflict`.
    public func confirm(_ id: ReservationID) async throws -> Reservation {
        let reservation = try await gate.run { [self] in
            let (reservation, change) = try await repository.confirm(id, at: now())
            publish(change)
            return reservation
        }
        if reservation.status == .expired {
            throw DomainError(.gone, field: "id", "reservation \(id) expired at \(Self.timestamp(reservation.expiresAt)); its stock was released")
        }
        return reservation
    }

    /// Lets the hold go (the customer left). Releasing twice is harmless.
    public func release(_ id: ReservationID) async throws -> Reservation {
        return try await gate.run { [self] in
            let (reservation, change) = try await repository.release(id, at: now())
            publish(change)
            return reservation
        }
    }

    public func reservation(_ id: ReservationID) async throws -> Reservation {
        guard let reservation = try await repository.reservation(id) else {
            throw DomainError(.notFound, field: "id", "no reservation \(id)")
        }
        return reservation
    }

    /// Expires every hold whose time has run out, in rounds of `batchSize`; returns how many.
    @discardableResult
    public func releaseExpired(batchSize: Int = 500) async throws -> Int {
        var total = 0
        while true {
            let count = try await gate.run { [self] in
                let (expired, change) = try await repository.releaseExpired(at: now(), limit: batchSize)
                publish(change)
                return expired.count
            }
            total += count
            if count < batchSize { return total }
        }
    }

    static func validate(basket items: [Reservation.Item]) throws(DomainError) {
        guard !items.isEmpty else { throw DomainError(.invalid, field: "items", "items must not be empty") }
        guard items.count <= NearbyQuery.maximumItems else {
            throw DomainError(.invalid, field: "items", "at most \(NearbyQuery.maximumItems) items per basket")
        }
        var seen = Set<SKUCode>()
        for (i, item) in items.enumerated() {
            guard !item.sku.rawValue.isEmpty, item.sku.rawValue.count <= 64 else {
                throw DomainError(.invalid, field: "items[\(i)].sku", "sku must be 1 to 64 characters")
            }
            guard seen.insert(item.sku).inserted else {
                throw DomainError(.invalid, field: "items[\(i)].sku", "SKU \"\(item.sku)\" appears twice in the basket")
            }
            guard (1...NearbyQuery.maximumQuantity).contains(item.quantity) else {
                throw DomainError(.invalid, field: "items[\(i)].qty", "qty must be between 1 and \(NearbyQuery.maximumQuantity)")
            }
        }
    }

    // MARK: - Till batches

    /// Checks each line (lines that fail are refused with their `field`) and digests the content.
    public static func prepare(_ batch: StockBatch) throws(DomainError) -> StockBatch {
        if let key = batch.idempotencyKey { try validate(idempotencyKey: key) }
        if let sequence = batch.sequence, sequence < 0 {
            throw DomainError(.invalid, field: "sequence", "sequence must not be negative")
        }
        guard batch.sequence != nil || batch.idempotencyKey != nil else {
            throw DomainError(.invalid, field: "sequence", "a batch needs a sequence or an idempotency_key, so a retry is not applied twice")
        }
        guard !batch.lines.isEmpty || !batch.refused.isEmpty else {
            throw DomainError(.invalid, field: "items", "a batch needs at least one line")
        }
        guard batch.lines.count + batch.refused.count <= maximumBatchLines else {
            throw DomainError(.invalid, field: "items", "at most \(maximumBatchLines) lines per batch")
        }
        var prepared = batch
        prepared.lines = []
        var seen: [SKUCode: String] = [:]
        let range = batch.kind == .snapshot ? 0...maximumQuantity : -maximumQuantity...maximumQuantity
        for line in batch.lines {
            let before = prepared.refused.count
            defer { if prepared.refused.count > before, !line.sku.rawValue.isEmpty { prepared.refusedSKUs.append(line.sku) } }
            if line.sku.rawValue.isEmpty || line.sku.rawValue.count > 64 {
                prepared.refused.append(.init(field: line.field, message: "sku must be 1 to 64 characters"))
            } else if let first = seen[line.sku] {
                prepared.refused.append(.init(field: line.field, message: "SKU \"\(line.sku)\" already appears at \(first)"))
            } else if !range.contains(line.quantity) {
                prepared.refused.append(.init(field: line.field, message: batch.kind == .snapshot
                    ? "qty must be between 0 and \(maximumQuantity) in a snapshot"
                    : "qty must be between -\(maximumQuantity) and \(maximumQuantity) in a delta"))
            } else if let t = line.lowThreshold, !(0...maximumQuantity).contains(t) {
                prepared.refused.append(.init(field: line.field, message: "low_threshold must be between 0 and \(maximumQuantity)"))
            } else {
                seen[line.sku] = line.field
                prepared.lines.append(line)
            }
        }
        if batch.kind == .snapshot, prepared.lines.isEmpty {
            throw DomainError(.unprocessable, field: prepared.refused.first?.field ?? "items",
                             "a snapshot needs at least one valid line: it would set every SKU of the store to zero",
                             details: prepared.refused)
        }
        // The digest covers what the client sent, valid or not, so a changed retry is told apart.
        var text = "\(batch.kind.rawValue)|\(batch.partial)|\(batch.sequence.map(String.init) ?? "")\n"
        for line in batch.lines { text += "\(line.sku.rawValue)\t\(line.quantity)\t\(line.lowThreshold.map(String.init) ?? "")\n" }
        for refusal in batch.refused { text += "!\(refusal.field)\t\(refusal.message)\n" }
        prepared.contentHash = digest(Data(text.utf8))
        return prepared
    }

    /// SHA-256 in hex.
    public static func digest(_ data: Data) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: data) { out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Applies till batches in one transaction (see ``StockRepository/apply(_:at:)``).
    public func apply(_ batches: [StockBatch]) async throws -> [StockBatchResult] {
        var checked: [StockBatch] = []
        for batch in batches { checked.append(try Self.prepare(batch)) }
        let prepared = checked
        return try await gate.run { [self] in
            let (results, change) = try await repository.apply(prepared, at: now())
            publish(change)
            return results
        }
    }

    /// One store's batch, as the HTTP API takes it: a stale batch is a `.conflict`, partial or
    /// not (it wrote nothing, so refusing it after the transaction leaves nothing behind).
    public func apply(_ batch: StockBatch) async throws -> StockBatchResult {
        let result = try await apply([batch])[0]
        if result.outcome == .stale, let reason = result.refused.first {
            throw DomainError(.conflict, field: "sequence", reason.message)
        }
        return result
    }

    // MARK: - Consistency

    /// Compares the in-memory stock with storage, inside the write gate so no write is half
    /// applied while it looks.
    public func checkStock() async throws -> (storageRows: Int, finderRows: Int, differences: [String]) {
        try await gate.run { [self] in
            let rows = try await repository.allStock()
            let (finderRows, differences) = finder.stockDifferences(from: rows)
            return (rows.count, finderRows, differences)
        }
    }

    // MARK: - Events

    public func stockEvents(store: StoreID?, after: Int64, limit: Int) async throws -> [StockEvent] {
        if let store, finder.store(store) == nil { throw DomainError(.notFound, field: "id", "no store \(store)") }
        return try await repository.stockEvents(store: store, after: after, limit: limit)
    }

    /// Mirrors a committed change in the finder and sends its events out. Call inside the gate.
    func publish(_ change: StockChange) {
        finder.apply(stock: change.lines)
        events.publish(change.events)
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
