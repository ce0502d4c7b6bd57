/// Writes records as human-readable lines, metadata as sorted `key=value` pairs:
///
///     2026-05-01T12:00:00.123Z info cordon.access: request method=GET route=/v1/regions status=200
public struct TextLogHandler: LogHandler {
    private let stream: LogStream

    /// Text lines on standard error.
    public static var standardError: TextLogHandler { TextLogHandler(stream: .standardError) }

    public init(stream: LogStream) {
        self.stream = stream
    }

    public func log(_ record: LogRecord) {
        stream.write(line: Self.format(record))
    }

    /// The line for `record` (without the newline).
    public static func format(_ record: LogRecord) -> String {
        var line = "\(record.timestamp) \(record.level.rawValue) \(record.label): \(record.message)"
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(quoted(value.description))"
        }
        return line
    }

    /// `text`, in double quotes with `"` and `\` escaped when it is empty or holds a space,
    /// a quote, `=` or a control character (so a line always splits back into its pairs).
    private static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 32 && $0 != "\"" && $0 != "=" }
        if plain { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case _ where scalar.value < 32: escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }
}
