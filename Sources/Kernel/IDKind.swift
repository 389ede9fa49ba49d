/// The kinds of thing o2o names by id. Each is a type only the compiler sees; the aliases below
/// are what the modules write.
public enum IDKind {
    public enum Store: IdentifierKind { public typealias RawValue = Int64 }
    public enum Zone: IdentifierKind { public typealias RawValue = Int64 }
    /// A stock-keeping unit, by the code retailers print (`MILK-1L`, an EAN, …).
    public enum SKU: IdentifierKind { public typealias RawValue = String }
    /// A stock hold, by a random lower-case UUID, so ids cannot be guessed from one another.
    public enum Reservation: IdentifierKind { public typealias RawValue = String }
    public enum Account: IdentifierKind { public typealias RawValue = Int64 }
    public enum Address: IdentifierKind { public typealias RawValue = Int64 }
    public enum Product: IdentifierKind { public typealias RawValue = Int64 }
    public enum Category: IdentifierKind { public typealias RawValue = Int64 }
    public enum Rider: IdentifierKind { public typealias RawValue = Int64 }
    public enum Delivery: IdentifierKind { public typealias RawValue = Int64 }
    public enum Order: IdentifierKind { public typealias RawValue = Int64 }
    public enum Payment: IdentifierKind { public typealias RawValue = Int64 }
    public enum Refund: IdentifierKind { public typealias RawValue = Int64 }
}

public typealias StoreID = Identifier<IDKind.Store>
public typealias ZoneID = Identifier<IDKind.Zone>
public typealias SKUCode = Identifier<IDKind.SKU>
public typealias ReservationID = Identifier<IDKind.Reservation>
public typealias AccountID = Identifier<IDKind.Account>
public typealias AddressID = Identifier<IDKind.Address>
public typealias ProductID = Identifier<IDKind.Product>
public typealias CategoryID = Identifier<IDKind.Category>
public typealias RiderID = Identifier<IDKind.Rider>
public typealias DeliveryID = Identifier<IDKind.Delivery>
public typealias OrderID = Identifier<IDKind.Order>
public typealias PaymentID = Identifier<IDKind.Payment>
public typealias RefundID = Identifier<IDKind.Refund>
