import Foundation

/// A structured logger shaped like swift-log's: a value with a label, a minimum level and
/// metadata, handing each record at or above that level to a pluggable ``LogHandler``.
///
/// ```swift
/// var logger = Logger(label: "cordon.server", handler: TextLogHandler.standardError)
/// logger[metadataKey: "region"] = "eu"
/// logger.info("retention sweep finished", metadata: ["deleted": 12])
/// ```
///
/// - Warning: a message or metadata value is written as given. Never log personal data,
///   identifiers from request paths, query text, bodies or secrets; mark anything that
///   must not appear with ``MetadataValue/sensitive(_:)`` so handlers print `<redacted>`.
public struct Logger: Sendable {
    /// How severe a record is, from `trace` (most verbose) to `critical`.
    public enum Level: String, Sendable, CaseIterable, Comparable {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Structured values beside the message, by key.
    public typealias Metadata = [String: MetadataValue]

    /// What the logger is for (`cordon.access`, `cordon.server`); every record carries it.
    public let label: String
    /// Records below this level are dropped before their message is built.
    public var logLevel: Level
    /// Metadata added to every record of this logger (a record's own values win).
    public var metadata: Metadata
    /// Where records go.
    public var handler: any LogHandler

    /// A logger passing records at or above `logLevel` (default `info`) to `handler`.
    public init(label: String, handler: any LogHandler, logLevel: Level = .info, metadata: Metadata = [:]) {
        self.label = label
        self.handler = handler
        self.logLevel = logLevel
        self.metadata = metadata
    }

    /// A logger that drops every record.
    public static func discarding(label: String = "cordon") -> Logger {
        Logger(label: label, handler: DiscardLogHandler(), logLevel: .critical)
    }

    /// One of the logger's own metadata values.
    public subscript(metadataKey key: String) -> MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// This logger under another label (same level, metadata and handler).
    public func labeled(_ label: String) -> Logger {
        Logger(label: label, handler: handler, logLevel: logLevel, metadata: metadata)
    }

    /// Whether a record at `level` would be written.
    public func isEnabled(_ level: Level) -> Bool { level >= logLevel }

    /// Hands a record to the handler when `level` is enabled; `message` and `metadata`
    /// are evaluated only then.
    public func log(level: Level, _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        guard isEnabled(level) else { return }
        let own = metadata()
        let merged = self.metadata.isEmpty ? own : self.metadata.merging(own) { _, record in record }
        handler.log(LogRecord(label: label, level: level, message: message(), metadata: merged, date: Date()))
    }

    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .trace, message(), metadata: metadata())
    }

    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .debug, message(), metadata: metadata())
    }

    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .info, message(), metadata: metadata())
    }

    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .notice, message(), metadata: metadata())
    }

    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .warning, message(), metadata: metadata())
    }

    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .error, message(), metadata: metadata())
    }

    public func critical(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(level: .critical, message(), metadata: metadata())
    }
}
