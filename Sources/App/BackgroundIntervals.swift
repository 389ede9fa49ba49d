/// How often the background work runs.
public struct BackgroundIntervals: Sendable {
    /// Releasing expired reservations, expiring unpaid orders.
    public var sweep: Duration = .seconds(1)
    /// Dispatch rounds (and lapsed offers); nil runs rounds only on request.
    public var dispatchRound: Duration? = .seconds(10)
    /// Writing rider positions to the database.
    public var positionFlush: Duration = .seconds(5)
    /// Settling payments: applying any a crash left unapplied, asking for refunds due.
    public var paymentSettle: Duration = .seconds(30)
    public init() {}
}
