import GeoCore

/// A shop that sells and delivers: where it is, who runs it and when it is open.
public struct Store: Hashable, Sendable {
    public var id: StoreID
    /// The retailer's own reference (an OSM id such as `node/987218307`, a POS store code); unique.
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

    public init(id: StoreID, externalRef: String, name: String, brand: String? = nil, kind: String,
                address: String? = nil, phone: String? = nil, openingHours: String? = nil,
                timeZone: String, location: Coordinate) {
        self.id = id; self.externalRef = externalRef; self.name = name; self.brand = brand; self.kind = kind
        self.address = address; self.phone = phone; self.openingHours = openingHours
        self.timeZone = timeZone; self.location = location
    }
}
