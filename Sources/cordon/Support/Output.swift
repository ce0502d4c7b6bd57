import CordonCore
import Foundation

/// Where the CLI writes: results on stdout, messages and progress on stderr.
enum Output {
    /// Writes `text` to stdout as is (add the newline yourself).
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes one line to stdout.
    static func line(_ text: String = "") {
        standardOutput(text + "\n")
    }

    /// Writes one line to stderr.
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A one-line error on stderr, prefixed the way every command reports failure.
    static func error(_ message: String) {
        standardError("error: \(message)")
    }

    /// A warning on stderr.
    static func warning(_ message: String) {
        standardError("warning: \(message)")
    }

    /// Writes `value` as pretty JSON to `path`, owner-only and durably (exports and
    /// receipts hold personal data or proofs).
    static func writeJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try DurableFile.write(Array(try encoder.encode(value)) + [0x0A], to: URL(fileURLWithPath: path))
    }

    /// Exactly one JSON document on stdout (sorted keys, so output is stable for scripts).
    static func json(_ value: some Encodable) throws {
        standardOutput(try jsonText(value))
    }

    /// The JSON document ``json(_:)`` prints, with its final newline.
    static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
