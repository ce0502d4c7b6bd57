import CordonCore

/// A command's progress as `prefix: message` lines on stderr, the way every command
/// reports what it is doing (`backup: regions/eu.db: 12 of 12 pages`).
struct ProgressLogHandler: LogHandler {
    let prefix: String

    func log(_ record: LogRecord) {
        Output.standardError("\(prefix): \(record.message)")
    }
}

extension Logger {
    /// A logger printing each record as a `prefix: message` progress line.
    static func progress(_ prefix: String) -> Logger {
        Logger(label: "cordon.\(prefix)", handler: ProgressLogHandler(prefix: prefix))
    }
}
