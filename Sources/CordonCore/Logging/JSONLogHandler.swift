import Foundation

/// Writes each record as one JSON object on one line, for log collectors:
///
///     {"label":"cordon.access","latency_ms":1.2,"level":"info","message":"request","route":"/v1/regions","status":200,"ts":"2026-05-01T12:00:00.123Z"}
///
/// Keys are sorted; metadata sits beside `ts`, `level`, `label` and `message`, which win
/// over metadata of the same name.
public struct JSONLogHandler: LogHandler {
    private let stream: LogStream

    /// JSON lines on standard error.
    public static var standardError: JSONLogHandler { JSONLogHandler(stream: .standardError) }

    public init(stream: LogStream) {
        self.stream = stream
    }

    public func log(_ record: LogRecord) {
        stream.write(line: Self.format(record))
    }

    /// The JSON object for `record` (one line, no newline).
    public static func format(_ record: LogRecord) -> String {
        var object = record.metadata
        object["ts"] = .string(record.timestamp)
        object["level"] = .string(record.level.rawValue)
        object["label"] = .string(record.label)
        object["message"] = .string(record.message)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value is a string, finite number, bool, array or dictionary of those, which
        // JSONEncoder always encodes; the fallback keeps a line if it ever did not.
        guard let data = try? encoder.encode(object) else {
            return #"{"label":"cordon.log","level":"error","message":"unencodable log record"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}
