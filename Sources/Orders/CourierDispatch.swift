import Foundation

/// Where delivery orders go when the store has them ready: the dispatcher's couriers. The
/// order module knows only this; the server wires it to the dispatch service.
public protocol CourierDispatch: Sendable {
    /// Hands the order's delivery over (pickup at its store, drop at its address). Sending the
    /// same order again gives the same delivery.
    func send(_ order: Order) async throws
}
