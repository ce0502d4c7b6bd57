public import Foundation

/// RFC 3339 UTC timestamps, the one format Cordon writes.
public enum Timestamp {
    /// Now, e.g. `2026-11-25T14:03:07.123Z`.
    public static func now() -> String { format(Date()) }

    /// `date` as RFC 3339 UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        )
    }

    /// Parses RFC 3339 with or without fractional seconds; `nil` if it is not one.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
