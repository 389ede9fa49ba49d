import Foundation
import GeoCore
import Kernel

/// "Which stores near here have this, are open, and deliver here?"
public struct NearbyQuery: Hashable, Sendable {
    /// One item of the basket: a SKU and how many of it.
    public struct Item: Hashable, Sendable {
        public var sku: SKUCode
        public var quantity: Int
        public init(sku: SKUCode, quantity: Int = 1) { self.sku = sku; self.quantity = quantity }
    }

    /// The most rows one query may ask for.
    public static let maximumLimit = 100
    /// The widest search radius, in metres.
    public static let maximumRadius: Meters = 200_000
    /// The most distinct SKUs in one query.
    public static let maximumItems = 50
    /// The most of one SKU a basket may ask for.
    public static let maximumQuantity = 1_000_000

    public var point: Coordinate
    public var limit: Int
    /// Only stores within this many metres; nil for no bound.
    public var radius: Meters?
    /// Only stores with a delivery zone containing the point and no exclusion area containing it.
    public var mustDeliver: Bool
    /// Only stores open at this instant, in each store's own time zone; nil for no check.
    public var openAt: Date?
    /// Only stores with at least `quantity` available of every item.
    public var items: [Item]

    public init(point: Coordinate, limit: Int = 10, radius: Meters? = nil, mustDeliver: Bool = false,
                openAt: Date? = nil, items: [Item] = []) {
        self.point = point; self.limit = limit; self.radius = radius
        self.mustDeliver = mustDeliver; self.openAt = openAt; self.items = items
    }

    /// Checks ranges, naming the field of the HTTP API at fault.
    public func validate() throws(DomainError) {
        guard point.latitude.isFinite, abs(point.latitude) <= 90 else {
            throw DomainError(.invalid, field: "lat", "latitude must be a finite number in [-90, 90]")
        }
        guard point.longitude.isFinite, abs(point.longitude) <= 180 else {
            throw DomainError(.invalid, field: "lon", "longitude must be a finite number in [-180, 180]")
        }
        guard (1...Self.maximumLimit).contains(limit) else {
            throw DomainError(.invalid, field: "limit", "limit must be between 1 and \(Self.maximumLimit)")
        }
        if let radius {
            guard radius.isFinite, radius > 0, radius <= Self.maximumRadius else {
                throw DomainError(.invalid, field: "radius_m", "radius_m must be a number in (0, \(Int(Self.maximumRadius))]")
            }
        }
        guard items.count <= Self.maximumItems else {
            throw DomainError(.invalid, field: "sku", "at most \(Self.maximumItems) SKUs per query")
        }
        for item in items where item.quantity < 1 || item.quantity > Self.maximumQuantity {
            throw DomainError(.invalid, field: "qty", "qty must be between 1 and \(Self.maximumQuantity)")
        }
    }
}

/// One row of a nearby answer.
public struct NearbyResult: Hashable, Sendable {
    /// How many of a queried SKU the store can sell.
    public struct Availability: Hashable, Sendable {
        public var sku: SKUCode
        public var available: Int
        public init(sku: SKUCode, available: Int) { self.sku = sku; self.available = available }
    }

    public var store: Store
    public var distance: Meters
    /// The delivery zone that serves the query point (the cheapest, then the fastest), if any.
    public var zone: DeliveryZone?
    /// Available quantity of each queried SKU, in query order.
    public var availability: [Availability]
    /// Open at the queried instant (or now): true, false, or nil when the hours are unknown.
    public var isOpen: Bool?

    public init(store: Store, distance: Meters, zone: DeliveryZone?, availability: [Availability], isOpen: Bool?) {
        self.store = store; self.distance = distance; self.zone = zone; self.availability = availability; self.isOpen = isOpen
    }
}
