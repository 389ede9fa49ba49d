import Foundation
import Kernel
import O2OAPI
import OpenAPIRuntime

/// What the engineers who run o2o ask of it: `/readyz`, `/metrics` and the API's own document
/// at `/openapi.json`.
extension APIHandlers {
    /// Ready: the index is loaded (the router is built after it) and the database takes a write now.
    func ready(_ input: Operations.Ready.Input) async throws -> Operations.Ready.Output {
        guard await probe.writable(logger: try context.logger) else {
            throw Problem(.serviceUnavailable, type: "not-ready", title: "Not ready", detail: "the database does not take writes")
        }
        return .ok(.init(body: .json(.init(database: "writable", skus: stores.finder.skuCount, status: "ready", stores: stores.finder.storeCount))))
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        _ = try context.admin("read the metrics")
        return .ok(.init(body: .textPlainCharsetUtf8Version_0_0_4(HTTPBody(try await serverMetrics.scrape(stores: stores, dispatch: dispatch)))))
    }

    func openapi(_ input: Operations.Openapi.Input) async throws -> Operations.Openapi.Output {
        .ok(.init(body: .json(try Self.document.get())))
    }

    /// `openapi.yaml` as the generated type holds a free-form object, made once.
    static let document = Result { try container(APIContract.json) }
}
