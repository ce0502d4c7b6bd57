public import Foundation
import Glibc

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

/// A file descriptor lines are written to, each line by one `write(2)` of its own.
///
/// No lock: lines from concurrent requests do not interleave because Linux serializes
/// writes through one open file description ("the file offset and data output are atomic
/// with respect to each other", write(2), since 3.14), and a pipe write of at most
/// `PIPE_BUF` (4096) bytes is atomic (pipe(7)). A lock held across the system call made
/// every request's thread queue behind the others' log writes.
public final class LogStream: Sendable {
    private let handle: FileHandle

    /// Standard error, where `cordon serve` logs.
    public static let standardError = LogStream(FileHandle.standardError)

    /// A stream onto `handle`, which it keeps open.
    public init(_ handle: FileHandle) {
        self.handle = handle
    }

    /// Writes `line` and a newline; a failed write (a closed pipe) is dropped, as logging
    /// must never stop the server.
    func write(line: String) {
        var text = line
        text.append("\n")
        text.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let count = Glibc.write(handle.fileDescriptor, bytes.baseAddress! + written, bytes.count - written)
                if count > 0 {
                    written += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
