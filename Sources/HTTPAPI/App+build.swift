import Foundation
import Hummingbird
import Logging
import Stores

/// Where and how the HTTP server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the router: every route, behind the middleware that turns errors into problems.
public func buildRouter(service: StoreService) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware(routes: OpenAPIDocument.routes))
    router.get("/healthz") { _, _ in
        JSONBody(value: .object([
            "status": .string("ok"),
            "stores": .number(Double(service.finder.storeCount)),
            "zones": .number(Double(service.finder.zoneCount)),
            "skus": .number(Double(service.finder.skuCount)),
        ]))
    }
    router.get("/openapi.json") { _, _ in JSONBody(value: OpenAPIDocument.json) }
    StoreRoutes(service: service).register(on: router)
    StockRoutes(service: service).register(on: router)
    return router
}

/// Builds the application on a store service.
public func buildApplication(service: StoreService, configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "o2o"),
        logger: logger)
}
