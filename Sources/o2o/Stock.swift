import ArgumentParser
import Foundation
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
            FILE is CSV with the columns sku,qty and optionally store (a store id or external_ref; without it, pass
            --store) and low_threshold. A snapshot sets on hand to qty and sets SKUs the store had but the file
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

    @Option(help: "The store (id or external_ref) of every line, for files without a store column.")
    var store: String?

    @Flag(help: "Apply the valid lines even when some are refused.")
    var partial = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard StockBatch.Kind(rawValue: kind) != nil else { throw ValidationError("--kind must be snapshot or delta") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("FILE: no file at \(file)") }
        if let sequence, sequence < 0 { throw ValidationError("--sequence must not be negative") }
    }

    func run() async throws {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let stockFile = try StockFile(text: String(decoding: data, as: UTF8.self))
            let (_, service) = try await Runtime.open(database, importDemoWhenEmpty: false) { print($0) }
            let byRef = Dictionary(service.finder.stores(after: nil, limit: Int.max).map { ($0.externalRef, $0.id) }) { a, _ in a }
            func resolve(_ ref: String) -> StoreID? {
                if let n = Int64(ref), service.finder.store(StoreID(n)) != nil { return StoreID(n) }
                return byRef[ref]
            }
            var defaultStore: StoreID?
            if let store {
                guard let id = resolve(store) else { throw StoreError(.notFound, field: "--store", "no store \"\(store)\"") }
                defaultStore = id
            }
            var idempotencyKey = key
            if idempotencyKey == nil, sequence == nil {
                idempotencyKey = "file:" + StoreService.digest(data)
            }
            let (batches, unassigned) = stockFile.batches(kind: StockBatch.Kind(rawValue: kind)!, sequence: sequence,
                                                          idempotencyKey: idempotencyKey, partial: partial,
                                                          defaultStore: defaultStore, resolve: resolve)
            if !unassigned.isEmpty, !partial {
                for detail in unassigned { FileHandle.standardError.write(Data("\(file): \(detail.field): \(detail.message)\n".utf8)) }
                throw StoreError(.unprocessable, field: unassigned[0].field,
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
        } catch let error as StoreError where !error.details.isEmpty {
            for detail in error.details { FileHandle.standardError.write(Data("\(file): \(detail.field): \(detail.message)\n".utf8)) }
            throw Runtime.fail(error)
        } catch {
            throw Runtime.fail(error)
        }
    }
}
