import Accounts
import Hummingbird
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
        guard let principal else { throw AccountError(.unauthenticated, field: "authorization", "sign in first (Authorization: Bearer <token>)") }
        return principal
    }

    /// The signed-in caller if they run the store (its staff, or an admin); else 401 or 403.
    func runs(_ store: StoreID) throws -> Principal {
        let caller = try signedIn()
        guard caller.mayRun(store: store) else { throw AccountError(.forbidden, "only store \(store)'s staff or an admin may do this") }
        return caller
    }

    /// The signed-in caller if a dispatcher or an admin; else 401 or 403.
    func dispatcher() throws -> Principal {
        let caller = try signedIn()
        guard caller.role == .dispatcher || caller.role == .admin else { throw AccountError(.forbidden, "riders and deliveries are a dispatcher's") }
        return caller
    }

    /// The signed-in caller if a dispatcher, an admin, or staff of the store; else 401 or 403.
    func dispatcher(orStaffOf store: StoreID) throws -> Principal {
        let caller = try signedIn()
        guard caller.role == .dispatcher || caller.mayRun(store: store) else {
            throw AccountError(.forbidden, "a delivery is its store's and the dispatchers'")
        }
        return caller
    }

    /// The signed-in caller if a planner or an admin; else 401 or 403.
    func planner() throws -> Principal {
        let caller = try signedIn()
        guard caller.role == .planner || caller.role == .admin else { throw AccountError(.forbidden, "coverage reports are a planner's") }
        return caller
    }

    /// The signed-in caller if an admin; else 401 or 403.
    func admin(_ what: String) throws -> Principal {
        let caller = try signedIn()
        guard caller.role == .admin else { throw AccountError(.forbidden, "only an admin may \(what)") }
        return caller
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
