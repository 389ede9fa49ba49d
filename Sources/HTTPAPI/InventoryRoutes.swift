import Foundation
import GeoCore
import Hummingbird
import Kernel
import NIOCore
import StoreImport
import Stores

/// Till batches, JSON or CSV, and the live stream of a store's stock events.
struct InventoryRoutes: Sendable {
    let service: StoreService
    /// How often an idle event stream sends a comment, so proxies keep it open.
    let heartbeat: Duration

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/stores/:id/stock/batches") { request, context in try await batch(request, context) }
        router.get("/v1/stores/:id/stock/events/stream") { request, context in try await stream(request, context) }
    }

    // MARK: - Till batches

    func batch(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        let id = try StoreRoutes.storeID(context)
        _ = try context.runs(id)
        let headerKey = request.headers[.init("Idempotency-Key")!]
        var batch: StockBatch
        if request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true {
            batch = try await csvBatch(request, store: id, headerKey: headerKey)
        } else {
            batch = try await jsonBatch(request, context, store: id, headerKey: headerKey)
        }
        batch.storeID = id
        let result = try await service.apply(batch)
        return JSONBody(value: Render.batchResult(result), status: result.outcome == .applied ? .created : .ok)
    }

    func jsonBatch(_ request: Request, _ context: AppRequestContext, store: StoreID, headerKey: String?) async throws -> StockBatch {
        let o = try Input.object(try await Input.json(request, context: context),
                                 allowed: ["kind", "sequence", "idempotency_key", "partial", "items"])
        let kindText = try Input.string(o, "kind", required: true)!
        guard let kind = StockBatch.Kind(rawValue: kindText) else { throw Problem.invalid("kind", "kind must be snapshot or delta") }
        let sequence = try Input.integer(o, "sequence").map(Int64.init)
        let key = try Input.string(o, "idempotency_key") ?? headerKey
        let partial = try Input.member(o, "partial", required: false, path: "", expected: "true or false") { value -> Bool? in
            if case .bool(let b) = value { return b }
            return nil
        } ?? false
        guard let value = o["items"], !value.isNull else { throw Problem.invalid("items", "items is required") }
        guard case .array(let raw) = value else { throw Problem.invalid("items", "items must be an array") }
        var lines: [StockBatch.Line] = [], refused: [DomainError.Detail] = []
        var refusedSKUs: [SKUCode] = []
        for (i, element) in raw.enumerated() {
            let path = "items[\(i)]"
            do {
                let item = try Input.object(element, field: path, allowed: ["sku", "qty", "low_threshold"])
                let sku = try Input.string(item, "sku", required: true, path: path + ".")!
                do {
                    let qty = try Input.integer(item, "qty", required: true, path: path + ".")!
                    let threshold = try Input.integer(item, "low_threshold", path: path + ".")
                    lines.append(StockBatch.Line(sku: SKUCode(sku), quantity: qty, lowThreshold: threshold, field: path))
                } catch {
                    refusedSKUs.append(SKUCode(sku))
                    throw error
                }
            } catch let problem as Problem {
                // A malformed line is refused on its own: a partial batch still applies the rest.
                refused.append(.init(field: problem.field ?? path, message: problem.detail))
            }
        }
        var batch = StockBatch(storeID: store, kind: kind, sequence: sequence, idempotencyKey: key, partial: partial,
                               lines: lines, refused: refused)
        batch.refusedSKUs = refusedSKUs
        return batch
    }

    func csvBatch(_ request: Request, store: StoreID, headerKey: String?) async throws -> StockBatch {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: APIConfiguration.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
        let kindText = request.uri.queryParameters["kind"].map(String.init) ?? ""
        guard let kind = StockBatch.Kind(rawValue: kindText) else { throw Problem.invalid("kind", "kind must be snapshot or delta") }
        let sequence = try Input.queryInt(request, "sequence").map(Int64.init)
        let key = request.uri.queryParameters["idempotency_key"].map(String.init) ?? headerKey
        let partial = try Input.queryBool(request, "partial") ?? false
        let declared = try request.uri.queryParameters["store_key"].map { raw -> StoreKey in
            guard let key = StoreKey(rawValue: String(raw)) else { throw Problem.invalid("store_key", "store_key must be id or ref") }
            return key
        }
        let file: StockFile
        do { file = try StockFile(text: String(decoding: buffer.readableBytesView, as: UTF8.self)) } catch {
            throw Problem.invalid("body", "the CSV cannot be read: \(error.description)")
        }
        // A store column names the path's store by the key it holds, never by a guess between the two.
        let fileKey = try file.storeKey(declared: declared, option: "store_key")
        let (batches, unassigned) = file.batches(kind: kind, sequence: sequence, idempotencyKey: key, partial: partial,
                                                 defaultStore: store, key: fileKey) { value in
            switch fileKey {
            case .id: value == String(store.rawValue) ? store : nil
            case .ref: service.finder.store(store)?.externalRef == value ? store : nil
            case nil: nil
            }
        }
        var batch = batches.first ?? StockBatch(storeID: store, kind: kind, sequence: sequence, idempotencyKey: key, partial: partial, lines: [])
        batch.refused += unassigned.map { DomainError.Detail(field: $0.field, message: $0.message + " (this batch is for store \(store))") }
        return batch
    }

    // MARK: - Events

    /// Server-Sent Events: what the feed holds after `Last-Event-ID` (or `after`), then each
    /// event as it commits, until the client goes or the server shuts down.
    func stream(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let store = try StoreRoutes.storeID(context)
        _ = try context.runs(store)
        guard service.finder.store(store) != nil else { throw DomainError(.notFound, field: "id", "no store \(store)") }
        var start: Int64 = try Input.queryInt(request, "after").map(Int64.init) ?? 0
        if let last = request.headers[.init("Last-Event-ID")!] {
            guard let id = Int64(last), id >= 0 else { throw Problem.invalid("Last-Event-ID", "Last-Event-ID must be an event id") }
            start = id
        }
        let after = start
        // Subscribe before reading the backlog, so nothing committed in between is missed.
        let live = service.events.subscribe(store: store)
        let service = self.service, heartbeat = self.heartbeat
        let body = ResponseBody { writer in
            var sent = after
            func send(_ event: StockEvent) async throws {
                guard event.id > sent else { return }
                try await writer.write(try LiveStream.event(event.kind.rawValue, try APIHandlers.stockEvent(event), id: event.id))
                sent = event.id
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            while true {
                let page = try await service.repository.stockEvents(store: store, after: sent, limit: 500)
                for event in page { try await send(event) }
                if page.count < 500 { break }
            }
            for await signal in LiveStream.merge(live, heartbeat: heartbeat) {
                switch signal {
                case .event(let event): try await send(event)
                case .beat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return LiveStream.response(body)
    }
}
