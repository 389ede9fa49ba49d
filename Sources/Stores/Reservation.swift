import Foundation
import Kernel

extension ReservationID {
    /// A reservation's id from a client: only the canonical UUID form, so a typo is refused
    /// before any lookup.
    public init?(parsing text: String) {
        guard let uuid = UUID(uuidString: text), uuid.uuidString.lowercased() == text.lowercased() else { return nil }
        self.init(uuid.uuidString.lowercased())
    }

    /// A new random id.
    public static func random() -> ReservationID { ReservationID(UUID().uuidString.lowercased()) }
}

/// Goods held at one store for a customer while they pay.
public struct Reservation: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        /// Holding stock: it counts against what the store can sell.
        case held
        /// Paid: the goods left on-hand stock.
        case confirmed
        /// Let go by the client before it expired.
        case released
        /// Let go because its time ran out.
        case expired
    }

    public struct Item: Hashable, Sendable {
        public var sku: SKUCode
        public var quantity: Int
        public init(sku: SKUCode, quantity: Int) { self.sku = sku; self.quantity = quantity }
    }

    public var id: ReservationID
    public var storeID: StoreID
    public var status: Status
    public var items: [Item]
    public var createdAt: Date
    public var expiresAt: Date
    /// When it was confirmed, released or expired.
    public var closedAt: Date?
    /// The checkout's key: asking again with it returns this reservation instead of a second hold.
    public var idempotencyKey: String?

    public init(id: ReservationID, storeID: StoreID, status: Status, items: [Item], createdAt: Date, expiresAt: Date,
                closedAt: Date? = nil, idempotencyKey: String? = nil) {
        self.id = id; self.storeID = storeID; self.status = status; self.items = items
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.closedAt = closedAt; self.idempotencyKey = idempotencyKey
    }
}

/// Stock rows a write changed and the low/out-of-stock events it raised: what the finder and
/// the event feed learn once the write has committed.
public struct StockChange: Sendable {
    public var lines: [(store: StoreID, line: StockLine)]
    public var events: [StockEvent]

    public init(lines: [(store: StoreID, line: StockLine)] = [], events: [StockEvent] = []) {
        self.lines = lines; self.events = events
    }

    public mutating func append(_ other: StockChange) {
        lines += other.lines; events += other.events
    }
}
