import CordonSystem
import Foundation
import Testing

@testable import CordonCore

/// The one RFC 3339 parser behind ingest, the API and the CLI.
@Suite("Timestamp")
struct TimestampTests {
    static let base: Int64 = 1_738_310_400  // 2025-01-31T08:00:00Z

    @Test(
        "accepted forms, with and without fractions, Z or an offset",
        arguments: [
            ("2025-01-31T08:00:00Z", base, 0),
            ("2025-01-31t08:00:00z", base, 0),
            ("2025-01-31T08:00:00.5Z", base, 500_000_000),
            ("2025-01-31T08:00:00.123Z", base, 123_000_000),
            ("2025-01-31T08:00:00.123456789Z", base, 123_456_789),
            ("2025-01-31T08:00:00.1234567891234Z", base, 123_456_789),
            ("2025-01-31T09:00:00+01:00", base, 0),
            ("2025-01-31T09:00:00.250+01:00", base, 250_000_000),
            ("2025-01-31T02:30:00-05:30", base, 0),
            ("2025-01-31T08:00:00-00:00", base, 0),
            ("2025-02-01T07:59:59+23:59", base - 1 + 86_400 - 86_340, 0),
            ("2024-02-29T00:00:00Z", 1_709_164_800, 0),
            ("2016-12-31T23:59:60Z", 1_483_228_800, 0),
            ("1970-01-01T00:00:00Z", 0, 0),
            ("1969-12-31T23:59:59Z", -1, 0),
            ("9999-12-31T23:59:59Z", 253_402_300_799, 0),
            ("0000-01-01T00:00:00Z", -62_167_219_200, 0),
        ] as [(String, Int64, Int64)]
    )
    func accepts(_ text: String, _ seconds: Int64, _ nanoseconds: Int64) throws {
        let instant = try #require(Timestamp.instant(text), "\(text)")
        #expect(instant.secondsSince1970 == seconds && instant.nanoseconds == nanoseconds, "\(text)")
        #expect(Timestamp.parseSeconds(text) == seconds)
        #expect(abs(try #require(Timestamp.parse(text)).timeIntervalSince1970 - Double(seconds)) < 1)
    }

    @Test(
        "refused forms",
        arguments: [
            "", "2025-01-31", "2025-01-31T08:00:00", "2025-01-31T08:00Z", "2025-01-31 08:00:00Z",
            "2025-01-31T08:00:00ZZ", "2025-01-31T08:00:00+0100", "2025-01-31T08:00:00+01", "2025-01-31T08:00:00.Z",
            "2025-01-31T08:00:00,5Z", "20250131T080000Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
            "2025-02-29T00:00:00Z", "2025-02-30T00:00:00Z", "2025-04-31T00:00:00Z", "2025-01-00T00:00:00Z",
            "2025-01-31T24:00:00Z", "2025-01-31T08:60:00Z", "2025-01-31T08:00:61Z", "2025-01-31T08:00:00+24:00",
            "2025-01-31T08:00:00+01:60", " 2025-01-31T08:00:00Z", "2025-01-31T08:00:00Z ", "+2025-01-31T08:00:00Z",
            "12025-01-31T08:00:00Z", "2025-1-31T08:00:00Z", "２０２５-01-31T08:00:00Z", "yesterday",
            "2025-01-31T08:00:00\u{0}Z",
        ]
    )
    func refuses(_ text: String) {
        #expect(Timestamp.instant(text) == nil, "\(text)")
        #expect(Timestamp.parse(text) == nil && Timestamp.parseSeconds(text) == nil)
    }

    @Test("an offset moves the instant (a +02:00 time was read as UTC)")
    func offsetsAreApplied() {
        #expect(Timestamp.parseSeconds("2025-01-31T10:00:00+02:00") == Self.base)
        #expect(Timestamp.parseSeconds("2025-01-31T10:00:00.000+02:00") == Self.base)
    }

    @Test("what Timestamp.format writes, it reads back to the millisecond")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_764_000_000.25)
        let instant = try #require(Timestamp.instant(Timestamp.format(date)))
        #expect(instant.millisecondsSince1970 == 1_764_000_000_250)
    }

    @Test("query literals take a date or a whole-second instant, offsets included")
    func queryLiterals() {
        #expect(CivilTime.parse("2025-01-31") == Self.base - 8 * 3600)
        #expect(CivilTime.parse("2025-01-31T09:00:00+01:00") == Self.base)
        #expect(CivilTime.parse("2025-01-31T08:00:00.5Z") == nil)
        #expect(CivilTime.parse("2025-02-30") == nil)
    }
}
