public import Foundation

extension ISODuration {
    /// The proleptic Gregorian calendar in UTC: all of Cordon's deadline arithmetic uses it,
    /// so a deadline never depends on the server's time zone or daylight-saving changes.
    public static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// The date this duration after `date`, counting months as calendar months.
    ///
    /// Years and months are added first, as whole months, and a day that does not exist in
    /// the target month falls back to the month's last day: 31 January plus `P1M` is
    /// 28 February (29 in a leap year). This is how Regulation (EEC, Euratom) No 1182/71
    /// Art. 3(2)(c) ends periods expressed in months, which governs GDPR Art. 12(3).
    /// Weeks and days follow, then hours, minutes and seconds.
    ///
    /// ```swift
    /// let due = try ISODuration(parsing: "P1M").added(to: receivedAt)
    /// ```
    public func added(to date: Date, calendar: Calendar = ISODuration.utcCalendar) -> Date {
        var result = date
        let steps: [(Calendar.Component, Int)] = [
            (.month, years * 12 + months), (.day, weeks * 7 + days),
            (.hour, hours), (.minute, minutes), (.second, seconds),
        ]
        for (component, value) in steps where value != 0 {
            guard let next = calendar.date(byAdding: component, value: value, to: result) else {
                preconditionFailure("Calendar cannot add \(value) \(component) to \(result)")
            }
            result = next
        }
        return result
    }

    /// The date `count` business days (Monday to Friday) after `date`, at the same time of day.
    ///
    /// The day of `date` itself is not counted, so one business day after a Friday or a
    /// Saturday is the following Monday. Public holidays are not skipped.
    public static func addingBusinessDays(
        _ count: Int,
        to date: Date,
        calendar: Calendar = ISODuration.utcCalendar
    ) -> Date {
        precondition(count >= 0, "business-day counts are non-negative")
        var result = date
        var remaining = count
        while remaining > 0 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: result) else {
                preconditionFailure("Calendar cannot add a day to \(result)")
            }
            result = next
            if !calendar.isDateInWeekend(result) { remaining -= 1 }
        }
        return result
    }

    /// The date this duration after `date` under `dayCount`.
    ///
    /// With ``DayCount/business`` the duration must be whole days (``isDaysOnly``); the
    /// policy linter guarantees it for every loaded deadline.
    public func added(to date: Date, counting dayCount: DayCount, calendar: Calendar = ISODuration.utcCalendar) -> Date
    {
        switch dayCount {
        case .calendar:
            return added(to: date, calendar: calendar)
        case .business:
            precondition(isDaysOnly, "a business-day deadline must be whole days, not \(self)")
            return Self.addingBusinessDays(days, to: date, calendar: calendar)
        }
    }
}
