import Foundation
import Kernel
import Testing

@Suite("Money")
struct MoneyTests {
    @Test("sums are exact in minor units; currencies never mix; overflow is an error")
    func arithmetic() throws {
        let a = Money(minor: 1_999, currency: "EUR"), b = Money(minor: 1, currency: "EUR")
        #expect(try a.adding(b) == Money(minor: 2_000, currency: "EUR"))
        #expect(try a.multiplied(by: 3).minor == 5_997)
        #expect(try a.subtracting(Money(minor: 2_000, currency: "EUR")).description == "-0.01 EUR")
        #expect(Money(minor: 2_000, currency: "EUR").description == "20.00 EUR")
        #expect(throws: Money.ArithmeticError.currencyMismatch("EUR", "CNY")) { try a.adding(Money(minor: 1, currency: "CNY")) }
        #expect(throws: Money.ArithmeticError.overflow) { try Money(minor: .max, currency: "EUR").adding(b) }
        #expect(throws: Money.ArithmeticError.overflow) { try Money(minor: .max / 2 + 1, currency: "EUR").multiplied(by: 2) }
        // A thousand lines of 0.10 come to exactly 100.00.
        var total = Money.zero("EUR")
        for _ in 0..<1_000 { total = try total.adding(Money(minor: 10, currency: "EUR")) }
        #expect(total.minor == 10_000)
    }
}

@Suite("Identifiers")
struct IdentifierTests {
    @Test("an id encodes as its bare value, orders by it, and one kind is never another")
    func identifiers() throws {
        let store = StoreID(31), sku: SKUCode = "DAIRY-001", rider: RiderID = 7
        #expect(String(decoding: try JSONEncoder().encode([store]), as: UTF8.self) == "[31]")
        #expect(String(decoding: try JSONEncoder().encode(sku), as: UTF8.self) == #""DAIRY-001""#)
        #expect(try JSONDecoder().decode(AccountID.self, from: Data("12".utf8)) == AccountID(12))
        #expect(StoreID(2) < StoreID(10) && SKUCode("A-10") < SKUCode("B-1"))
        #expect(store.description == "31" && rider.rawValue == 7 && sku.description == "DAIRY-001")
        #expect(StoreID(rawValue: 31) == store && Set([StoreID(1), StoreID(1), StoreID(2)]).count == 2)
        // Distinct kinds are distinct types: a store's id cannot stand for an order's.
        #expect(!(store as Any is OrderID))
    }
}

@Suite("The domain error")
struct DomainErrorTests {
    @Test("each kind maps to its HTTP status; a missing thing is 404 only when the path names it")
    func statuses() {
        let cases: [(DomainError.Kind, String?, Int)] = [
            (.invalid, "lat", 400), (.unprocessable, "items[0]", 422), (.notFound, "id", 404), (.notFound, "sku", 422),
            (.conflict, nil, 409), (.gone, "id", 410), (.unauthenticated, nil, 401), (.forbidden, nil, 403), (.throttled, nil, 429),
        ]
        for (kind, field, status) in cases {
            #expect(DomainError(kind, field: field, "x").status == status, "\(kind) \(field ?? "-")")
        }
        let error = DomainError(.throttled, field: "email", "too many sign-ins", retryAfter: 30)
        #expect(error.description == "email: too many sign-ins" && error.retryAfter == 30)
        #expect(DomainError(.invalid, "no field").description == "no field")
    }
}
