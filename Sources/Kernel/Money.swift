/// An amount in integer minor units (cents) of one currency. Arithmetic is exact and checked:
/// amounts of different currencies never mix, and an overflow is an error, not a wrap.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public var minor: Int
    /// ISO 4217 code ("EUR").
    public var currency: String

    public init(minor: Int, currency: String) {
        self.minor = minor
        self.currency = currency
    }

    public static func zero(_ currency: String) -> Money { Money(minor: 0, currency: currency) }

    public enum ArithmeticError: Error, Hashable, Sendable {
        case currencyMismatch(String, String)
        case overflow
    }

    public func adding(_ other: Money) throws(ArithmeticError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minor.addingReportingOverflow(other.minor)
        guard !overflow else { throw .overflow }
        return Money(minor: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(ArithmeticError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (difference, overflow) = minor.subtractingReportingOverflow(other.minor)
        guard !overflow else { throw .overflow }
        return Money(minor: difference, currency: currency)
    }

    public func multiplied(by factor: Int) throws(ArithmeticError) -> Money {
        let (product, overflow) = minor.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .overflow }
        return Money(minor: product, currency: currency)
    }

    /// "12.34 EUR": two decimals, as every currency o2o prices in has.
    public var description: String {
        let sign = minor < 0 ? "-" : ""
        let units = minor.magnitude / 100, cents = minor.magnitude % 100
        return "\(sign)\(units).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }
}
