import Foundation
import Testing

@testable import CordonCore

@Suite("ISODuration")
struct ISODurationTests {
    @Test(arguments: [
        ("P1M", ISODuration(months: 1)), ("P13M", ISODuration(months: 13)), ("P3Y", ISODuration(years: 3)),
        ("P45D", ISODuration(days: 45)), ("P2W", ISODuration(weeks: 2)), ("PT72H", ISODuration(hours: 72)),
        ("P1Y2M3W4DT5H6M7S", ISODuration(years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7)),
        ("PT30M", ISODuration(minutes: 30)), ("P0D", ISODuration()),
    ])
    func parsesAcceptedForms(text: String, expected: ISODuration) throws {
        #expect(try ISODuration(parsing: text) == expected)
    }

    @Test(arguments: [
        "", "P", "PT", "1M", "p1m", "P1m", "P1.5M", "P1,5M", "P-1M", "P+1M", "P1H", "P1S", "PT1D", "PT1Y", "P1D1M",
        "P1M1M", "P1MT", "P1", "PT1H2", "P 1M", "P1M ", "P2025-01-01", "P1DT1H1H", "P99999999999999999999D", "PTT1H",
    ])
    func rejectsEverythingElse(text: String) {
        #expect(throws: ISODuration.ParseError.self) { try ISODuration(parsing: text) }
    }

    @Test func errorExplainsTheProblemAndTheAcceptedForm() {
        #expect {
            try ISODuration(parsing: "P1H")
        } throws: { error in
            let description = (error as? ISODuration.ParseError)?.description ?? ""
            return description.contains("time unit") && description.contains("PnYnMnWnDTnHnMnS")
        }
    }

    @Test(arguments: ["P1M", "P13M", "P1Y6M", "PT72H", "P3DT4H", "P2W"])
    func descriptionRoundTrips(text: String) throws {
        #expect(try ISODuration(parsing: text).description == text)
    }

    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)!
    }

    @Test(arguments: [
        ("2025-01-31T10:00:00Z", "P1M", "2025-02-28T10:00:00Z"),  // no 31 February: last day of the month
        ("2024-01-31T10:00:00Z", "P1M", "2024-02-29T10:00:00Z"),  // leap year
        ("2025-01-15T00:00:00Z", "P1M", "2025-02-15T00:00:00Z"),
        ("2025-03-31T00:00:00Z", "P1M", "2025-04-30T00:00:00Z"),
        ("2025-01-31T00:00:00Z", "P3M", "2025-04-30T00:00:00Z"),
        ("2024-02-29T00:00:00Z", "P1Y", "2025-02-28T00:00:00Z"),
        ("2025-01-01T00:00:00Z", "P45D", "2025-02-15T00:00:00Z"),
        ("2025-12-20T00:00:00Z", "P13M", "2027-01-20T00:00:00Z"),
        ("2025-03-29T12:00:00Z", "PT72H", "2025-04-01T12:00:00Z"),  // across the EU DST change: UTC has none
        ("2025-01-01T00:00:00Z", "P1W", "2025-01-08T00:00:00Z"),
    ])
    func addsCalendarMonthsAndDays(start: String, duration: String, expected: String) throws {
        #expect(try ISODuration(parsing: duration).added(to: Self.date(start)) == Self.date(expected))
    }

    @Test(arguments: [
        ("2025-01-03T09:00:00Z", 1, "2025-01-06T09:00:00Z"),  // Friday + 1 = Monday
        ("2025-01-04T09:00:00Z", 1, "2025-01-06T09:00:00Z"),  // Saturday + 1 = Monday
        ("2025-01-05T09:00:00Z", 1, "2025-01-06T09:00:00Z"),  // Sunday + 1 = Monday
        ("2025-01-02T09:00:00Z", 3, "2025-01-07T09:00:00Z"),  // Thursday + 3 = Tuesday
        ("2025-01-06T09:00:00Z", 15, "2025-01-27T09:00:00Z"),  // three working weeks
        ("2025-01-06T09:00:00Z", 0, "2025-01-06T09:00:00Z"),
    ])
    func businessDaysSkipWeekends(start: String, days: Int, expected: String) {
        #expect(ISODuration.addingBusinessDays(days, to: Self.date(start)) == Self.date(expected))
        #expect(ISODuration(days: days).added(to: Self.date(start), counting: .business) == Self.date(expected))
    }

    @Test func sumAddsComponents() {
        #expect(ISODuration(months: 1) + ISODuration(months: 2) == ISODuration(months: 3))
        #expect(ISODuration(days: 45) + ISODuration(days: 45) == ISODuration(days: 90))
    }

    @Test func wholeHoursOnlyForFixedLengths() {
        #expect(ISODuration(hours: 72).wholeHours == 72)
        #expect(ISODuration(days: 3).wholeHours == 72)
        #expect(ISODuration(months: 1).wholeHours == nil)
    }
}
