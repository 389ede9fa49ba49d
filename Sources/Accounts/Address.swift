import Foundation
import GeoCore
import Kernel

/// Where a customer wants deliveries. The position is kept in WGS84; what the client sent
/// (and in which system) is kept beside it, so a client that works in GCJ-02 gets its own
/// numbers back.
public struct DeliveryAddress: Hashable, Sendable {
    public var id: AddressID
    public var account: AccountID
    public var label: String?
    public var recipient: String
    public var phone: String
    /// The address as people write it (street, number, floor).
    public var line: String
    /// WGS84: what every search and delivery uses.
    public var location: Coordinate
    /// The position as the client gave it, in ``system``.
    public var given: Coordinate
    public var system: CoordinateSystem
    public var isDefault: Bool

    public init(id: AddressID, account: AccountID, label: String?, recipient: String, phone: String, line: String,
                location: Coordinate, given: Coordinate, system: CoordinateSystem, isDefault: Bool) {
        self.id = id; self.account = account; self.label = label; self.recipient = recipient; self.phone = phone
        self.line = line; self.location = location; self.given = given; self.system = system; self.isDefault = isDefault
    }
}

/// A new or changed address as the client gives it.
public struct AddressDraft: Hashable, Sendable {
    public var label: String?
    public var recipient: String
    public var phone: String
    public var line: String
    public var given: Coordinate
    public var system: CoordinateSystem
    public var isDefault: Bool

    public init(label: String? = nil, recipient: String, phone: String, line: String, given: Coordinate,
                system: CoordinateSystem = .wgs84, isDefault: Bool = false) {
        self.label = label; self.recipient = recipient; self.phone = phone; self.line = line
        self.given = given; self.system = system; self.isDefault = isDefault
    }

    /// The WGS84 position.
    public var location: Coordinate { system.toWGS84(given) }
}

/// A store or product the customer looked at, most recent first in the history.
public struct HistoryEntry: Hashable, Sendable {
    public enum Item: Hashable, Sendable {
        case store(Int64)
        case product(String)
    }

    public var item: Item
    public var viewedAt: Date

    public init(item: Item, viewedAt: Date) { self.item = item; self.viewedAt = viewedAt }
}
