import Kernel
import Stores

/// The demo city's synthetic catalog and stock. No public data says what a shop holds, so it
/// is generated: deterministically, from a fixed seed, the store's external reference and the
/// SKU code, so that every import of the same city gives the same numbers.
///
/// - The catalog: the products below, in ten categories, with prices drawn once from the seed.
/// - Which store carries what: each kind of shop carries some categories with a probability
///   (a supermarket 85% of everything, a butcher 90% of meat, …; see `assortment`).
/// - How many: 0 to 60 on hand, with one carried line in ten out of stock (0).
public enum DemoCatalog {
    public static let seed: UInt64 = 20_201_720

    static let products: [(category: String, unit: String, names: [String])] = [
        ("dairy", "each", ["Whole milk 1 L", "Semi-skimmed milk 1 L", "Natural yoghurt 4×125 g", "Butter 250 g", "Flamengo cheese 200 g",
                           "São Jorge cheese 250 g", "Fresh cheese 200 g", "Eggs, dozen", "Cream 200 ml", "Greek yoghurt 500 g"]),
        ("bakery", "each", ["Broa de milho", "Pão de forma", "Carcaça ×6", "Croissant ×4", "Pastel de nata ×6", "Bolo de arroz ×2",
                            "Baguette", "Rye bread 500 g", "Pão de Deus ×4", "Regueifa"]),
        ("produce", "kg", ["Bananas", "Apples Royal Gala", "Oranges", "Potatoes", "Onions", "Tomatoes", "Carrots", "Lettuce",
                           "Couve galega", "Lemons", "Pears Rocha", "Garlic"]),
        ("meat", "kg", ["Chicken breast", "Pork loin", "Beef mince", "Chouriço", "Presunto sliced 100 g", "Alheira ×2",
                        "Turkey steaks", "Pork ribs"]),
        ("fish", "kg", ["Bacalhau, salted", "Sardines", "Hake fillets", "Octopus", "Salmon fillet", "Tuna in olive oil 120 g"]),
        ("drinks", "each", ["Water 1.5 L", "Sparkling water 1 L", "Orange juice 1 L", "Cola 1.5 L", "Super Bock ×6", "Coffee beans 250 g",
                            "Ground coffee 250 g", "Black tea ×20", "Iced tea 1.5 L", "Sumol orange 1 L"]),
        ("wine", "each", ["Vinho Verde 75 cl", "Douro red 75 cl", "Douro white 75 cl", "Port Tawny 75 cl", "Port Ruby 75 cl",
                          "Alentejo red 75 cl", "Rosé 75 cl", "Moscatel 75 cl"]),
        ("pantry", "each", ["Olive oil 750 ml", "Rice Carolino 1 kg", "Spaghetti 500 g", "Chickpeas 540 g", "Sugar 1 kg", "Flour 1 kg",
                            "Salt 1 kg", "Tomato passata 500 g", "Canned sardines 120 g", "Honey 500 g", "Oat flakes 500 g",
                            "Biscuits Maria 800 g"]),
        ("sweets", "each", ["Dark chocolate 100 g", "Milk chocolate 100 g", "Toffees 200 g", "Ice cream 1 L", "Marmelada 400 g",
                            "Chocolate spread 400 g"]),
        ("household", "each", ["Toilet paper ×12", "Kitchen roll ×4", "Washing-up liquid 750 ml", "Laundry powder 3 kg",
                               "Bin bags ×20", "Batteries AA ×4"]),
    ]

    /// Every SKU of the demo catalog, codes like `DAIRY-001`.
    public static let skus: [SKU] = {
        var rng = SplitMix64(seed: seed)
        var result: [SKU] = []
        for group in products {
            for (i, name) in group.names.enumerated() {
                let code = SKUCode("\(group.category.uppercased())-\(threeDigits(i + 1))")
                let price = 49 + Int(rng.next() % 1500)
                result.append(SKU(code: code, name: name, category: group.category, unit: group.unit, priceMinor: price))
            }
        }
        return result
    }()

    /// Probability (percent) that a shop of `kind` carries a product of `category`.
    static func assortment(kind: String, category: String) -> Int {
        switch kind {
        case "supermarket", "general": return 85
        case "convenience": return ["meat", "fish"].contains(category) ? 10 : 50
        case "greengrocer": return category == "produce" ? 90 : (category == "pantry" ? 20 : 0)
        case "butcher": return category == "meat" ? 90 : 0
        case "seafood": return category == "fish" ? 90 : 0
        case "bakery", "pastry": return category == "bakery" ? 90 : (category == "sweets" ? 50 : (category == "drinks" ? 30 : 0))
        case "alcohol", "wine", "beverages": return category == "wine" ? 90 : (category == "drinks" ? 70 : 0)
        case "confectionery", "chocolate": return category == "sweets" ? 90 : 0
        case "coffee", "tea": return category == "drinks" ? 60 : (category == "pantry" ? 20 : 0)
        case "deli", "cheese": return ["dairy", "pantry"].contains(category) ? 60 : (["meat", "wine"].contains(category) ? 40 : 0)
        default: return category == "pantry" ? 50 : 20
        }
    }

    /// The on-hand quantities a store of `kind` with reference `ref` starts with.
    public static func stock(forStore ref: String, kind: String) -> [(sku: SKUCode, quantity: Int)] {
        var lines: [(sku: SKUCode, quantity: Int)] = []
        for sku in skus {
            var rng = SplitMix64(seed: seed ^ fnv1a(ref) ^ fnv1a(sku.code.rawValue) &* 31)
            let carries = Int(rng.next() % 100) < assortment(kind: kind, category: sku.category ?? "")
            guard carries else { continue }
            let outOfStock = rng.next() % 10 == 0
            lines.append((sku.code, outOfStock ? 0 : 1 + Int(rng.next() % 60)))
        }
        return lines
    }
}

/// SplitMix64: small, fast and the same on every platform, unlike Swift's seeded hashing.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FNV-1a over UTF-8: a stable hash of a string.
func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

/// `n` with leading zeros to three digits.
func threeDigits(_ n: Int) -> String {
    let digits = "\(n)"
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
