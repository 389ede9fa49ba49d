import GeoCore
import Kernel

/// A shop that sells and delivers: its id in o2o and what describes it (``StoreDraft``: where
/// it is, who runs it, when it is open). The draft's fields read as the store's own:
/// `store.name`, `store.location`.
@dynamicMemberLookup
public struct Store: Hashable, Sendable {
    public var id: StoreID
    public var draft: StoreDraft

    public init(id: StoreID, draft: StoreDraft) {
        self.id = id
        self.draft = draft
    }

    public init(id: StoreID, externalRef: String, name: String, brand: String? = nil, kind: String,
                address: String? = nil, phone: String? = nil, openingHours: String? = nil,
                timeZone: String, location: Coordinate) {
        self.init(id: id, draft: StoreDraft(externalRef: externalRef, name: name, brand: brand, kind: kind, address: address,
                                            phone: phone, openingHours: openingHours, timeZone: timeZone, location: location))
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<StoreDraft, Value>) -> Value {
        get { draft[keyPath: keyPath] }
        set { draft[keyPath: keyPath] = newValue }
    }
}
