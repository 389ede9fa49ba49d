// PeerHarness: the national-scale data set for the peer systems, and o2o's own answers and
// timings on it, in one run.
//
//   PeerHarness export DIR [--stores N] [--skus-per-store M] [--queries Q]   (then the index build from the database)
//   PeerHarness assignment DIR
//   PeerHarness stock-updates DIR
//   PeerHarness riders DIR
//   PeerHarness routing DIR            (O2O_ROUTING_SECONDS, default 1 s per instance)
//   PeerHarness coverage DIR           (O2O_COVERAGE_POINTS, default 1,000,000)
//
// writes to DIR: stores.csv (id,lat,lon), zones.csv (id,store_id,kind,wkt), stock.csv
// (store_id,sku_id,on_hand), queries.csv (query,lat,lon,sku_id), o2o-answers.csv
// (query,rank,store_id,distance_m) and o2o-timing.json (per-query latency of the finder, one
// thread, over every query). The peers load the same files and answer the same queries.
import Foundation
import GeoCore
import NationalData
import StoreImport
import Stores

let geoData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("GeoData")
if CommandLine.arguments.count == 3 {
    let folder = URL(fileURLWithPath: CommandLine.arguments[2])
    switch CommandLine.arguments[1] {
    case "assignment": try assignment(folder); exit(0)
    case "stock-updates": try await stockUpdates(folder, geoData: geoData); exit(0)
    case "riders": try await riders(folder); exit(0)
    case "routing":
        let seconds = ProcessInfo.processInfo.environment["O2O_ROUTING_SECONDS"].flatMap(Double.init) ?? 1
        try routing(folder, instances: geoData.appendingPathComponent("vrp/lilim100"), seconds: seconds); exit(0)
    case "coverage":
        let points = ProcessInfo.processInfo.environment["O2O_COVERAGE_POINTS"].flatMap(Int.init) ?? 1_000_000
        try coverage(folder, points: points); exit(0)
    default: break
    }
}

struct Options {
    var folder = ""
    var stores = 5_000
    var perStore = 500
    var queries = 2_000

    static func parse(_ arguments: [String]) -> Options? {
        var o = Options(), rest = arguments[...]
        guard rest.popFirst() == "export" else { return nil }
        while let a = rest.popFirst() {
            switch a {
            case "--stores": guard let v = rest.popFirst().flatMap(Int.init), v > 0 else { return nil }; o.stores = v
            case "--skus-per-store": guard let v = rest.popFirst().flatMap(Int.init), v > 0 else { return nil }; o.perStore = v
            case "--queries": guard let v = rest.popFirst().flatMap(Int.init), v > 0 else { return nil }; o.queries = v
            default: guard o.folder.isEmpty, !a.hasPrefix("-") else { return nil }; o.folder = a
            }
        }
        return o.folder.isEmpty ? nil : o
    }
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: PeerHarness export DIR [--stores N] [--skus-per-store M] [--queries Q] | PeerHarness assignment|stock-updates|riders|routing|coverage DIR\n".utf8))
    exit(2)
}

/// A buffered file writer: the stock file runs to gigabytes at national scale.
final class Writer {
    let handle: FileHandle
    var buffer = Data()
    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }
    func line(_ s: String) throws {
        buffer.append(contentsOf: s.utf8); buffer.append(10)
        if buffer.count > 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }
    func close() throws { try handle.write(contentsOf: buffer); try handle.close() }
}

let folder = URL(fileURLWithPath: options.folder)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let cities = geoData.appendingPathComponent("geonames/cities-top300.csv")
let data = try NationalDataset(citiesCSV: cities, configuration: .init(storeCount: options.stores, skusPerStore: options.perStore))
func log(_ s: String) { FileHandle.standardError.write(Data("  … \(s)\n".utf8)) }

// The data set, as the peers load it.
var out = try Writer(folder.appendingPathComponent("stores.csv"))
try out.line("id,lat,lon")
for s in data.stores { try out.line("\(s.id.rawValue),\(s.location.latitude),\(s.location.longitude)") }
try out.close()
out = try Writer(folder.appendingPathComponent("zones.csv"))
try out.line("id\tstore_id\tkind\twkt")
for z in data.zones {
    let rings = z.area.polygons.map { p in
        "(" + p.rings.map { "(" + $0.coordinates.map { "\($0.longitude) \($0.latitude)" }.joined(separator: ",") + ")" }.joined(separator: ",") + ")"
    }
    try out.line("\(z.id.rawValue)\t\(z.storeID.rawValue)\t\(z.kind.rawValue)\tMULTIPOLYGON(\(rings.joined(separator: ",")))")
}
try out.close()
out = try Writer(folder.appendingPathComponent("stock.csv"))
try out.line("store_id,sku_id,on_hand")
var rows = 0
data.stockRows { store, sku, onHand, _ in
    try? out.line("\(store + 1),\(sku + 1),\(onHand)")
    rows += 1
}
try out.close()
log("\(data.stores.count) stores, \(data.zones.count) zones, \(rows) stock rows written")

// o2o: load the finder, answer every query, time each on one thread.
let finder = StoreFinder()
let loadStart = Date()
finder.load(stores: data.stores, zones: data.zones, skus: data.skus) { emit in data.stockRows(emit) }
let loadSeconds = Date().timeIntervalSince(loadStart)
let queries = data.queries(count: options.queries)
out = try Writer(folder.appendingPathComponent("queries.csv"))
try out.line("query,lat,lon,sku_id")
let skuIndex = Dictionary(uniqueKeysWithValues: data.skus.enumerated().map { ($0.element.code, $0.offset + 1) })
for (i, q) in queries.enumerated() {
    try out.line("\(i),\(q.point.latitude),\(q.point.longitude),\(skuIndex[q.items[0].sku]!)")
}
try out.close()
out = try Writer(folder.appendingPathComponent("o2o-answers.csv"))
try out.line("query,rank,store_id,distance_m")
for (i, q) in queries.enumerated() {
    for (rank, r) in try finder.nearby(q, now: Date()).enumerated() {
        try out.line("\(i),\(rank + 1),\(r.store.id.rawValue),\(r.distance)")
    }
}
try out.close()
let scratch = FinderScratch()
let clock = ContinuousClock()
var latencies: [Double] = []
for round in 0..<5 {
    for q in queries {
        let t0 = clock.now
        try finder.search(q, scratch: scratch)
        let t = clock.now - t0
        if round > 0 { latencies.append(Double(t.components.attoseconds) * 1e-12 + Double(t.components.seconds) * 1e6) }
    }
}
latencies.sort()
let sorted = latencies
let percentile = { (p: Double) -> Double in sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
let timing: [String: Any] = [
    "system": "o2o", "queries": queries.count, "samples": latencies.count, "p50_us": percentile(0.5), "p99_us": percentile(0.99),
    "mean_us": sorted.reduce(0, +) / Double(sorted.count), "load_s": loadSeconds,
    "bytes_per_stock_row": finder.stockBytesPerRow, "stores": data.stores.count, "stock_rows": rows,
]
try JSONSerialization.data(withJSONObject: timing, options: [.sortedKeys]).write(to: folder.appendingPathComponent("o2o-timing.json"))
log(String(format: "o2o: p50 %.1f µs, p99 %.1f µs over %d queries; finder load %.1f s", percentile(0.5), percentile(0.99), sorted.count, loadSeconds))

// The same finder built from an o2o database holding this data, as `o2o serve` builds it.
try await indexBuild(folder, data: data, queries: queries, reference: finder)
