import App
import ArgumentParser
import Foundation
import Kernel
import StoreImport
import Stores

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stock from the tills.",
        subcommands: [StockImport.self])
}

struct StockImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a till's stock export (CSV) as snapshot or delta batches, one per store, in one transaction.",
        discussion: """
            FILE is CSV with the columns sku,qty and optionally low_threshold and one store column: store_id (o2o's
            store ids), store_ref (external references), or store with --store-key saying which of the two it holds.
            Without a store column, pass --store and --store-key. A line whose store matches nothing is refused
            with its line number; nothing is written to a store the file does not name. A snapshot sets on hand to qty and sets SKUs the store had but the file
            leaves out to zero; a delta adds qty (negative for sales). Reservations are never touched.
            Each store's batch carries --sequence (must exceed the store's last) or an idempotency key: --key, or
            by default a digest of the file, so running the same file twice applies it once.
            Without --partial one bad line refuses the whole file; with it the valid lines apply and the bad
            ones are listed with their line numbers. This writes the database directly: stop `o2o serve` on the
            same database first (it reads the database at start), or send each store's batch to
            POST /v1/stores/{id}/stock/batches (Content-Type: text/csv) of the running server.
            """)

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "snapshot or delta.")
    var kind: String = "delta"

    @Option(help: "The till's batch sequence number.")
    var sequence: Int64?

    @Option(help: "An idempotency key (default: a digest of the file when no --sequence is given).")
    var key: String?

    @Option(help: "The store of every line, for files without a store column (an id or an external reference, as --store-key says).")
    var store: String?

    @Option(help: "What the file's store column and --store hold: id (o2o's store ids) or ref (external references).")
    var storeKey: String?

    @Flag(help: "Apply the valid lines even when some are refused.")
    var partial = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard StockBatch.Kind(rawValue: kind) != nil else { throw ValidationError("--kind must be snapshot or delta") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("FILE: no file at \(file)") }
        if let sequence, sequence < 0 { throw ValidationError("--sequence must not be negative") }
        if let storeKey, StoreKey(rawValue: storeKey) == nil { throw ValidationError("--store-key must be id or ref") }
        if store != nil, storeKey == nil {
            throw ValidationError("--store-key: say whether --store is a store id or an external reference (--store-key id or --store-key ref)")
        }
    }

    func run() async throws {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let stockFile = try StockFile(text: String(decoding: data, as: UTF8.self))
            let declared = storeKey.flatMap(StoreKey.init(rawValue:))
            let fileKey = try stockFile.storeKey(declared: declared, option: "--store-key")
            let (_, service) = try await AppDatabase.open(try await database.resolve(), importDemoWhenEmpty: false) { print($0) }
            let byRef = StoreKey.references(service.finder)
            var defaultStore: StoreID?
            if let store, let declared {
                guard let id = declared.resolve(store, in: service.finder, byRef: byRef) else {
                    throw DomainError(.notFound, field: "--store", "no store has the \(declared.noun) \"\(store)\"")
                }
                defaultStore = id
            }
            var idempotencyKey = key
            if idempotencyKey == nil, sequence == nil {
                idempotencyKey = "file:" + StoreService.digest(data)
            }
            let (batches, unassigned) = stockFile.batches(kind: StockBatch.Kind(rawValue: kind)!, sequence: sequence,
                                                          idempotencyKey: idempotencyKey, partial: partial,
                                                          defaultStore: defaultStore, key: fileKey) { value in
                fileKey?.resolve(value, in: service.finder, byRef: byRef)
            }
            if !unassigned.isEmpty, !partial {
                for detail in unassigned { FileHandle.standardError.write(Data("\(file): \(detail.field): \(detail.message)\n".utf8)) }
                throw DomainError(.unprocessable, field: unassigned[0].field,
                                 "\(unassigned.count) line(s) name no known store, so nothing was applied (use --partial to apply the rest)")
            }
            let results = try await service.apply(batches)
            for detail in unassigned { print("\(detail.field): refused: \(detail.message)") }
            for r in results {
                print("store \(r.storeID): \(r.outcome.rawValue) — \(r.changed) changed, \(r.unchanged) unchanged, \(r.zeroed) zeroed"
                      + (r.lastSequence.map { ", last sequence \($0)" } ?? ""))
                for d in r.refused { print("  \(d.field): refused: \(d.message)") }
                for d in r.warnings { print("  \(d.field): warning: \(d.message)") }
            }
        } catch let error as ExitCode {
            throw error
        } catch let error as DomainError where !error.details.isEmpty {
            for detail in error.details { FileHandle.standardError.write(Data("\(file): \(detail.field): \(detail.message)\n".utf8)) }
            throw Runtime.fail(error)
        } catch {
            throw Runtime.fail(error)
        }
    }
}
