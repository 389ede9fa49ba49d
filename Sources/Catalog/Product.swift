import Foundation
import Kernel
import Stores

/// Something a customer buys, sold as one or more SKUs (sizes, packs), each with a list price
/// in the deployment's currency (minor units) and optionally a store's own price.
public struct Product: Hashable, Sendable {
    public var id: ProductID
    public var name: String
    public var brand: String?
    public var category: CategoryID
    public var description: String?
    public var attributes: [String: String]
    /// Image URLs (https, or a path on this server).
    public var images: [String]
    public var skus: [ProductSKU]
    /// Units sold in completed orders, for the "sales" sort.
    public var sales: Int

    public init(id: ProductID, name: String, brand: String?, category: CategoryID, description: String?, attributes: [String: String],
                images: [String], skus: [ProductSKU], sales: Int) {
        self.id = id; self.name = name; self.brand = brand; self.category = category; self.description = description
        self.attributes = attributes; self.images = images; self.skus = skus; self.sales = sales
    }
}

/// One sellable form of a product.
public struct ProductSKU: Hashable, Sendable {
    public var code: SKUCode
    public var name: String
    /// What tells it from the product's other SKUs ({"size": "1 L"}).
    public var variant: [String: String]
    public var unit: String?
    public var listPriceMinor: Int

    public init(code: SKUCode, name: String, variant: [String: String] = [:], unit: String? = nil, listPriceMinor: Int) {
        self.code = code; self.name = name; self.variant = variant; self.unit = unit; self.listPriceMinor = listPriceMinor
    }
}

/// A new product with its SKUs; the category by slug. SKU codes that exist already are
/// adopted (their name, unit and price replaced).
public struct ProductDraft: Hashable, Sendable {
    public var name: String
    public var brand: String?
    public var category: String
    public var description: String?
    public var attributes: [String: String]
    public var images: [String]
    public var skus: [ProductSKU]

    public init(name: String, brand: String? = nil, category: String, description: String? = nil, attributes: [String: String] = [:],
                images: [String] = [], skus: [ProductSKU]) {
        self.name = name; self.brand = brand; self.category = category; self.description = description
        self.attributes = attributes; self.images = images; self.skus = skus
    }
}
