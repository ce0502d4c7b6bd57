public import CordonCore
import Synchronization

/// A log handler that keeps every record, so a test can read what was logged.
public final class RecordingLogHandler: LogHandler {
    private let records = Mutex<[LogRecord]>([])

    public init() {}

    public func log(_ record: LogRecord) { records.withLock { $0.append(record) } }

    /// Everything logged so far, oldest first.
    public var logged: [LogRecord] { records.withLock { $0 } }

    /// A logger from `level` on into this handler.
    public func logger(label: String = "cordon.test", level: Logger.Level = .trace) -> Logger {
        Logger(label: label, handler: self, logLevel: level)
    }
}
