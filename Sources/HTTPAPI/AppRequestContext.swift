import Accounts
import Hummingbird

/// The request context of every o2o route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by ``AuthenticationMiddleware`` from a bearer token.
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The signed-in caller, or 401.
    func signedIn() throws -> Principal {
        guard let principal else { throw AccountError(.unauthenticated, field: "authorization", "sign in first (Authorization: Bearer <token>)") }
        return principal
    }

    /// Request bodies above this many bytes are refused with 413.
    public var maxUploadSize: Int { APIConfiguration.maximumBodyBytes }
}

/// Limits the HTTP layer enforces.
public enum APIConfiguration {
    /// The largest request body accepted, in bytes (1 MiB).
    public static let maximumBodyBytes = 1 << 20
    /// The most stores one list request returns.
    public static let maximumPageSize = 1000
}
