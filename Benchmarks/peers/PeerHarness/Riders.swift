import Dispatching
import Foundation
import GeoCore
import Kernel
import Persistence
import SpatialIndex
import StoreImport
import Synchronization

/// Rider locations at city scale, in process: 40,000 riders over a 20 km square (half signed
/// off), each update a 10–200 m move. Measures updates per second on one thread, through the
/// dispatch service (as `PUT /v1/riders/{id}/location` makes them) and on the bare index; then
/// the nearest idle rider to a random point while a second thread streams updates as fast as
/// it can, timing each query. Answers are checked against a brute-force scan of the riders'
/// records once the stream stops. Writes riders.json.
func riders(_ folder: URL) async throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let count = 40_000
    var rng = SplitMix64(seed: 3)
    let origin = Coordinate(latitude: 41.05, longitude: -8.75)
    let home = (0..<count).map { _ in
        origin.destination(distance: Double.random(in: 0..<20_000, using: &rng), bearing: Double.random(in: 0..<90, using: &rng))
    }
    let away = home.map { $0.destination(distance: Double.random(in: 10...200, using: &rng), bearing: Double.random(in: 0..<360, using: &rng)) }
    let service = DispatchService(storage: SpatiaLiteDispatchRepository(database: try SpatiaLiteDatabase(path: nil)))
    var ids: [RiderID] = []
    for i in 0..<count {
        let rider = try await service.register(RiderDraft(
            name: "rider \(i)", vehicle: .ebike, capacity: 3, shiftStart: Date().addingTimeInterval(-3_600),
            shiftEnd: Date().addingTimeInterval(20 * 3_600), online: i % 2 == 0, position: home[i]))
        ids.append(rider.id)
    }
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    // One thread, through the service: 4 million updates (each rider 100 times), positions
    // alternating so that every update moves the rider.
    let updates = 4_000_000
    var t0 = clock.now
    for n in 0..<updates {
        let i = n % count
        _ = try service.updateLocation(ids[i], to: (n / count) % 2 == 0 ? away[i] : home[i])
    }
    let serviceRate = Double(updates) / seconds(clock.now - t0)
    // The same on the bare index (no lock, no record, no clock).
    var index = MovingPointIndex(cellMeters: 500)
    for (i, p) in home.enumerated() { index.update(Int32(i), to: p) }
    t0 = clock.now
    for n in 0..<updates {
        let i = n % count
        index.update(Int32(i), to: (n / count) % 2 == 0 ? away[i] : home[i])
    }
    let indexRate = Double(updates) / seconds(clock.now - t0)
    log(String(format: "rider updates, one thread: %.2f M/s through the service, %.2f M/s on the bare index", serviceRate / 1e6, indexRate / 1e6))

    // Nearest idle rider with nothing else running, then while another thread streams updates.
    var qrng = SplitMix64(seed: 9)
    let points = (0..<4_096).map { _ in
        origin.destination(distance: Double.random(in: 0..<20_000, using: &qrng), bearing: Double.random(in: 0..<90, using: &qrng))
    }
    let queries = 200_000
    var quiet: [Double] = []
    quiet.reserveCapacity(queries)
    for n in 0..<queries {
        let t = clock.now
        let found = service.nearbyRiders(to: points[n & 4_095], status: .idle, limit: 1)
        quiet.append(seconds(clock.now - t) * 1e6)
        precondition(found.count == 1, "no idle rider found")
    }
    quiet.sort()
    final class Shared: Sendable {
        let stop = Atomic<Bool>(false)
        let applied = Atomic<Int>(0)
    }
    let shared = Shared()
    let streamer = Thread { [ids, home, away] in
        var n = 0
        while !shared.stop.load(ordering: .relaxed) {
            let i = n % count
            _ = try? service.updateLocation(ids[i], to: (n / count) % 2 == 0 ? away[i] : home[i])
            n += 1
            if n & 1023 == 0 { shared.applied.store(n, ordering: .relaxed) }
        }
        shared.applied.store(n, ordering: .relaxed)
    }
    streamer.start()
    var latencies: [Double] = []
    latencies.reserveCapacity(queries)
    let started = clock.now
    for n in 0..<queries {
        let t = clock.now
        let found = service.nearbyRiders(to: points[n & 4_095], status: .idle, limit: 1)
        latencies.append(seconds(clock.now - t) * 1e6)
        precondition(found.count == 1, "no idle rider found")
    }
    let elapsed = seconds(clock.now - started)
    shared.stop.store(true, ordering: .relaxed)
    while !streamer.isFinished { try await Task.sleep(for: .milliseconds(1)) }
    let streamed = shared.applied.load(ordering: .relaxed)
    // Answers: the service's nearest idle rider equals a brute-force scan over every rider's
    // record (position and status as the service holds them).
    let records = try ids.map { id throws(DomainError) in try service.rider(id) }
    var mismatches = 0
    for p in points.prefix(500) {
        let found = service.nearbyRiders(to: p, status: .idle, limit: 1)[0]
        var best = (distance: Double.infinity, id: Int64.max)
        for r in records where r.status == .idle {
            let d = p.distance(to: r.position!)
            if (d, r.id.rawValue) < best { best = (d, r.id.rawValue) }
        }
        if found.rider.id.rawValue != best.id && abs(found.distance - best.distance) > 1e-6 { mismatches += 1 }
    }
    latencies.sort()
    let result: [String: Any] = [
        "riders": count, "updates": updates, "service_updates_per_s": serviceRate, "index_updates_per_s": indexRate,
        "queries": queries, "quiet_p50_us": quiet[queries / 2], "quiet_p99_us": quiet[queries * 99 / 100], "nearest_idle_p50_us": latencies[queries / 2], "nearest_idle_p99_us": latencies[queries * 99 / 100],
        "nearest_idle_p999_us": latencies[queries * 999 / 1000], "concurrent_updates_per_s": Double(streamed) / elapsed,
        "mismatches": mismatches, "checked": 500,
    ]
    try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: folder.appendingPathComponent("riders.json"))
    log(String(format: "nearest idle rider while %.2f M updates/s stream: p50 %.1f µs, p99 %.1f µs; %d of 500 differ from a full scan",
               Double(streamed) / elapsed / 1e6, latencies[queries / 2], latencies[queries * 99 / 100], mismatches))
    if mismatches > 0 { exit(1) }
}
