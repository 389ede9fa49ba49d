import Accounts
import Hummingbird
import Kernel
import Stores

/// The request context of every o2o route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by ``AuthenticationMiddleware`` from a bearer token.
    public var principal: Principal?
    /// The client's IP address, for limits on anonymous callers.
    public var remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The signed-in caller, or 401.
    func signedIn() throws -> Principal {
        guard let principal else { throw DomainError(.unauthenticated, field: "authorization", "sign in first (Authorization: Bearer <token>)") }
        return principal
    }

    /// The signed-in caller if `may` lets them; else 401 (signed out) or 403 with `refusal`.
    func signedIn(_ refusal: String, may: (Principal) -> Bool) throws -> Principal {
        let caller = try signedIn()
        guard may(caller) else { throw DomainError(.forbidden, refusal) }
        return caller
    }

    /// The store's staff or an admin.
    func runs(_ store: StoreID) throws -> Principal {
        try signedIn("only store \(store)'s staff or an admin may do this") { $0.mayRun(store: store) }
    }

    /// A dispatcher or an admin.
    func dispatcher() throws -> Principal {
        try signedIn("riders and deliveries are a dispatcher's") { $0.role == .dispatcher || $0.role == .admin }
    }

    /// A dispatcher, an admin, or the store's staff.
    func dispatcher(orStaffOf store: StoreID) throws -> Principal {
        try signedIn("a delivery is its store's and the dispatchers'") { $0.role == .dispatcher || $0.mayRun(store: store) }
    }

    /// A planner or an admin.
    func planner() throws -> Principal {
        try signedIn("coverage reports are a planner's") { $0.role == .planner || $0.role == .admin }
    }

    /// An admin.
    func admin(_ what: String) throws -> Principal {
        try signedIn("only an admin may \(what)") { $0.role == .admin }
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
