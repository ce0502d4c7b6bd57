import CordonCore
import CordonSystem

/// When the shop's customers visit: a year with a November peak (Black Friday to Cyber
/// Monday above all), a busy first half of December, quiet January and summer months,
/// busier Sundays to Tuesdays than Saturdays, and evenings (UTC) above nights.
///
/// Weights are integers computed from the civil date of each day of the window, so every
/// platform draws the same instants for a seed.
struct DemoCalendar: Sendable {
    /// The first second of the window.
    let windowStart: Int64
    /// Day `d` of the window (0-based) weighted by how busy it is.
    private let days: DemoWeightedTable<Int>
    private let hours: DemoWeightedTable<Int>

    /// The days in the window.
    static let dayCount = 365

    init(windowStart: Int64) {
        self.windowStart = windowStart
        days = DemoWeightedTable(
            (0..<Self.dayCount).map { day in
                let epochDay = (windowStart + Int64(day) * 86_400).quotientRoundingDown(by: 86_400)
                return (day, Self.weight(ofEpochDay: epochDay))
            }
        )
        hours = DemoWeightedTable(Self.hourWeights.enumerated().map { ($0.offset, $0.element) })
    }

    /// The day of the window `time` falls on, clamped to the window.
    func day(of time: Int64) -> Int {
        min(max(0, Int((time - windowStart) / 86_400)), Self.dayCount - 1)
    }

    /// An instant on one of `days` (days of the window), drawn in proportion to the day's
    /// and then the hour's weight.
    func instant(on days: Range<Int>, using random: inout DemoDataRandom) -> Int64 {
        let day = self.days.draw(in: days, using: &random)
        let hour = hours.draw(using: &random)
        return windowStart + Int64(day) * 86_400 + Int64(hour) * 3_600 + random.int64(in: 0...3_599)
    }

    /// A day's weight in percent: its month's, times its weekday's, times the sales peak.
    static func weight(ofEpochDay epochDay: Int64) -> UInt64 {
        let civil = CivilDate(daysSince1970: epochDay)
        let (civilMonth, civilDay) = (civil.month, civil.day)
        let (month, day) = (Int(civilMonth), Int(civilDay))
        // 1970-01-01 was a Thursday; 0 is Sunday.
        let weekday = Int((epochDay + 4) % 7 + 7) % 7
        var weight = monthWeights[month - 1] * weekdayWeights[weekday]
        if month == 12 && day > 20 { weight = weight * 70 / 100 }
        // Black Friday is the Friday after the fourth Thursday of November (23rd-29th);
        // the weekend after it and Cyber Monday (26th November to 2nd December) follow.
        if month == 11 && (23...29).contains(day) && weekday == 5 {
            weight = weight * 400 / 100
        } else if month == 11 && (24...30).contains(day) && (weekday == 6 || weekday == 0) {
            weight = weight * 200 / 100
        } else if (month == 11 && day >= 26 || month == 12 && day <= 2) && weekday == 1 {
            weight = weight * 300 / 100
        }
        return weight
    }

    /// January to December, in percent of an average month.
    static let monthWeights: [UInt64] = [85, 80, 90, 90, 95, 90, 85, 85, 95, 100, 140, 125]
    /// Sunday to Saturday.
    static let weekdayWeights: [UInt64] = [108, 110, 105, 100, 98, 92, 87]
    /// Midnight to 23:00 UTC.
    static let hourWeights: [UInt64] = [
        2, 2, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 7, 6, 6, 6, 6, 7, 8, 9, 10, 9, 7, 4,
    ]
}

extension Int64 {
    /// Division rounding towards negative infinity (a day before 1970 is day -1, not 0).
    fileprivate func quotientRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
