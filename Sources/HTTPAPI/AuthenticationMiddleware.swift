import Accounts
import Foundation
import Hummingbird
import Kernel

/// Reads `Authorization: Bearer <token>` and puts the caller in the context. No header leaves
/// the caller anonymous (routes that need one answer 401); a header with a bad, revoked or
/// lapsed token is refused with 401 at once, whatever the route.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService

    func handle(_ request: Request, context: AppRequestContext,
                next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw DomainError(.unauthenticated, field: "authorization", "the Authorization header must be Bearer <token>")
        }
        var context = context
        context.principal = try await accounts.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
        return try await next(request, context)
    }
}
