/// An ISO 8601 duration such as `P13M`, `P45D` or `PT72H`, kept by component.
///
/// Components are not normalized: `P12M` and `P1Y` are different values that add the same
/// time to a date, because the law states periods in its own units and the policy table
/// should show them as written. Only non-negative integer components are accepted; the
/// parser is in `ISODuration+Parsing.swift`, date arithmetic in `ISODuration+Arithmetic.swift`.
public struct ISODuration: Hashable, Sendable, CustomStringConvertible {
    /// Calendar years.
    public var years: Int
    /// Calendar months.
    public var months: Int
    /// Weeks of seven days.
    public var weeks: Int
    /// Days.
    public var days: Int
    /// Hours.
    public var hours: Int
    /// Minutes.
    public var minutes: Int
    /// Seconds.
    public var seconds: Int

    /// Creates a duration from components; all must be non-negative.
    public init(
        years: Int = 0,
        months: Int = 0,
        weeks: Int = 0,
        days: Int = 0,
        hours: Int = 0,
        minutes: Int = 0,
        seconds: Int = 0
    ) {
        precondition(
            [years, months, weeks, days, hours, minutes, seconds].allSatisfy { $0 >= 0 },
            "ISODuration components must be non-negative"
        )
        self.years = years
        self.months = months
        self.weeks = weeks
        self.days = days
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
    }

    /// Whether every component is zero.
    public var isZero: Bool { self == ISODuration() }

    /// Whether the duration counts whole days only (no years, months, weeks or time), the
    /// only shape a business-day count can take.
    public var isDaysOnly: Bool { self == ISODuration(days: days) }

    /// The canonical ISO 8601 spelling, e.g. `P1Y6M`, `PT72H`, or `PT0S` for zero.
    public var description: String {
        var text = "P"
        for (value, unit) in [(years, "Y"), (months, "M"), (weeks, "W"), (days, "D")] where value > 0 {
            text += "\(value)\(unit)"
        }
        if hours > 0 || minutes > 0 || seconds > 0 {
            text += "T"
            for (value, unit) in [(hours, "H"), (minutes, "M"), (seconds, "S")] where value > 0 {
                text += "\(value)\(unit)"
            }
        }
        return text == "P" ? "PT0S" : text
    }

    /// Component-wise sum, used to add an extension to a deadline (GDPR: one month plus
    /// two further months is a three-month period from receipt).
    public static func + (lhs: ISODuration, rhs: ISODuration) -> ISODuration {
        ISODuration(
            years: lhs.years + rhs.years,
            months: lhs.months + rhs.months,
            weeks: lhs.weeks + rhs.weeks,
            days: lhs.days + rhs.days,
            hours: lhs.hours + rhs.hours,
            minutes: lhs.minutes + rhs.minutes,
            seconds: lhs.seconds + rhs.seconds
        )
    }

    /// The fixed length in hours when the duration has no calendar-dependent part (years,
    /// months) and no minutes or seconds; `nil` otherwise.
    public var wholeHours: Int? {
        guard years == 0, months == 0, minutes == 0, seconds == 0 else { return nil }
        return (weeks * 7 + days) * 24 + hours
    }
}
