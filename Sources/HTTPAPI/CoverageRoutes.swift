import Coverage
import Dispatching
import Foundation
import GeoCore
import Hummingbird
import StoreImport
import Stores

/// `POST /v1/coverage/reports`: the coverage of the live stores and zones on a city's demand or
/// the points given, with what-if scenarios; the metrics and the gap areas as GeoJSON.
struct CoverageRoutes: Sendable {
    let stores: StoreService
    let geoData: URL
    let gate: ComputeGate
    /// The geometry engine a report computes with (SpatiaLite's, given by the composition root).
    let geometry: @Sendable () throws -> any GeometryEngine

    /// The GeoJSON layers a report can carry for each result.
    static let layerNames = ["gaps", "demand", "stores", "zones"]

    /// The most demand points one request may carry inline.
    static let maximumPoints = 50_000

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/coverage/reports") { request, context in try await report(request, context) }
    }

    func report(_ request: Request, _ context: AppRequestContext) async throws -> JSONBody {
        _ = try context.planner()
        let o = try Input.object(try await Input.json(request, context: context),
                                 allowed: ["city", "demand", "minutes", "cell_m", "scenarios", "layers"])
        let city = try Input.string(o, "city")
        if let city, !CoverageCity.names.contains(city) {
            throw Problem.invalid("city", "unknown city \"\(city)\"; use \(CoverageCity.names.joined(separator: " or "))")
        }
        let demand: Demand
        if let raw = o["demand"], !raw.isNull {
            guard case .array(let items) = raw, !items.isEmpty else { throw Problem.invalid("demand", "demand must be a non-empty array of {lat, lon, weight}") }
            guard items.count <= Self.maximumPoints else { throw Problem.invalid("demand", "at most \(Self.maximumPoints) points per request") }
            demand = Demand(name: "request", points: try items.enumerated().map { i, item in
                let path = "demand[\(i)]"
                let p = try Input.object(item, field: path, allowed: ["lat", "lon", "weight"])
                let c = try Coordinate.validated(latitude: try Input.number(p, "lat", required: true, path: path + ".")!,
                                                 longitude: try Input.number(p, "lon", required: true, path: path + ".")!,
                                                 latitudeField: path + ".lat", longitudeField: path + ".lon")
                let w = try Input.number(p, "weight", path: path + ".") ?? 1
                guard w.isFinite, w >= 0 else { throw Problem.invalid(path + ".weight", "\(path).weight must be a number ≥ 0") }
                return Demand.Point(c, weight: w)
            })
        } else if let city {
            demand = try CoverageCity.demand(city, geoData: geoData)
        } else {
            throw Problem.invalid("demand", "give demand points, or a city whose demand to use")
        }
        var minutes: [Double] = [10, 15, 20]
        if let raw = o["minutes"], !raw.isNull {
            guard case .array(let list) = raw, !list.isEmpty, list.count <= 10, let values = Optional(list.compactMap(\.numberValue)),
                  values.count == list.count else { throw Problem.invalid("minutes", "minutes must be an array of 1 to 10 numbers") }
            minutes = values
        }
        var scenarios: [Scenario] = []
        if let raw = o["scenarios"], !raw.isNull {
            guard case .array(let list) = raw, list.count <= 10 else { throw Problem.invalid("scenarios", "scenarios must be an array of at most 10") }
            let rule = try CoverageCity.rule(city ?? "porto", geoData: geoData)
            for (i, item) in list.enumerated() {
                scenarios += try ScenarioFile.read(item, source: "scenarios[\(i)]", rule: rule)
            }
        }
        var wanted = ["gaps", "demand"]
        if let raw = o["layers"], !raw.isNull {
            guard case .array(let list) = raw, let names = Optional(list.compactMap(\.stringValue)), names.count == list.count,
                  names.allSatisfy(Self.layerNames.contains) else {
                throw Problem.invalid("layers", "layers must be an array of \(Self.layerNames.joined(separator: ", "))")
            }
            wanted = names
        }
        let baseline = CoverageCity.stores(try await stores.repository.allStores(), zones: try await stores.repository.allZones())
        let planner = CoveragePlanner(engine: try geometry(), eta: HaversineETAModel.city(city ?? "porto") ?? HaversineETAModel(),
                                      minutes: minutes, cellMeters: try Input.number(o, "cell_m") ?? 250)
        try planner.validate()
        let name = city ?? "request", whatIfs = scenarios, layerNames = wanted
        let body = try await gate.run("coverage reports") { deadline in
            // Checked between the steps of each scenario: a report past the limit stops there.
            let report = try planner.report(city: name, baseline: baseline, demand: demand, scenarios: whatIfs) { _ in try deadline.check() }
            guard case .object(var body) = report.json else { return report.json }
            var layers: [String: JSONValue] = [:]
            for r in [report.baseline] + report.scenarios {
                let l = report.layers(r)
                layers[r.name] = .object(Dictionary(uniqueKeysWithValues: layerNames.compactMap { n in l[n].map { (n, $0) } }))
            }
            body["layers"] = .object(layers)
            return .object(body)
        }
        return JSONBody(value: body)
    }
}
