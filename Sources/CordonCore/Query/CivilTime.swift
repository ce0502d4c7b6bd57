/// Integer conversions between Unix seconds and UTC calendar dates, for time literals in
/// queries and time-bucket labels in answers.
///
/// The day arithmetic is Howard Hinnant's `days_from_civil` / `civil_from_days`
/// ("chrono-Compatible Low-Level Date Algorithms", 2013): exact over the proleptic
/// Gregorian calendar, no floating point, no locale.
public enum CivilTime {
    /// Days since 1970-01-01 of a calendar date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date of a day number.
    public static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD`.
    static func dayLabel(_ days: Int64) -> String {
        let (year, month, day) = date(days: days)
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    /// `YYYY-MM` from a month number `year * 12 + month - 1`.
    static func monthLabel(_ monthIndex: Int64) -> String {
        "\(monthIndex / 12)-\(pad(monthIndex % 12 + 1))"
    }

    /// RFC 3339 UTC at whole seconds.
    static func timestampLabel(_ seconds: Int64) -> String {
        let days = floorDivide(seconds, 86_400)
        let rest = seconds - days * 86_400
        return dayLabel(days) + "T\(pad(rest / 3600)):\(pad(rest % 3600 / 60)):\(pad(rest % 60))Z"
    }

    /// Parses a date `YYYY-MM-DD` (midnight UTC), or an RFC 3339 instant at a whole second
    /// (``Timestamp/instant(_:)``, offsets allowed), into Unix seconds. Events are stored at
    /// whole seconds, so a fractional bound would compare differently than it reads.
    static func parse(_ text: String) -> Int64? {
        if let instant = Timestamp.instant(text) {
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
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Division rounding towards negative infinity.
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
