import Dispatching
import Foundation
import HTTPAPI
import Kernel
import Logging

/// Everything `o2o serve` is told, read once from the ``SettingsReader`` and checked: a value out
/// of range is refused naming the setting, before anything is opened.
public struct AppConfiguration: Sendable {
    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    public var database: DatabaseConfiguration
    public var host: String
    public var port: Int
    public var publicURL: String?
    public var idleTimeout: Duration
    /// Each caller's writes, at most; nil for no limit.
    public var writeLimit: WriteRateLimit?
    public var computeTimeLimit: Duration
    public var importDemo: Bool
    public var intervals: BackgroundIntervals
    public var dispatch: DispatchOptions
    public var eta: HaversineETAModel
    public var bcryptCost: UInt8
    /// The payment settings file; nil for payments.json beside the database.
    public var paymentsFile: String?
    public var leaflet: String
    public var logLevel: Logger.Level
    public var logFormat: LogFormat

    public init(reading settings: SettingsReader) throws(DomainError) {
        database = try DatabaseConfiguration(reading: settings)
        host = try settings.string(.host) ?? "127.0.0.1"
        port = Int(try settings.double(.port, in: 0...65535, default: 8080))
        if let fraction = try settings.double(.port), fraction != fraction.rounded() {
            throw DomainError(.invalid, field: Setting.port.flag, "\(Setting.port.names) must be a whole number")
        }
        publicURL = try settings.string(.publicURL)
        idleTimeout = Self.duration(try settings.double(.idleTimeout, in: 1...3600, default: 30))
        let rate = try settings.double(.writeRate, in: 0...1_000_000, default: 50)
        let burst = try settings.double(.writeBurst, in: 1...1_000_000, default: 500)
        writeLimit = rate == 0 ? nil : WriteRateLimit(perSecond: rate, burst: burst)
        computeTimeLimit = Self.duration(try settings.double(.computeLimit, in: 1...3600, default: 60))
        importDemo = try settings.bool(.demo) ?? true

        intervals = BackgroundIntervals()
        intervals.sweep = Self.duration(try settings.double(.sweepInterval, in: 0.01...3600, default: 1))
        let round = try settings.double(.dispatchInterval, in: 0...3600, default: 10)
        guard round == 0 || round >= 0.1 else {
            throw DomainError(.invalid, field: Setting.dispatchInterval.flag,
                              "\(Setting.dispatchInterval.names) must be 0 (on request only) or between 0.1 and 3600 seconds")
        }
        intervals.dispatchRound = round == 0 ? nil : Self.duration(round)
        intervals.positionFlush = Self.duration(try settings.double(.positionFlushInterval, in: 0.1...3600, default: 5))
        dispatch = DispatchOptions()
        dispatch.offerTimeout = try settings.double(.offerTimeout, in: 1...3600, default: 60)
        eta = try Self.eta(settings)

        bcryptCost = UInt8(try settings.double(.bcryptCost, in: 4...31, default: 10))
        paymentsFile = try settings.string(.payments).flatMap { $0.isEmpty ? nil : $0 }
        leaflet = try settings.string(.leaflet) ?? "/usr/share/javascript/leaflet"
        let level = try settings.string(.logLevel) ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw DomainError(.invalid, field: Setting.logLevel.flag,
                              "\(Setting.logLevel.names) must be trace, debug, info, notice, warning, error or critical, not \"\(level)\"")
        }
        self.logLevel = logLevel
        let format = try settings.string(.logFormat) ?? "text"
        guard let logFormat = LogFormat(rawValue: format) else {
            throw DomainError(.invalid, field: Setting.logFormat.flag, "\(Setting.logFormat.names) must be text or json, not \"\(format)\"")
        }
        self.logFormat = logFormat
    }

    /// The city's travel-time factors with any overrides, checked.
    static func eta(_ settings: SettingsReader) throws(DomainError) -> HaversineETAModel {
        let city = try settings.string(.etaCity) ?? "porto"
        guard var model = HaversineETAModel.city(city) else {
            throw DomainError(.invalid, field: Setting.etaCity.flag, "\(Setting.etaCity.names) must be porto or helsinki, not \"\(city)\"")
        }
        if let factor = try settings.double(.detourFactor) { model.detourFactor = factor }
        if let seconds = try settings.double(.pickupServiceSeconds) { model.pickupServiceSeconds = seconds }
        if let seconds = try settings.double(.dropServiceSeconds) { model.dropServiceSeconds = seconds }
        do { try model.validate() } catch {
            let setting: Setting = ["detour_factor": .detourFactor, "pickup_service_s": .pickupServiceSeconds,
                                    "drop_service_s": .dropServiceSeconds][error.field ?? ""] ?? .etaCity
            throw DomainError(.invalid, field: setting.flag, "\(setting.names): \(error.message)")
        }
        return model
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}

/// Where the data is: the database, the GeoData folder, and the stock default every command that
/// opens the database needs.
public struct DatabaseConfiguration: Sendable {
    public var path: String
    public var geoData: String
    public var lowStockThreshold: Int

    public init(path: String = "data/o2o.sqlite", geoData: String = "GeoData", lowStockThreshold: Int = 5) {
        self.path = path; self.geoData = geoData; self.lowStockThreshold = lowStockThreshold
    }

    public init(reading settings: SettingsReader) throws(DomainError) {
        path = try settings.string(.database) ?? "data/o2o.sqlite"
        geoData = try settings.string(.geoData) ?? "GeoData"
        let threshold = try settings.double(.lowStockThreshold, in: 0...1_000_000_000, default: 5)
        guard threshold == threshold.rounded() else {
            throw DomainError(.invalid, field: Setting.lowStockThreshold.flag, "\(Setting.lowStockThreshold.names) must be a whole number")
        }
        lowStockThreshold = Int(threshold)
    }
}
