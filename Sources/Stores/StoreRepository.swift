import Foundation
import GeoCore
import Kernel

/// What describes a store, before storage gives it an id.
public struct StoreDraft: Hashable, Sendable {
    /// The retailer's own reference (an OSM id such as `osm:node/987218307`, a POS store code); unique.
    public var externalRef: String
    public var name: String
    public var brand: String?
    /// What sort of shop: `supermarket`, `convenience`, `bakery`, … (OSM `shop=*` values).
    public var kind: String
    public var address: String?
    public var phone: String?
    /// Opening hours in OSM `opening_hours` syntax, as given; nil when unknown.
    public var openingHours: String?
    /// The IANA time zone the hours are in, e.g. `Europe/Lisbon`.
    public var timeZone: String
    public var location: Coordinate

    public init(externalRef: String, name: String, brand: String? = nil, kind: String, address: String? = nil,
                phone: String? = nil, openingHours: String? = nil, timeZone: String, location: Coordinate) {
        self.externalRef = externalRef; self.name = name; self.brand = brand; self.kind = kind
        self.address = address; self.phone = phone; self.openingHours = openingHours
        self.timeZone = timeZone; self.location = location
    }

    public func store(id: StoreID) -> Store { Store(id: id, draft: self) }
}

/// A delivery zone before storage gives it an id.
public struct ZoneDraft: Hashable, Sendable {
    public var kind: DeliveryZone.Kind
    public var name: String?
    public var area: MultiPolygon
    public var feeMinor: Int
    public var minimumOrderMinor: Int
    public var promisedMinutes: Int
    /// Where the zone came from in the request (`features[3]`), for error messages.
    public var field: String

    public init(kind: DeliveryZone.Kind = .delivery, name: String? = nil, area: MultiPolygon, feeMinor: Int = 0,
                minimumOrderMinor: Int = 0, promisedMinutes: Int = 0, field: String = "zone") {
        self.kind = kind; self.name = name; self.area = area; self.feeMinor = feeMinor
        self.minimumOrderMinor = minimumOrderMinor; self.promisedMinutes = promisedMinutes; self.field = field
    }
}

/// One SKU's stock at one store, as storage holds it.
public struct StockLine: Hashable, Sendable {
    public var sku: SKUCode
    public var level: StockLevel
    public init(sku: SKUCode, level: StockLevel) { self.sku = sku; self.level = level }
}

/// A page of stock lines, by SKU code, with the cursor for the next page.
public struct StockPage: Hashable, Sendable {
    public var lines: [StockLine]
    public var nextCursor: String?
    public init(lines: [StockLine], nextCursor: String?) { self.lines = lines; self.nextCursor = nextCursor }
}

/// How a stock write treats its quantities.
public enum StockWriteMode: Sendable {
    /// `quantity` becomes the new on-hand count.
    case set
    /// `quantity` is added to the on-hand count (negative to remove).
    case adjust
}

/// Receives stock rows as storage reads them (see ``StoreRepository/streamStock(stores:skus:into:)``),
/// from one thread at a time.
public protocol StockRowSink: AnyObject, Sendable {
    /// Rows in the order read, a few thousand at a time.
    func add(_ rows: [StockRow])
}

/// One stock row as storage streams it: the store's and the SKU's index in the lists the
/// stream was asked for, and the counts.
public struct StockRow: Hashable, Sendable {
    public var store: Int32
    public var sku: Int32
    public var onHand: Int32
    public var reserved: Int32

    public init(store: Int32, sku: Int32, onHand: Int32, reserved: Int32) {
        self.store = store; self.sku = sku; self.onHand = onHand; self.reserved = reserved
    }
}

/// Storage of stores, zones, SKUs and stock. Every method that writes is one transaction:
/// it applies in full or not at all, and throws ``DomainError`` for input it refuses.
public protocol StoreRepository: Sendable {
    /// Writes and commits a one-row probe: whether storage takes writes now (for readiness).
    func probeWrite() async throws
    /// How many reservations are in each status (held, confirmed, released, expired).
    func reservationCounts() async throws -> [Reservation.Status: Int]
    func allStores() async throws -> [Store]
    func allZones() async throws -> [DeliveryZone]
    func allSKUs() async throws -> [SKU]
    func allStock() async throws -> [(StoreID, SKUCode, StockLevel)]
    /// Streams every stock row without materialising the rows, as indexes into `stores`
    /// (ascending ids) and `skus`, grouped by store in that order; rows of stores or SKUs not
    /// listed are skipped. The stores are split into as many consecutive ranges as there are
    /// sinks, each range's rows going to its sink, read concurrently. What loads the finder at
    /// national scale.
    func streamStock(stores: [StoreID], skus: [SKUCode], into sinks: [StockRowSink]) async throws

    func store(_ id: StoreID) async throws -> Store?
    func create(_ draft: StoreDraft, zones: [ZoneDraft]) async throws -> (Store, [DeliveryZone])
    /// Reads the store, passes it through `change` and saves the result, in one transaction.
    func update(_ id: StoreID, _ change: @escaping @Sendable (Store) throws -> Store) async throws -> Store
    func delete(_ id: StoreID) async throws
    func replaceZones(of id: StoreID, with zones: [ZoneDraft]) async throws -> [DeliveryZone]

    func upsert(skus: [SKU]) async throws
    /// Sets or adjusts on hand (never below what is reserved) and any low-stock thresholds given.
    func writeStock(of id: StoreID, _ items: [(sku: SKUCode, quantity: Int)], mode: StockWriteMode,
                    lowThresholds: [SKUCode: Int], at: Date) async throws -> StockChange
    func stock(of id: StoreID, after cursor: String?, limit: Int) async throws -> StockPage

    /// Writes a whole import in one transaction; `progress` hears how many entries are done.
    func importBatch(_ batch: ImportBatch, at: Date, progress: @escaping @Sendable (Int) -> Void) async throws -> ImportOutcome
}

/// A partial change to a store: nil leaves a field as it is; for the optional text fields an
/// empty string clears them.
public struct StorePatch: Hashable, Sendable {
    public var externalRef: String?
    public var name: String?
    public var brand: String?
    public var kind: String?
    public var address: String?
    public var phone: String?
    public var openingHours: String?
    public var timeZone: String?
    public var location: Coordinate?

    public init(externalRef: String? = nil, name: String? = nil, brand: String? = nil, kind: String? = nil,
                address: String? = nil, phone: String? = nil, openingHours: String? = nil, timeZone: String? = nil,
                location: Coordinate? = nil) {
        self.externalRef = externalRef; self.name = name; self.brand = brand; self.kind = kind
        self.address = address; self.phone = phone; self.openingHours = openingHours
        self.timeZone = timeZone; self.location = location
    }

    public func applied(to store: Store) -> Store {
        func clearable(_ value: String?, _ old: String?) -> String? { value.map { $0.isEmpty ? nil : $0 } ?? old }
        var s = store
        s.externalRef = externalRef ?? s.externalRef
        s.name = name ?? s.name
        s.kind = kind ?? s.kind
        s.brand = clearable(brand, s.brand)
        s.address = clearable(address, s.address)
        s.phone = clearable(phone, s.phone)
        s.openingHours = clearable(openingHours, s.openingHours)
        s.timeZone = timeZone ?? s.timeZone
        s.location = location ?? s.location
        return s
    }
}
