import CordonCore
import Foundation

/// `cordon serve --log-format` and `--log-level`: how the server logs on standard error.
///
/// Text is the default whether or not stderr is a terminal, so the output never changes
/// with how the server was started; a log collector asks for `--log-format json` (one
/// object a line). The default level, `info`, writes one access line per request.
enum ServeLogOptions {
    static let formatSpec = ArgumentSpec.option(
        .logFormat,
        valueName: "text|json",
        help: "Log lines on stderr as text (default) or as JSON objects, one a line."
    )
    static let levelSpec = ArgumentSpec.option(
        .logLevel,
        valueName: "LEVEL",
        help:
            "Least severe level logged: trace, debug, info (default: one line per request), notice, warning, error, critical."
    )

    /// The logger the options ask for.
    static func logger(_ parsed: ParsedArguments) throws -> Logger {
        let handler: any LogHandler
        switch parsed.option(.logFormat) ?? "text" {
        case "text": handler = TextLogHandler.standardError
        case "json": handler = JSONLogHandler.standardError
        case let other:
            throw UsageError("--log-format must be text or json, got '\(other)'", command: ServeCommand.self)
        }
        let levelName = parsed.option(.logLevel) ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("--log-level must be one of \(names), got '\(levelName)'", command: ServeCommand.self)
        }
        return Logger(label: "cordon.server", handler: handler, logLevel: level)
    }
}
