public import CordonSystem
public import Foundation

/// RFC 3339 timestamps: the one format Cordon writes (UTC, milliseconds) and the one
/// parser every caller uses — ingest lines, API bodies and query arguments, CLI flags, and
/// the control store reading back what it wrote.
public enum Timestamp {
    /// An instant read from RFC 3339 text: whole seconds since 1970-01-01T00:00:00Z (rounded
    /// down) and the fraction of a second; CordonSystem's one time type.
    public typealias Instant = UTCTime

    /// How a time is written, for messages that refuse one.
    public static let expectedForm =
        "an RFC 3339 time such as 2025-01-31T08:00:00Z (fractional seconds and offsets such as +01:00 are allowed)"

    /// Now, e.g. `2026-11-25T14:03:07.123Z`.
    public static func now() -> String { format(Date()) }

    /// `date` as RFC 3339 UTC with milliseconds.
    public static func format(_ date: Date) -> String { UTCTime(date).rfc3339Milliseconds }

    /// Parses an RFC 3339 `date-time`; `nil` if `text` is not exactly one.
    ///
    /// Accepted: `2025-01-31T08:00:00Z`, `2025-01-31T08:00:00.123Z`, `2025-01-31T09:00:00+01:00`,
    /// `2025-01-31t08:00:00z` (RFC 3339 § 5.6 allows lower case), and a leap second
    /// `23:59:60`, read as the next second as POSIX time does. Refused: a missing offset
    /// (local time is ambiguous), a space or nothing between date and time, dates that do
    /// not exist (`2025-02-30`), `24:00:00`, and anything before or after.
    public static func parse(_ text: String) -> Date? { instant(text)?.date }

    /// Like ``parse(_:)``, as whole Unix seconds (rounded down).
    public static func parseSeconds(_ text: String) -> Int64? { instant(text)?.secondsSince1970 }

    /// Like ``parse(_:)``, keeping the exact seconds and fraction (``UTCTime/init(rfc3339:)``).
    public static func instant(_ text: String) -> Instant? { UTCTime(rfc3339: text) }
}
