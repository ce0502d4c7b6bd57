import CordonSystem
import Foundation
import Testing

@Suite("CivilDate")
struct CivilDateTests {
    @Test(
        "days since 1970 at the algorithm's edges",
        arguments: [
            (1970, 1, 1, 0), (1969, 12, 31, -1), (1972, 2, 29, 789), (1972, 3, 1, 790),
            (2000, 2, 29, 11_016), (2000, 3, 1, 11_017), (2100, 2, 28, 47_540), (2100, 3, 1, 47_541),
            (2400, 2, 29, 157_113), (0, 1, 1, -719_528), (9999, 12, 31, 2_932_896),
        ] as [(Int64, Int64, Int64, Int64)]
    )
    func convertsBothWays(year: Int64, month: Int64, day: Int64, days: Int64) throws {
        let date = try #require(CivilDate(year: year, month: month, day: day))
        #expect(date.daysSince1970 == days)
        #expect(CivilDate(daysSince1970: days) == date)
    }

    @Test func everyDayOfFourHundredYearsRoundTripsInOrder() {
        var previous = CivilDate(daysSince1970: -146_098)
        for days in Int64(-146_097)...Int64(146_097) {
            let date = CivilDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
            #expect(previous < date)
            previous = date
        }
    }

    @Test(
        "dates that do not exist",
        arguments: [
            (2100, 2, 29), (1900, 2, 29), (2023, 2, 29), (2025, 4, 31), (2025, 13, 1), (2025, 0, 1), (2025, 1, 0),
        ]
            as [(Int64, Int64, Int64)]
    )
    func refusesDatesThatDoNotExist(year: Int64, month: Int64, day: Int64) {
        #expect(CivilDate(year: year, month: month, day: day) == nil)
    }

    @Test func leapYearsFollowTheGregorianRule() {
        #expect(CivilDate.isLeap(2000) && CivilDate.isLeap(2024) && CivilDate.isLeap(2400))
        #expect(!CivilDate.isLeap(1900) && !CivilDate.isLeap(2100) && !CivilDate.isLeap(2025))
        #expect(CivilDate(daysSince1970: 0).label == "1970-01-01")
    }
}

@Suite("UTCTime")
struct UTCTimeTests {
    @Test(
        "written with milliseconds, read back identically",
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"), (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_123, "2000-02-29T00:00:00.123Z"), (4_107_456_000_000, "2100-02-28T00:00:00.000Z"),
            (4_107_542_399_999, "2100-02-28T23:59:59.999Z"), (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"), (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] as [(Int64, String)]
    )
    func roundTripsMilliseconds(milliseconds: Int64, text: String) throws {
        let time = UTCTime(millisecondsSince1970: milliseconds)
        #expect(time.rfc3339Milliseconds == text)
        #expect(time.millisecondsSince1970 == milliseconds)
        #expect(UTCTime(rfc3339Milliseconds: text) == time)
        #expect(UTCTime(rfc3339: text) == time)
    }

    @Test func secondsDropTheFractionAndDatesTruncateToTheMillisecond() {
        #expect(UTCTime(millisecondsSince1970: -1).rfc3339Seconds == "1969-12-31T23:59:59Z")
        #expect(UTCTime(secondsSince1970: 1_738_310_400).rfc3339Seconds == "2025-01-31T08:00:00Z")
        #expect(UTCTime(Date(timeIntervalSince1970: 1.2349)).millisecondsSince1970 == 1234)
        #expect(UTCTime(secondsSince1970: 5, nanoseconds: -1) == UTCTime(secondsSince1970: 4, nanoseconds: 999_999_999))
    }

    @Test func offsetsAndFractionsAreRead() throws {
        let time = try #require(UTCTime(rfc3339: "2025-01-31t09:00:00.123456789123+01:00"))
        #expect(time == UTCTime(secondsSince1970: 1_738_310_400, nanoseconds: 123_456_789))
        #expect(UTCTime(rfc3339: "2016-12-31T23:59:60Z")?.secondsSince1970 == 1_483_228_800)
    }

    @Test(
        "the audit form is exact",
        arguments: [
            "2025-01-31T09:05:03.042+00:00", "2025-01-31T09:05:03.04Z", "2025-01-31T09:05:03Z",
            "2025-01-31T09:05:60.000Z", "2100-02-29T00:00:00.000Z", "2025-01-31t09:05:03.042Z",
            "2025-01-31T09:05:03.042z",
            "+025-01-31T09:05:03.042Z",
        ]
    )
    func strictFormRefusesOtherSpellings(text: String) {
        #expect(UTCTime(rfc3339Milliseconds: text) == nil)
    }
}
