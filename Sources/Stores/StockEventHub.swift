import Kernel
import LiveEvents

/// Fans committed stock events out to staff screens, by store.
public typealias StockEventHub = EventHub<StoreID, StockEvent>

extension EventHub where Key == StoreID, Event == StockEvent {
    public convenience init() { self.init(key: \.storeID) }

    /// The events of one store (or of all) committed from now on.
    public func subscribe(store: StoreID?) -> AsyncStream<StockEvent> { subscribe(key: store) }
}
