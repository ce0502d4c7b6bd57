public import Foundation
import Synchronization

/// Where a ``Logger``'s records go (swift-log's `LogHandler`, reduced to its one duty).
public protocol LogHandler: Sendable {
    /// Writes one record; called from any thread.
    func log(_ record: LogRecord)
}

/// One log record as a handler receives it.
public struct LogRecord: Sendable, Equatable {
    public var label: String
    public var level: Logger.Level
    public var message: String
    public var metadata: Logger.Metadata
    public var date: Date

    public init(label: String, level: Logger.Level, message: String, metadata: Logger.Metadata, date: Date) {
        self.label = label
        self.level = level
        self.message = message
        self.metadata = metadata
        self.date = date
    }

    /// The record's time as RFC 3339 UTC with milliseconds (`2026-05-01T12:00:00.123Z`).
    var timestamp: String { date.formatted(Self.timestampStyle) }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}

/// Drops every record.
public struct DiscardLogHandler: LogHandler {
    public init() {}
    public func log(_ record: LogRecord) {}
}

/// A file descriptor lines are written to, one `write` per line under a lock so lines
/// from concurrent requests never interleave.
public final class LogStream: Sendable {
    private let handle: Mutex<FileHandle>

    /// Standard error, where `cordon serve` logs.
    public static let standardError = LogStream(FileHandle.standardError)

    public init(_ handle: FileHandle) {
        self.handle = Mutex(handle)
    }

    /// Writes `line` and a newline; a failed write (a closed pipe) is dropped, as logging
    /// must never stop the server.
    func write(line: String) {
        let data = Data((line + "\n").utf8)
        handle.withLock { try? $0.write(contentsOf: data) }
    }
}
