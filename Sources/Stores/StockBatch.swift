import Foundation
import Kernel

/// A till's stock upload for one store: a full count (snapshot) or changes (delta), carrying
/// the store's sequence number or an idempotency key so a replay applies once.
public struct StockBatch: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// The listed on-hand counts replace what is held; SKUs the store had but the batch
        /// leaves out fall to zero on hand. Reservations are kept either way.
        case snapshot
        /// The listed quantities are added to on hand (negative for sales); a sale below zero
        /// stops at zero and is reported.
        case delta
    }

    public struct Line: Hashable, Sendable {
        public var sku: SKUCode
        public var quantity: Int
        /// The low-stock threshold to keep for this SKU at this store, if the batch sets one.
        public var lowThreshold: Int?
        /// Where the line came from, for reports: `items[3]` or `line 12`.
        public var field: String

        public init(sku: SKUCode, quantity: Int, lowThreshold: Int? = nil, field: String) {
            self.sku = sku; self.quantity = quantity; self.lowThreshold = lowThreshold; self.field = field
        }
    }

    public var storeID: StoreID
    public var kind: Kind
    /// The till's counter: each batch of a store must carry a higher one than the last applied.
    public var sequence: Int64?
    /// A client-chosen key; the same key with the same content is a replay.
    public var idempotencyKey: String?
    /// Apply the valid lines even when some are refused (otherwise one bad line refuses all).
    public var partial: Bool
    public var lines: [Line]
    /// Lines refused before storage saw them (malformed, out of range, repeated).
    public var refused: [DomainError.Detail]
    /// SKUs named by refused lines: a snapshot leaves their stock as it is.
    public var refusedSKUs: [SKUCode] = []
    /// A digest of the content, to tell a replay from a different batch under the same key.
    public var contentHash: String

    public init(storeID: StoreID, kind: Kind, sequence: Int64? = nil, idempotencyKey: String? = nil, partial: Bool = false,
                lines: [Line], refused: [DomainError.Detail] = [], contentHash: String = "") {
        self.storeID = storeID; self.kind = kind; self.sequence = sequence; self.idempotencyKey = idempotencyKey
        self.partial = partial; self.lines = lines; self.refused = refused; self.contentHash = contentHash
    }
}

/// What became of a stock batch.
public struct StockBatchResult: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable {
        /// Applied now.
        case applied
        /// Seen before with the same content: acknowledged, not applied again.
        case replayed
        /// Older than the store's last applied sequence: nothing changed.
        case stale
    }

    public var storeID: StoreID
    public var outcome: Outcome
    /// The stored batch's id (nil when stale).
    public var batchID: Int64?
    public var kind: StockBatch.Kind
    public var sequence: Int64?
    public var idempotencyKey: String?
    /// The store's highest applied sequence after this batch.
    public var lastSequence: Int64?
    /// Stock rows whose on hand (or threshold) changed.
    public var changed: Int
    public var unchanged: Int
    /// Rows a snapshot left out, now zero on hand.
    public var zeroed: Int
    /// Lines refused (only when the batch was partial: otherwise nothing applies).
    public var refused: [DomainError.Detail]
    /// Lines applied with a caveat: a sale clamped at zero, on hand below what is reserved.
    public var warnings: [DomainError.Detail]
    /// When the batch was first applied.
    public var appliedAt: Date?

    public init(storeID: StoreID, outcome: Outcome, batchID: Int64?, kind: StockBatch.Kind, sequence: Int64?, idempotencyKey: String?,
                lastSequence: Int64?, changed: Int = 0, unchanged: Int = 0, zeroed: Int = 0,
                refused: [DomainError.Detail] = [], warnings: [DomainError.Detail] = [], appliedAt: Date? = nil) {
        self.storeID = storeID; self.outcome = outcome; self.batchID = batchID; self.kind = kind; self.sequence = sequence
        self.idempotencyKey = idempotencyKey; self.lastSequence = lastSequence; self.changed = changed
        self.unchanged = unchanged; self.zeroed = zeroed; self.refused = refused; self.warnings = warnings; self.appliedAt = appliedAt
    }
}

/// Storage of reservations, till batches and stock events. Each method is one transaction and
/// returns the stock rows it changed, so the caller can mirror them after the commit.
public protocol StockRepository: Sendable {
    /// Holds the items, first letting go of the store's expired holds; throws `.conflict` with
    /// a detail per short item when the store cannot hold them all. With an idempotency key
    /// already used for the same request it returns that reservation (and `replayed` true)
    /// without holding anything; used for another request, it throws `.conflict`.
    func reserve(_ id: ReservationID, store: StoreID, items: [Reservation.Item], at: Date, expiresAt: Date,
                 idempotencyKey: String?, contentHash: String) async throws -> (reservation: Reservation, replayed: Bool, change: StockChange)
    /// Turns a hold into a decrement of on hand. A hold past its time is expired instead and
    /// returned with status `.expired`.
    func confirm(_ id: ReservationID, at: Date) async throws -> (Reservation, StockChange)
    /// Lets a hold go; releasing again, or releasing an expired one, changes nothing.
    func release(_ id: ReservationID, at: Date) async throws -> (Reservation, StockChange)
    /// Expires up to `limit` holds whose time ran out by `at`.
    func releaseExpired(at: Date, limit: Int) async throws -> ([Reservation], StockChange)
    func reservation(_ id: ReservationID) async throws -> Reservation?

    /// Applies till batches, all in one transaction. A batch that is stale, or has refused
    /// lines without being partial, refuses the whole call unless every batch is partial.
    func apply(_ batches: [StockBatch], at: Date) async throws -> ([StockBatchResult], StockChange)

    /// Stock events after the cursor, oldest first; of one store or all.
    func stockEvents(store: StoreID?, after: Int64, limit: Int) async throws -> [StockEvent]
    /// The id of the newest stock event (0 when none).
    func lastStockEventID() async throws -> Int64
}

/// Everything the store domain stores.
public typealias StoreStorage = StoreRepository & StockRepository
