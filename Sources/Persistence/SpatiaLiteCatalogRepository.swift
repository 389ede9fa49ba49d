import Catalog
import Foundation
import GeoCore
import GRDB
import Kernel
import Stores

/// ``CatalogRepository`` on the SpatiaLite file. Each SKU row is indexed in `catalog_fts`
/// (its rowid the SKU's id) with the product's name and the SKU's, the brand, the category
/// path and the description, written in the same transaction as the product.
public struct SpatiaLiteCatalogRepository: CatalogRepository {
    public let database: SpatiaLiteDatabase
    var writer: any DatabaseWriter { database.writer }

    public init(database: SpatiaLiteDatabase) { self.database = database }

    static func json(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? { try? JSONDecoder().decode(type, from: Data(text.utf8)) }

    /// Runs a write transaction; a taken category slug is the client's conflict.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(refusing: [UniqueRule(column: "categories.slug", field: "slug", message: "a category with this slug exists already")], body)
    }

    // MARK: - Categories

    public func categories() async throws -> [Catalog.Category] {
        try await writer.read { db in try Self.categories(db) }
    }

    static func categories(_ db: Database) throws -> [Catalog.Category] {
        try Row.fetchAll(db, sql: "SELECT id, parent_id, slug, name FROM categories ORDER BY id").map {
            Catalog.Category(id: CategoryID($0["id"]), parent: ($0["parent_id"] as Int64?).map { CategoryID($0) }, slug: $0["slug"], name: $0["name"])
        }
    }

    public func createCategory(_ draft: CategoryDraft) async throws -> Catalog.Category {
        try await write { db in
            var parent: Int64?
            if let slug = draft.parent {
                parent = try Int64.fetchOne(db, sql: "SELECT id FROM categories WHERE slug = ?", arguments: [slug])
                guard parent != nil else { throw DomainError(.notFound, field: "parent", "no category \"\(slug)\"") }
            }
            try db.execute(sql: "INSERT INTO categories (parent_id, slug, name) VALUES (?, ?, ?)", arguments: [parent, draft.slug, draft.name])
            return Catalog.Category(id: CategoryID(db.lastInsertedRowID), parent: parent.map { CategoryID($0) }, slug: draft.slug, name: draft.name)
        }
    }

    // MARK: - Products

    public func createProducts(_ drafts: [(draft: ProductDraft, category: CategoryID)], at date: Date) async throws -> [Product] {
        try await write { db in
            let tree = CategoryTree(try Self.categories(db))
            var ids: [Int64] = []
            for (draft, category) in drafts { ids.append(try Self.insert(db, draft, category: category, tree: tree, at: date)) }
            let products = try Self.products(db, ids: ids)
            return ids.map { products[ProductID($0)]! }
        }
    }

    static func insert(_ db: Database, _ draft: ProductDraft, category: CategoryID, tree: CategoryTree, at date: Date) throws -> Int64 {
        guard tree[category] != nil else { throw DomainError(.notFound, field: "category", "no category \(category)") }
        try db.execute(sql: """
            INSERT INTO products (name, brand, category_id, description, attributes_json, images_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [draft.name, draft.brand, category.rawValue, draft.description, try Self.json(draft.attributes),
                             try Self.json(draft.images), date.timeIntervalSince1970])
        let id = db.lastInsertedRowID
        let categoryText = tree.path(of: category).map(\.name).joined(separator: " ")
        for sku in draft.skus {
            // A SKU already on file (stock may refer to it) is adopted, not duplicated.
            try db.execute(sql: """
                INSERT INTO skus (code, name, category, unit, price_minor, product_id, variant_json) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category, unit = excluded.unit,
                    price_minor = excluded.price_minor, product_id = excluded.product_id, variant_json = excluded.variant_json
                """, arguments: [sku.code.rawValue, sku.name, tree[category]!.slug, sku.unit, sku.listPriceMinor, id,
                                 try Self.json(sku.variant)])
            let skuID = try Int64.fetchOne(db, sql: "SELECT id FROM skus WHERE code = ?", arguments: [sku.code.rawValue])!
            try db.execute(sql: "DELETE FROM catalog_fts WHERE rowid = ?", arguments: [skuID])
            let names = sku.name == draft.name ? draft.name : "\(draft.name) \(sku.name)"
            try db.execute(sql: "INSERT INTO catalog_fts (rowid, name, brand, category, description) VALUES (?, ?, ?, ?, ?)",
                           arguments: [skuID, names, draft.brand ?? "", categoryText, draft.description ?? ""])
        }
        return id
    }

    static func products(_ db: Database, ids: [Int64]) throws -> [ProductID: Product] {
        guard !ids.isEmpty else { return [:] }
        let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        var skus: [Int64: [ProductSKU]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT product_id, code, name, variant_json, unit, price_minor FROM skus
            WHERE product_id IN (SELECT value FROM json_each(?)) ORDER BY product_id, code
            """, arguments: [list]) {
            skus[row["product_id"], default: []].append(ProductSKU(
                code: SKUCode(row["code"]), name: row["name"], variant: decode([String: String].self, row["variant_json"]) ?? [:],
                unit: row["unit"], listPriceMinor: row["price_minor"] ?? 0))
        }
        var result: [ProductID: Product] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, name, brand, category_id, description, attributes_json, images_json, sales_count FROM products
            WHERE id IN (SELECT value FROM json_each(?))
            """, arguments: [list]) {
            let id: Int64 = row["id"]
            result[ProductID(id)] = Product(
                id: ProductID(id), name: row["name"], brand: row["brand"], category: CategoryID(row["category_id"]), description: row["description"],
                attributes: decode([String: String].self, row["attributes_json"]) ?? [:], images: decode([String].self, row["images_json"]) ?? [],
                skus: skus[id] ?? [], sales: row["sales_count"])
        }
        return result
    }

    public func product(_ id: ProductID) async throws -> Product? {
        try await writer.read { db in try Self.products(db, ids: [id.rawValue])[id] }
    }

    public func products(_ ids: [ProductID]) async throws -> [ProductID: Product] {
        try await writer.read { db in try Self.products(db, ids: ids.map(\.rawValue)) }
    }

    public func productCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM products") ?? 0 }
    }

    // MARK: - Search and prices

    public func candidates(match: String?, categories: Set<CategoryID>?, minPriceMinor: Int?, maxPriceMinor: Int?,
                           store: StoreID?) async throws -> [CatalogCandidate] {
        try await writer.read { db in
            var sql = """
                SELECT k.code, k.product_id, coalesce(sp.price_minor, k.price_minor, 0) AS price, coalesce(k.price_minor, 0) AS list,
                       p.sales_count, \(match == nil ? "0.0" : "bm25(catalog_fts, 10.0, 4.0, 2.0, 1.0)") AS score
                FROM \(match == nil ? "skus k" : "catalog_fts f JOIN skus k ON k.id = f.rowid")
                JOIN products p ON p.id = k.product_id
                LEFT JOIN store_prices sp ON sp.sku_id = k.id AND sp.store_id = ?
                WHERE 1
                """
            var arguments: StatementArguments = [store?.rawValue ?? -1]
            if let match { sql += " AND catalog_fts MATCH ?"; arguments += [match] }
            if let categories {
                sql += " AND p.category_id IN (SELECT value FROM json_each(?))"
                arguments += [String(decoding: try JSONEncoder().encode(categories.map(\.rawValue).sorted()), as: UTF8.self)]
            }
            if let minPriceMinor { sql += " AND coalesce(sp.price_minor, k.price_minor, 0) >= ?"; arguments += [minPriceMinor] }
            if let maxPriceMinor { sql += " AND coalesce(sp.price_minor, k.price_minor, 0) <= ?"; arguments += [maxPriceMinor] }
            do {
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    CatalogCandidate(sku: SKUCode($0["code"]), product: ProductID($0["product_id"]), priceMinor: $0["price"],
                                     listPriceMinor: $0["list"], score: $0["score"], sales: $0["sales_count"])
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && match != nil {
                // The words are quoted before they get here; FTS5 refusing them is the input's fault.
                throw DomainError(.invalid, field: "q", "the search words could not be read: \(error.message ?? "")")
            }
        }
    }

    public func setStorePrice(_ priceMinor: Int?, store: StoreID, sku: SKUCode) async throws {
        try await write { db in
            guard let skuID = try Int64.fetchOne(db, sql: "SELECT id FROM skus WHERE code = ?", arguments: [sku.rawValue]) else {
                throw DomainError(.notFound, field: "sku", "unknown SKU \"\(sku)\"")
            }
            if let priceMinor {
                try db.execute(sql: """
                    INSERT INTO store_prices (store_id, sku_id, price_minor) VALUES (?, ?, ?)
                    ON CONFLICT (store_id, sku_id) DO UPDATE SET price_minor = excluded.price_minor
                    """, arguments: [store.rawValue, skuID, priceMinor])
            } else {
                try db.execute(sql: "DELETE FROM store_prices WHERE store_id = ? AND sku_id = ?", arguments: [store.rawValue, skuID])
            }
        }
    }

    public func prices(store: StoreID, skus: [SKUCode]) async throws -> [SKUCode: Int] {
        try await writer.read { db in
            let list = String(decoding: try JSONEncoder().encode(skus.map(\.rawValue)), as: UTF8.self)
            var result: [SKUCode: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT k.code, coalesce(sp.price_minor, k.price_minor, 0) AS price FROM skus k
                LEFT JOIN store_prices sp ON sp.sku_id = k.id AND sp.store_id = ?
                WHERE k.code IN (SELECT value FROM json_each(?))
                """, arguments: [store.rawValue, list]) {
                result[SKUCode(row["code"])] = row["price"]
            }
            return result
        }
    }
}
