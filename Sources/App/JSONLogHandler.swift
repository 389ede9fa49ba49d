import Foundation
import GeoCore
import Logging
import Synchronization

/// Writes each log event as one JSON object on a line of standard error, for a log collector:
/// `{"time":"2026-12-03T19:49:56.123Z","level":"info","label":"o2o","message":"…",` and the
/// event's metadata as further members (a request's `request_id`, route and status among them).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    let label: String
    /// Where each line goes, whole (standard error unless a test catches them).
    let write: @Sendable ([UInt8]) -> Void

    /// One writer for every handler, so lines from different threads never interleave.
    private static let standardError = Mutex(FileHandle.standardError)

    /// Writes a whole line to standard error.
    public static func toStandardError(_ line: [UInt8]) { standardError.withLock { $0.write(Data(line)) } }

    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.toStandardError) {
        self.label = label; self.logLevel = level; self.metadataProvider = metadataProvider; self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [String: JSONValue] = [:]
        for (key, value) in metadata.merging(metadataProvider?.get() ?? [:], uniquingKeysWith: { $1 })
            .merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            members[key] = Self.json(value)
        }
        members["time"] = .string(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
        members["level"] = .string(event.level.rawValue)
        members["label"] = .string(label)
        members["message"] = .string(event.message.description)
        if let error = event.error { members["error"] = .string(String(describing: error)) }
        if event.level >= .error { members["source"] = .string("\(event.file):\(event.line)") }
        let line = JSONValue.object(members).serialized() + [UInt8(ascii: "\n")]
        write(line)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(d.mapValues(json))
        }
    }
}

/// Logging, set up once per process: the level and the format the configuration names.
public enum AppLogging {
    private static let done = Mutex(false)

    /// Bootstraps swift-log (once; later calls change nothing) and returns the root logger.
    public static func bootstrap(level: Logger.Level, format: AppConfiguration.LogFormat) -> Logger {
        done.withLock { done in
            guard !done else { return }
            done = true
            switch format {
            case .text:
                LoggingSystem.bootstrap { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = level
                    return handler
                }
            case .json:
                LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
            }
        }
        var logger = Logger(label: "o2o")
        logger.logLevel = level
        return logger
    }
}
