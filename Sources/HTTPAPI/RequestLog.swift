import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives each request an id — the client's `X-Request-Id` when it is a plain token of up to 64
/// characters, else a new one — puts it in the request's logger (so every line a handler logs
/// carries it) and in the response, and logs each request by route pattern, method, status and
/// milliseconds: debug normally, a warning when slow (over a second), an error for a 5xx.
/// Never the path's ids, the query, headers or bodies: no phones, addresses or tokens reach
/// the logs.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    static func id(_ given: String?) -> String {
        if let given, (1...64).contains(given.utf8.count),
           given.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d || $0 == 0x5f }) {
            return given
        }
        var g = SystemRandomNumberGenerator()
        return String(format: "%016llx", g.next() as UInt64)
    }

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let id = Self.id(request.headers[Self.header])
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = DispatchTime.now().uptimeNanoseconds
        func log(_ status: Int) {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            let level: Logger.Level = status >= 500 ? .error : ms > 1_000 ? .warning : .debug
            context.logger.log(level: level, "request", metadata: [
                "route": .string(context.endpointPath ?? "unmatched"), "method": .string(request.method.rawValue),
                "status": .stringConvertible(status), "ms": .string(String(format: "%.2f", ms)),
            ])
        }
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = id
            log(response.status.code)
            return response
        } catch {
            log((error as? any HTTPResponseError)?.status.code ?? 500)
            throw error
        }
    }
}
