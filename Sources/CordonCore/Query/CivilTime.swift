import CordonSystem

/// Integer conversions between Unix seconds and UTC calendar dates, for time literals in
/// queries and time-bucket labels in answers.
///
/// The calendar arithmetic is CordonSystem's (``CivilDate``, ``UTCTime``): one copy of
/// Howard Hinnant's `days_from_civil` / `civil_from_days` in the code base.
enum CivilTime {
    /// Days since 1970-01-01 of a calendar date (`day` may run past the month's end).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        (CivilDate(year: year, month: month, day: 1)?.daysSince1970 ?? 0) + day - 1
    }

    /// The calendar date of a day number.
    static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let date = CivilDate(daysSince1970: days)
        return (date.year, date.month, date.day)
    }

    /// `YYYY-MM-DD`.
    static func dayLabel(_ days: Int64) -> String { CivilDate(daysSince1970: days).label }

    /// `YYYY-MM` from a month number `year * 12 + month - 1`.
    static func monthLabel(_ monthIndex: Int64) -> String {
        "\(monthIndex / 12)-\(pad(monthIndex % 12 + 1))"
    }

    /// RFC 3339 UTC at whole seconds.
    static func timestampLabel(_ seconds: Int64) -> String { UTCTime(secondsSince1970: seconds).rfc3339Seconds }

    /// Parses a date `YYYY-MM-DD` (midnight UTC), or an RFC 3339 instant at a whole second
    /// (``Timestamp/instant(_:)``, offsets allowed), into Unix seconds. Events are stored at
    /// whole seconds, so a fractional bound would compare differently than it reads.
    static func parse(_ text: String) -> Int64? {
        if let instant = UTCTime(rfc3339: text) {
            return instant.nanoseconds == 0 ? instant.secondsSince1970 : nil
        }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let date = CivilDate(year: year, month: month, day: day)
        else { return nil }
        return date.daysSince1970 * 86_400
    }

    /// Division rounding towards negative infinity.
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { CordonSystem.floorDivide(a, b) }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
