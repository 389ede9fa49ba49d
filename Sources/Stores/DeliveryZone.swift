import GeoCore
import Kernel

/// An area a store delivers to, with its terms, or an area it will not deliver to.
///
/// A store may have several delivery zones (tiers: a near ring with a low fee inside a wider
/// one with a higher fee) and exclusion areas (a pedestrian-only centre, a river island) that
/// override them: a point is served when it lies in some delivery zone and in no exclusion.
public struct DeliveryZone: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case delivery
        case exclusion
    }

    public var id: ZoneID
    public var storeID: StoreID
    public var kind: Kind
    public var name: String?
    public var area: MultiPolygon
    /// The delivery fee in minor units of the deployment's currency (cents).
    public var feeMinor: Int
    /// The smallest basket accepted for delivery, in minor units.
    public var minimumOrderMinor: Int
    /// Minutes promised from order to door.
    public var promisedMinutes: Int

    public init(id: ZoneID, storeID: StoreID, kind: Kind = .delivery, name: String? = nil, area: MultiPolygon,
                feeMinor: Int = 0, minimumOrderMinor: Int = 0, promisedMinutes: Int = 0) {
        self.id = id; self.storeID = storeID; self.kind = kind; self.name = name; self.area = area
        self.feeMinor = feeMinor; self.minimumOrderMinor = minimumOrderMinor; self.promisedMinutes = promisedMinutes
    }
}
