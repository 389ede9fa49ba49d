import ArgumentParser
import Dispatching
import Foundation
import GeoCore
import Kernel
import StoreImport

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a day of deliveries on the demo city and compare dispatch strategies.",
        discussion: """
            Orders arrive from 10:00 to 22:00 with lunch and dinner peaks, each from a real home (OSM residential
            buildings) to one of the five stores nearest it (OSM grocery shops), ready 5 to 15 minutes after the
            order and promised 45 minutes after it. Riders (e-bikes, bicycles, scooters; 3 orders at once) start
            at random stores; a dispatch round runs every --round-interval seconds and riders accept at once.
            The same seed gives the same orders and riders for every strategy.
            """)

    @Option(help: "The city: porto.") var city: String = "porto"
    @Option(help: "Orders in the day.") var orders: Int = 2000
    @Option(help: "Riders on shift.") var riders: Int = 60
    @Option(help: "nearest, batch or bundle; repeat or separate with commas for several (default: all three).")
    var strategy: [String] = []
    @Option(help: "The random seed.") var seed: UInt64 = 1
    @Option(help: "Seconds between dispatch rounds.") var roundInterval: Double = 30
    @Option(help: "The GeoData folder.") var geodata: String = "GeoData"
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard (1...3600).contains(roundInterval) else { throw ValidationError("--round-interval must be between 1 and 3600 seconds") }
    }

    func run() async throws {
        do {
            let strategies = try Self.strategies(strategy)
            let cityData = try Self.load(city: city, geodata: geodata)
            var results: [SimulationResult] = []
            for s in strategies {
                var settings = SimulationSettings(orders: orders, riders: riders, strategy: s, seed: seed)
                settings.roundInterval = roundInterval
                let simulation = DaySimulation(city: cityData, settings: settings, eta: HaversineETAModel.city(city)!)
                FileHandle.standardError.write(Data("simulating \(s.rawValue)…\n".utf8))
                results.append(try simulation.run())
            }
            print(json ? Self.json(results, city: city, orders: orders, riders: riders, seed: seed) : Self.table(results))
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Runtime.fail(error)
        }
    }

    static func strategies(_ raw: [String]) throws -> [DispatchStrategy] {
        let names = raw.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard !names.isEmpty else { return DispatchStrategy.allCases }
        return try names.map { name in
            guard let s = DispatchStrategy(rawValue: name) else {
                throw DomainError(.invalid, field: "--strategy", "unknown strategy \"\(name)\"; use nearest, batch or bundle")
            }
            return s
        }
    }

    /// The city's grocery stores and homes from GeoData.
    static func load(city: String, geodata: String) throws -> SimulationCity {
        guard city == "porto" else {
            throw DomainError(.invalid, field: "--city", "no simulation data for \"\(city)\"; available: porto")
        }
        let folder = URL(fileURLWithPath: geodata).appendingPathComponent(city)
        func read(_ name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw DomainError(.invalid, field: "--geodata", "cannot read \(url.path)")
            }
            return text
        }
        let (stores, _) = try OSMShops(timeZone: "Europe/Lisbon").read(try read("shops.csv"), source: "shops.csv")
        let table = try CSVTable(text: try read("homes.csv"), required: ["lat", "lon"])
        var homes: [Coordinate] = []
        for row in table.rows {
            guard let lat = table.value(row, "lat").flatMap(Double.init), let lon = table.value(row, "lon").flatMap(Double.init),
                  let home = try? Coordinate.validated(latitude: lat, longitude: lon) else {
                throw DomainError(.invalid, field: "--geodata", "homes.csv line \(row.line): lat/lon missing or out of range")
            }
            homes.append(home)
        }
        return SimulationCity(name: city, stores: stores.map(\.location), homes: homes)
    }

    static func table(_ results: [SimulationResult]) -> String {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        let rows: [(String, (SimulationResult) -> String)] = [
            ("orders delivered", { "\($0.delivered)/\($0.orders)" }),
            ("on time", { f($0.onTimeRate * 100) + " %" }),
            ("click-to-door mean, min", { f($0.meanClickToDoorMinutes) }),
            ("click-to-door p90, min", { f($0.p90ClickToDoorMinutes) }),
            ("rider utilisation", { f($0.utilisation * 100) + " %" }),
            ("orders per rider-hour", { f($0.ordersPerRiderHour, 2) }),
            ("km per order", { f($0.kilometresPerOrder, 2) }),
            ("orders sharing a trip", { f($0.bundledShare * 100) + " %" }),
            ("rounds", { "\($0.rounds)" }),
            ("round mean / max, ms", { f($0.meanRoundMilliseconds, 2) + " / " + f($0.maximumRoundMilliseconds, 1) }),
        ]
        let width = 26, column = 16
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("", width) + results.map { pad($0.strategy.rawValue, column) }.joined()]
        for (name, value) in rows { lines.append(pad(name, width) + results.map { pad(value($0), column) }.joined()) }
        return lines.joined(separator: "\n")
    }

    static func json(_ results: [SimulationResult], city: String, orders: Int, riders: Int, seed: UInt64) -> String {
        let list = results.map { r -> [String: Any] in
            ["strategy": r.strategy.rawValue, "orders": r.orders, "delivered": r.delivered, "on_time": r.onTime,
             "on_time_rate": r.onTimeRate, "click_to_door_mean_min": r.meanClickToDoorMinutes,
             "click_to_door_p90_min": r.p90ClickToDoorMinutes, "rider_utilisation": r.utilisation,
             "orders_per_rider_hour": r.ordersPerRiderHour, "km_per_order": r.kilometresPerOrder,
             "bundled_share": r.bundledShare, "rounds": r.rounds, "round_mean_ms": r.meanRoundMilliseconds,
             "round_max_ms": r.maximumRoundMilliseconds]
        }
        let object: [String: Any] = ["city": city, "orders": orders, "riders": riders, "seed": seed, "strategies": list]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
