import Foundation
import GeoCore
import Hummingbird
import Kernel
import Stores

/// `/v1/stores/{id}/stock`: set, adjust and page through a store's stock.
struct StockRoutes: Sendable {
    let service: StoreService

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/stores/:id/stock") { request, context in try await list(request, context) }
        router.put("/v1/stores/:id/stock") { request, context in try await write(request, context, mode: .set) }
        router.patch("/v1/stores/:id/stock") { request, context in try await write(request, context, mode: .adjust) }
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let id = try StoreRoutes.storeID(context)
        let limit = try Input.queryInt(request, "limit") ?? 100
        guard (1...APIConfiguration.maximumPageSize).contains(limit) else {
            throw Problem.invalid("limit", "limit must be between 1 and \(APIConfiguration.maximumPageSize)")
        }
        let cursor = request.uri.queryParameters["cursor"].map(String.init)
        let page = try await service.repository.stock(of: id, after: cursor, limit: limit)
        return JSONBody(value: .object([
            "items": .array(page.lines.map { Render.stockLine($0, name: service.finder.sku($0.sku)?.name) }),
            "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null,
        ]))
    }

    func write(_ request: Request, _ context: AppRequestContext, mode: StockWriteMode) async throws -> JSONBody {
        let id = try StoreRoutes.storeID(context)
        _ = try context.runs(id)
        let o = try Input.object(try await Input.json(request, context: context), allowed: ["items"])
        guard case .array(let rawItems)? = o["items"] else { throw Problem.invalid("items", "items must be an array") }
        var thresholds: [SKUCode: Int] = [:]
        let items = try rawItems.enumerated().map { i, raw -> (sku: SKUCode, quantity: Int) in
            let path = "items[\(i)]"
            let item = try Input.object(raw, field: path, allowed: ["sku", "qty", "low_threshold"])
            guard let sku = try Input.string(item, "sku", required: true, path: path + "."), !sku.isEmpty else {
                throw Problem.invalid(path + ".sku", "sku must not be empty")
            }
            if let threshold = try Input.integer(item, "low_threshold", path: path + ".") { thresholds[SKUCode(sku)] = threshold }
            return (SKUCode(sku), try Input.integer(item, "qty", required: true, path: path + ".")!)
        }
        let lines = try await service.writeStock(of: id, items, mode: mode, lowThresholds: thresholds)
        return JSONBody(value: .object(["items": .array(lines.map { Render.stockLine($0, name: service.finder.sku($0.sku)?.name) })]))
    }
}
