import App
import Accounts
import ArgumentParser
import Foundation

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Accounts: the first admin (admins create the other accounts over HTTP).",
        subcommands: [CreateAdmin.self])
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create the first admin account; refused once an admin exists.",
        discussion: """
            The password is read from the environment variable O2O_ADMIN_PASSWORD, or from the first line of
            standard input, so that it never appears in the process list or the shell's history.
            """)

    @Option(help: "The admin's email (the sign-in name).")
    var email: String

    @Option(help: "The admin's name.")
    var name: String = "Administrator"

    @Option(help: "bcrypt's cost (2^cost rounds; 4 to 31).")
    var bcryptCost: UInt8 = 10

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (4...31).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be between 4 and 31") }
    }

    func run() async throws {
        do {
            let password = ProcessInfo.processInfo.environment["O2O_ADMIN_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
            let (db, service) = try await AppDatabase.open(try await database.resolve(), importDemoWhenEmpty: false) { print($0) }
            let accounts = AppDatabase.accounts(db, stores: service, cost: bcryptCost)
            let admin = try await accounts.bootstrapAdmin(AccountDraft(email: email, name: name), password: password)
            print("admin \(admin.id) created: \(admin.email)")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }
}
