public import Foundation

/// RFC 3339 timestamps: the one format Cordon writes (UTC, milliseconds) and the one
/// parser every caller uses — ingest lines, API bodies and query arguments, CLI flags, and
/// the control store reading back what it wrote.
public enum Timestamp {
    /// An instant read from RFC 3339 text: whole seconds since 1970-01-01T00:00:00Z (rounded
    /// down) and the fraction of a second.
    public struct Instant: Sendable, Hashable {
        public var secondsSince1970: Int64
        /// `0..<1_000_000_000`; digits past the ninth are dropped.
        public var nanoseconds: Int64

        /// The same instant as a `Date` (to within a `Double`'s precision).
        public var date: Date {
            Date(timeIntervalSince1970: Double(secondsSince1970) + Double(nanoseconds) / 1_000_000_000)
        }

        /// Milliseconds since the epoch, rounded down (the audit trail's resolution).
        public var millisecondsSince1970: Int64 { secondsSince1970 * 1000 + nanoseconds / 1_000_000 }
    }

    /// How a time is written, for messages that refuse one.
    public static let expectedForm =
        "an RFC 3339 time such as 2025-01-31T08:00:00Z (fractional seconds and offsets such as +01:00 are allowed)"

    /// Now, e.g. `2026-11-25T14:03:07.123Z`.
    public static func now() -> String { format(Date()) }

    /// `date` as RFC 3339 UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
        )
    }

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

    /// Like ``parse(_:)``, keeping the exact seconds and fraction.
    ///
    /// Written out rather than through Foundation's ISO 8601 styles, which accept a time
    /// without an offset, ignore an offset after fractional seconds, and roll `02-30` over
    /// into March.
    public static func instant(_ text: String) -> Instant? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T", "t"),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2),
            (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var nanoseconds: Int64 = 0
        if scanner.skip(".") {
            var digits = 0
            while let digit = scanner.digit() {
                if digits < 9 { nanoseconds = nanoseconds * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if !scanner.skip("Z", "z") {
            let sign: Int64
            if scanner.skip("+") {
                sign = 1
            } else if scanner.skip("-") {
                sign = -1
            } else {
                return nil
            }
            guard let offsetHours = scanner.number(digits: 2), scanner.skip(":"),
                let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard scanner.isAtEnd else { return nil }
        let local = CivilTime.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Instant(secondsSince1970: local - offsetSeconds, nanoseconds: nanoseconds)
    }
}

/// Reads ASCII digits and punctuation from the front of some bytes.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    /// One digit's value, consumed; `nil` (nothing consumed) if the next byte is not one.
    mutating func digit() -> Int64? {
        guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { return nil }
        index += 1
        return Int64(bytes[index - 1] - 0x30)
    }

    /// Exactly `digits` digits as a number.
    mutating func number(digits: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<digits {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Consumes one of `characters` if it is next.
    mutating func skip(_ characters: Unicode.Scalar...) -> Bool {
        guard index < bytes.count, characters.contains(where: { $0.value == UInt32(bytes[index]) }) else {
            return false
        }
        index += 1
        return true
    }
}
