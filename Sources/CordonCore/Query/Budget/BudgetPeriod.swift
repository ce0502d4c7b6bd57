/// The policy period an analyst's budget is counted in (`budgetPeriod`, e.g. `P1M`).
///
/// Periods made of months and years are calendar periods aligned on January 1970 (so `P1M`
/// is the calendar month, UTC); other durations are fixed-length periods aligned on the
/// Unix epoch.
public struct BudgetPeriod: Sendable, Hashable, Codable {
    /// First second of the period (Unix seconds).
    public var start: Int64
    /// First second of the next period: when the budget resets.
    public var end: Int64

    /// The period of `duration` containing `now`.
    public static func containing(_ now: Int64, duration: ISODuration) -> BudgetPeriod {
        let months = Int64(duration.years * 12 + duration.months)
        if months > 0 {
            let (year, month, _) = CivilTime.date(days: CivilTime.floorDivide(now, 86_400))
            let index = (year - 1970) * 12 + month - 1
            let first = CivilTime.floorDivide(index, months) * months
            return BudgetPeriod(start: monthStart(first), end: monthStart(first + months))
        }
        var length = Int64(duration.weeks) * 604_800 + Int64(duration.days) * 86_400
        length += Int64(duration.hours) * 3600 + Int64(duration.minutes) * 60 + Int64(duration.seconds)
        length = max(length, 1)
        let start = CivilTime.floorDivide(now, length) * length
        return BudgetPeriod(start: start, end: start + length)
    }

    private static func monthStart(_ index: Int64) -> Int64 {
        let year = 1970 + CivilTime.floorDivide(index, 12)
        let month = index - (year - 1970) * 12 + 1
        return CivilTime.days(year: year, month: month, day: 1) * 86_400
    }
}
