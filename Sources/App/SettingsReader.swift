import Configuration
import Foundation
import Kernel
import SystemPackage

/// Reads ``Setting``s from, in order of precedence, the command line's flags, `O2O_…`
/// environment variables, a JSON configuration file, and the defaults. A value that is there
/// but cannot be read as the setting's type is refused, naming the setting every way it can be
/// given; it never falls back to the default silently.
public struct SettingsReader: Sendable {
    let config: ConfigReader

    /// - Parameters:
    ///   - flags: what the command line said, by setting, already checked by its parser.
    ///   - environment: the process's environment; only `O2O_` variables are read.
    ///   - file: a JSON file (`--config`, `O2O_CONFIG`), nested by the keys' dots.
    public init(flags: [Setting: ConfigContent], environment: [String: String] = ProcessInfo.processInfo.environment,
                file: String? = nil) async throws(DomainError) {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (setting, value) in flags { values[AbsoluteConfigKey(setting.key.split(separator: ".").map(String.init))] = ConfigValue(value, isSecret: false) }
        var ours: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("O2O_") { ours[String(name.dropFirst(4))] = value }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: values),
            EnvironmentVariablesProvider(environmentVariables: ours),
        ]
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw DomainError(.invalid, field: "--config", "--config (O2O_CONFIG): no file at \(file)")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
            } catch {
                throw DomainError(.invalid, field: "--config", "--config (O2O_CONFIG): \(file) is not a JSON object of settings: \(error)")
            }
        }
        config = ConfigReader(providers: providers)
    }

    func key(_ setting: Setting) -> ConfigKey { ConfigKey(setting.key.split(separator: ".").map(String.init)) }

    /// Whether any source gives the setting a value of any type.
    func isGiven(_ setting: Setting) -> Bool {
        let key = key(setting)
        return config.string(forKey: key) != nil || config.int(forKey: key) != nil || config.double(forKey: key) != nil
            || config.bool(forKey: key) != nil
    }

    func read<T>(_ setting: Setting, _ what: String, _ get: (ConfigKey) throws -> T) throws(DomainError) -> T? {
        do {
            return try get(key(setting))
        } catch {
            guard isGiven(setting) else { return nil }
            throw DomainError(.invalid, field: setting.flag, "\(setting.names) must be \(what)")
        }
    }

    public func string(_ setting: Setting) throws(DomainError) -> String? {
        try read(setting, "text") { try config.requiredString(forKey: $0) }
    }

    public func int(_ setting: Setting) throws(DomainError) -> Int? {
        try read(setting, "a whole number") { try config.requiredInt(forKey: $0) }
    }

    /// A number; a whole number is one too (a JSON file's `30` for `30.0`).
    public func double(_ setting: Setting) throws(DomainError) -> Double? {
        if let whole = try? config.requiredInt(forKey: key(setting)) { return Double(whole) }
        return try read(setting, "a number") { try config.requiredDouble(forKey: $0) }
    }

    public func bool(_ setting: Setting) throws(DomainError) -> Bool? {
        try read(setting, "true or false") { try config.requiredBool(forKey: $0) }
    }

    /// A number within `range`, else the default.
    public func double(_ setting: Setting, in range: ClosedRange<Double>, default value: Double) throws(DomainError) -> Double {
        guard let given = try double(setting) else { return value }
        guard range.contains(given) else {
            throw DomainError(.invalid, field: setting.flag, "\(setting.names) must be between \(Self.text(range.lowerBound)) and \(Self.text(range.upperBound))")
        }
        return given
    }

    static func text(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}
