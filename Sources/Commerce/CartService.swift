import Accounts
import Catalog
import Foundation
import GeoCore
import Kernel
import Stores

/// Discounts applied to a quote; the membership and marketing rules plug in here. Each
/// returned discount is subtracted from the total, and each refusal is shown with its reason.
public protocol DiscountPolicy: Sendable {
    func discounts(for quote: CartQuote, customer: Principal) async throws -> (applied: [CartQuote.Discount], refused: [String])
}

/// What a discount takes up when the order is placed, given back when the order is cancelled,
/// refunded or expires.
public enum DiscountClaim: Hashable, Sendable {
    /// One coupon from the customer's wallet.
    case coupon(id: Int64)
    /// Points from the customer's balance.
    case points(Int)
    /// Units of a flash sale, counted against its quantity and the customer's limit.
    case flashSale(id: Int64, quantity: Int)
    /// A place in a group buy's group: the one named, or a new group.
    case groupBuy(id: Int64, group: Int64?)
}

/// No discounts: what a deployment without promotions runs.
public struct NoDiscounts: DiscountPolicy {
    public init() {}
    public func discounts(for quote: CartQuote, customer: Principal) async throws -> (applied: [CartQuote.Discount], refused: [String]) {
        ([], [])
    }
}

/// What the cart costs now, from which store, and what stands in the way of checking out.
public struct CartQuote: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var sku: SKUCode
        public var name: String
        public var quantity: Int
        public var unitPrice: Money
        public var total: Money
        /// What the store can sell of it now.
        public var available: Int
    }

    public struct Discount: Hashable, Sendable {
        public var code: String
        public var description: String
        public var amount: Money
        /// What checking out takes up for it (a coupon, points, flash-sale units), in the order's
        /// own transaction: a claim that cannot be had any more refuses the checkout whole.
        public var claim: DiscountClaim?
        public init(code: String, description: String, amount: Money, claim: DiscountClaim? = nil) {
            self.code = code; self.description = description; self.amount = amount; self.claim = claim
        }
    }

    public var fulfilment: Cart.Fulfilment?
    /// The store that would fill the order (nil until one can).
    public var store: Store?
    /// The delivery zone that serves the address, for delivery.
    public var zone: DeliveryZone?
    public var distance: Meters?
    public var lines: [Line]
    public var subtotal: Money
    public var deliveryFee: Money
    public var discounts: [Discount]
    public var refusedDiscounts: [String]
    public var total: Money
    /// Changes since the customer last looked (a price moved), shown once.
    public var notices: [String]
    /// What stops a checkout (no store has it all, below the zone's minimum order, …), each with its field.
    public var problems: [DomainError.Detail]

    public var canCheckOut: Bool { problems.isEmpty && store != nil && !lines.isEmpty }
}

/// The customer's cart: lines, fulfilment, and its quote from live stock, store prices and the
/// delivery zone that serves the address.
public struct CartService: Sendable {
    public let repository: any CartRepository
    public let accounts: AccountService
    let catalog: CatalogService
    let discounts: any DiscountPolicy
    let now: @Sendable () -> Date

    public init(repository: any CartRepository, accounts: AccountService, catalog: CatalogService,
                discounts: any DiscountPolicy = NoDiscounts(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository; self.accounts = accounts; self.catalog = catalog; self.discounts = discounts; self.now = now
    }

    var finder: StoreFinder { catalog.stores.finder }

    public func cart(of caller: Principal) async throws -> Cart {
        try await repository.cart(of: caller.account) ?? Cart(account: caller.account, updatedAt: now())
    }

    /// Sets a line's quantity (0 removes it); the SKU must exist.
    public func setQuantity(_ quantity: Int, of sku: SKUCode, by caller: Principal) async throws -> Cart {
        guard (0...Cart.maximumQuantity).contains(quantity) else {
            throw DomainError(.invalid, field: "qty", "qty must be between 0 and \(Cart.maximumQuantity)")
        }
        guard finder.sku(sku) != nil else { throw DomainError(.notFound, field: "sku", "unknown SKU \"\(sku)\"") }
        var cart = try await cart(of: caller)
        if let i = cart.lines.firstIndex(where: { $0.sku == sku }) {
            if quantity == 0 { cart.lines.remove(at: i) } else { cart.lines[i].quantity = quantity }
        } else if quantity > 0 {
            guard cart.lines.count < Cart.maximumLines else { throw DomainError(.conflict, field: "sku", "a cart holds at most \(Cart.maximumLines) lines") }
            cart.lines.append(Cart.Line(sku: sku, quantity: quantity))
        }
        cart.updatedAt = now()
        try await repository.save(cart)
        return cart
    }

    /// Adds to a line's quantity.
    public func add(_ quantity: Int, of sku: SKUCode, by caller: Principal) async throws -> Cart {
        guard (1...Cart.maximumQuantity).contains(quantity) else {
            throw DomainError(.invalid, field: "qty", "qty must be between 1 and \(Cart.maximumQuantity)")
        }
        let current = try await cart(of: caller).lines.first { $0.sku == sku }?.quantity ?? 0
        return try await setQuantity(min(Cart.maximumQuantity, current + quantity), of: sku, by: caller)
    }

    /// Chooses delivery to one of the caller's addresses, or pickup at a store.
    public func choose(_ fulfilment: Cart.Fulfilment, by caller: Principal) async throws -> Cart {
        switch fulfilment {
        case .delivery(let id):
            guard try await accounts.addresses(by: caller).contains(where: { $0.id == id }) else {
                throw DomainError(.notFound, field: "address_id", "no address \(id) of this account")
            }
        case .pickup(let store):
            guard finder.store(store) != nil else { throw DomainError(.notFound, field: "store_id", "no store \(store)") }
        }
        var cart = try await cart(of: caller)
        cart.fulfilment = fulfilment
        cart.updatedAt = now()
        try await repository.save(cart)
        return cart
    }

    public func clear(by caller: Principal) async throws {
        try await repository.save(Cart(account: caller.account, updatedAt: now()))
    }

    /// The cart priced now. Prices the customer saw and that have moved since are noted (and the
    /// new ones remembered, so each change is told once).
    public func quote(by caller: Principal) async throws -> CartQuote {
        var cart = try await cart(of: caller)
        let currency = catalog.currency
        var quote = CartQuote(fulfilment: cart.fulfilment, lines: [], subtotal: .zero(currency), deliveryFee: .zero(currency), discounts: [],
                              refusedDiscounts: [], total: .zero(currency), notices: [], problems: [])
        guard !cart.lines.isEmpty else { return quote }
        let items = cart.lines.map { Reservation.Item(sku: $0.sku, quantity: $0.quantity) }
        // The store: the chosen one for pickup; for delivery the one that has it all, delivers
        // to the address and costs least (items at its prices plus its fee), then the nearest.
        var option: BasketOption?
        switch cart.fulfilment {
        case nil:
            quote.problems.append(.init(field: "fulfilment", message: "choose delivery to an address or pickup at a store"))
        case .pickup(let id)?:
            guard let store = finder.store(id) else {
                quote.problems.append(.init(field: "store_id", message: "store \(id) no longer exists"))
                break
            }
            let available = items.map { finder.available($0.sku, at: id) ?? 0 }
            option = BasketOption(store: store, distance: 0, zone: nil, isOpen: nil, available: available)
        case .delivery(let addressID)?:
            guard let address = try await accounts.addresses(by: caller).first(where: { $0.id == addressID }) else {
                quote.problems.append(.init(field: "address_id", message: "address \(addressID) no longer exists"))
                break
            }
            let answer = try finder.basket(BasketQuery(point: address.location, items: items, fulfilment: .delivery,
                                                       limit: NearbyQuery.maximumLimit, order: .fee),
                                           now: now())
            var best: (total: Int, distance: Meters, option: BasketOption)?
            for candidate in answer.stores {
                let prices = try await catalog.repository.prices(store: candidate.store.id, skus: items.map(\.sku))
                let total = zip(items, cart.lines).reduce(candidate.feeMinor) { $0 + (prices[$1.0.sku] ?? 0) * $1.1.quantity }
                if best == nil || (total, candidate.distance) < (best!.total, best!.distance) { best = (total, candidate.distance, candidate) }
            }
            option = best?.option
            if option == nil {
                let missing = answer.unavailable.map(\.sku.rawValue)
                quote.problems.append(.init(field: "lines", message: missing.isEmpty
                    ? "no store that delivers to this address has the whole cart; split it or choose pickup"
                    : "no store that delivers to this address has \(missing.joined(separator: ", ")) in the quantity asked"))
            }
        }
        // Price every line at the store (or at list prices until there is one).
        let skus = cart.lines.map(\.sku)
        var prices: [SKUCode: Int]
        if let store = option?.store.id {
            prices = try await catalog.repository.prices(store: store, skus: skus)
        } else {
            prices = Dictionary(skus.map { ($0, finder.sku($0)?.priceMinor ?? 0) }) { a, _ in a }
        }
        var names: [SKUCode: String] = [:]
        for sku in skus { names[sku] = finder.sku(sku)?.name ?? sku.rawValue }
        var changedSeen = false
        for (i, line) in cart.lines.enumerated() {
            let unit = prices[line.sku] ?? 0
            let available = option?.available[i] ?? 0
            let total = try Money(minor: unit, currency: currency).multiplied(by: line.quantity)
            quote.lines.append(.init(sku: line.sku, name: names[line.sku]!, quantity: line.quantity,
                                     unitPrice: Money(minor: unit, currency: currency), total: total, available: available))
            quote.subtotal = try quote.subtotal.adding(total)
            if let seen = line.seenPriceMinor, seen != unit {
                quote.notices.append("the price of \(names[line.sku]!) changed from \(Money(minor: seen, currency: currency)) to \(Money(minor: unit, currency: currency))")
            }
            if line.seenPriceMinor != unit { cart.lines[i].seenPriceMinor = unit; changedSeen = true }
            if option != nil, available < line.quantity {
                quote.problems.append(.init(field: "lines[\(i)].qty", message: available == 0
                    ? "\(names[line.sku]!) is out of stock at \(option!.store.name)"
                    : "only \(available) of \(names[line.sku]!) at \(option!.store.name); \(line.quantity) asked"))
            }
        }
        if let option {
            quote.store = option.store
            quote.zone = option.zone
            quote.distance = option.distance
            quote.deliveryFee = Money(minor: option.feeMinor, currency: currency)
            if let zone = option.zone, quote.subtotal.minor < zone.minimumOrderMinor {
                quote.problems.append(.init(field: "lines", message:
                    "the minimum order for delivery here is \(Money(minor: zone.minimumOrderMinor, currency: currency)); the cart comes to \(quote.subtotal)"))
            }
        }
        let (applied, refused) = try await discounts.discounts(for: quote, customer: caller)
        quote.discounts = applied
        quote.refusedDiscounts = refused
        var total = try quote.subtotal.adding(quote.deliveryFee)
        for d in applied { total = try total.subtracting(d.amount) }
        quote.total = total.minor < 0 ? .zero(currency) : total
        if changedSeen {
            cart.updatedAt = now()
            try await repository.save(cart)
        }
        return quote
    }
}
