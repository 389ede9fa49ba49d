import Foundation
import Kernel
import O2OAPI
import Stores

/// `/v1/stores/{id}/stock`: page through a store's stock, set it and adjust it.
extension APIHandlers {
    func getStock(_ input: Operations.GetStock.Input) async throws -> Operations.GetStock.Output {
        let store = StoreID(try Self.positive(input.path.id, "id"))
        let limit = try Self.pageSize(input.query.limit)
        let page = try await stores.repository.stock(of: store, after: input.query.cursor, limit: limit)
        return .ok(.init(body: .json(.init(items: page.lines.map(stockLine), nextCursor: page.nextCursor))))
    }

    func setStock(_ input: Operations.SetStock.Input) async throws -> Operations.SetStock.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        return .ok(.init(body: .json(try await writeStock(input.path.id, body, mode: .set))))
    }

    func adjustStock(_ input: Operations.AdjustStock.Input) async throws -> Operations.AdjustStock.Output {
        guard case .json(let body) = input.body else { throw Self.noBody }
        return .ok(.init(body: .json(try await writeStock(input.path.id, body, mode: .adjust))))
    }

    func writeStock(_ id: Int, _ body: Components.Schemas.StockItems, mode: StockWriteMode) async throws -> Components.Schemas.StockLines {
        let store = StoreID(try Self.positive(id, "id"))
        _ = try context.runs(store)
        var thresholds: [SKUCode: Int] = [:]
        let items = try body.items.enumerated().map { i, item throws(DomainError) -> (sku: SKUCode, quantity: Int) in
            guard !item.sku.isEmpty else { throw DomainError(.invalid, field: "items[\(i)].sku", "sku must not be empty") }
            if let threshold = item.lowThreshold { thresholds[SKUCode(item.sku)] = threshold }
            return (SKUCode(item.sku), item.qty)
        }
        let lines = try await stores.writeStock(of: store, items, mode: mode, lowThresholds: thresholds)
        return .init(items: lines.map(stockLine))
    }

    func stockLine(_ line: StockLine) -> Components.Schemas.StockLine {
        .init(available: line.level.available, name: stores.finder.sku(line.sku)?.name, onHand: line.level.onHand,
              reserved: line.level.reserved, sku: line.sku.rawValue, lowThreshold: line.level.lowThreshold,
              updatedAt: Render.iso8601(Date(timeIntervalSince1970: line.level.updatedAt)), version: line.level.version)
    }

    /// A page's size: 1 to the API's maximum, 100 when not given.
    static func pageSize(_ limit: Int?, default fallback: Int = 100) throws(DomainError) -> Int {
        let limit = limit ?? fallback
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw DomainError(.invalid, field: "limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        return limit
    }
}
