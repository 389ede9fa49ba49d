import Foundation
import Kernel
import Stores

extension CatalogService {
    /// The category tree the demo catalog's SKU categories hang in.
    static let demoTree: [(slug: String, name: String, children: [(String, String)])] = [
        ("groceries", "Groceries", [("dairy", "Dairy and eggs"), ("bakery", "Bakery"), ("produce", "Fruit and vegetables"),
                                    ("meat", "Meat"), ("fish", "Fish"), ("pantry", "Pantry"), ("sweets", "Sweets")]),
        ("beverages", "Beverages", [("drinks", "Soft drinks, coffee and tea"), ("wine", "Wine")]),
        ("home", "Home", [("household", "Household")]),
    ]

    /// Brands the demo products are given, by category: a product's brand is drawn from its
    /// category's list by a hash of its SKU code, so every run gives the same.
    static let demoBrands: [String: [String]] = [
        "dairy": ["Agros", "Mimosa", "Terra Nostra"], "bakery": ["Padaria Ribeiro", "Forno d'Ouro"],
        "produce": ["Hortas do Norte", "Frutas Sol"], "meat": ["Talho Central", "Quinta do Porco Preto"],
        "fish": ["Ramirez", "Lota de Matosinhos"], "drinks": ["Luso", "Sumol", "Delta", "Super Bock"],
        "wine": ["Quinta do Crasto", "Aveleda", "Graham's", "Taylor's"], "pantry": ["Gallo", "Cigala", "Nacional"],
        "sweets": ["Regina", "Arcádia", "Imperial"], "household": ["Renova", "Skip", "Fairy"],
    ]

    /// Gives every SKU storage holds without a product one of its own, in the demo tree (a SKU
    /// in another category gets a top-level category of that name). Runs once, on a catalog
    /// with no products; returns how many products it made.
    @discardableResult
    public func seedFromSKUs() async throws -> Int {
        guard try await repository.productCount() == 0 else { return 0 }
        let skus = try await stores.repository.allSKUs()
        guard !skus.isEmpty else { return 0 }
        var known = Dictionary(try await repository.categories().map { ($0.slug, $0.id) }) { a, _ in a }
        func ensure(_ draft: CategoryDraft) async throws {
            if known[draft.slug] == nil { known[draft.slug] = try await repository.createCategory(draft).id }
        }
        for root in Self.demoTree {
            try await ensure(CategoryDraft(slug: root.slug, name: root.name))
            for (slug, name) in root.children { try await ensure(CategoryDraft(slug: slug, name: name, parent: root.slug)) }
        }
        var drafts: [(draft: ProductDraft, category: CategoryID)] = []
        for sku in skus.sorted(by: { $0.code < $1.code }) {
            let slug = (sku.category ?? "other").lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            let category = slug.isEmpty ? "other" : slug
            try await ensure(CategoryDraft(slug: category, name: category.capitalized))
            let brands = Self.demoBrands[category] ?? []
            let brand = brands.isEmpty ? nil : brands[Int(Self.fnv1a(sku.code.rawValue) % UInt64(brands.count))]
            let unit = sku.unit ?? "each"
            let draft = ProductDraft(
                name: sku.name, brand: brand, category: category,
                description: "\(sku.name)\(brand.map { " by \($0)" } ?? ""), sold \(unit == "kg" ? "by the kilogram" : "each").",
                attributes: unit == "kg" ? ["sold_by": "weight"] : ["sold_by": "unit"],
                skus: [ProductSKU(code: sku.code, name: sku.name, unit: sku.unit, listPriceMinor: sku.priceMinor ?? 0)])
            drafts.append((draft, known[category]!))
        }
        return try await repository.createProducts(drafts, at: now()).count
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
