import Accounts
import Catalog
import ArgumentParser
import Dispatching
import Foundation
import GeoCore
import Kernel
import Logging
import Orders
import Payments
import Persistence
import StoreImport
import Stores

/// What every command shares: how a refusal is printed.
enum Runtime {
    /// Prints a refusal the way a person at a terminal wants it, and exits non-zero.
    static func fail(_ error: any Error) -> ExitCode {
        let message: String
        switch error {
        case let e as DomainError: message = e.description
        case let e as GeoError: message = "\(e.field): \(e.message)"
        case let e as CSV.Error: message = e.description
        default: message = String(describing: error)
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(1)
    }
}
