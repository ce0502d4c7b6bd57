extension UTCTime {
    /// Parses an RFC 3339 `date-time`; `nil` if `text` is not exactly one.
    ///
    /// Accepted: `2025-01-31T08:00:00Z`, `2025-01-31T08:00:00.123Z`, `2025-01-31T09:00:00+01:00`,
    /// `2025-01-31t08:00:00z` (RFC 3339 § 5.6 allows lower case), and a leap second
    /// `23:59:60`, read as the next second as POSIX time does. Digits of the fraction past
    /// the ninth are dropped. Refused: a missing offset (local time is ambiguous), a space
    /// or nothing between date and time, dates that do not exist (`2025-02-30`),
    /// `24:00:00`, and anything before or after.
    ///
    /// Written out rather than through Foundation's ISO 8601 styles, which accept a time
    /// without an offset, ignore an offset after fractional seconds, and roll `02-30` over
    /// into March.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T", "t"),
            let date = CivilDate(year: year, month: month, day: day),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2),
            hour < 24, minute < 60, second <= 60,
            let nanoseconds = scanner.fraction(), let offset = scanner.offset(), scanner.isAtEnd
        else { return nil }
        let local = date.daysSince1970 * 86_400 + hour * 3600 + minute * 60 + second
        self.init(secondsSince1970: local - offset, nanoseconds: nanoseconds)
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`, the audit trail's only form (what
    /// ``rfc3339Milliseconds`` writes), years 0000–9999; `nil` for anything else.
    public init?(rfc3339Milliseconds text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A, bytes[19] == 0x2E, bytes[23] == 0x5A
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int64(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let date = CivilDate(year: year, month: month, day: day),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millisecond = number(20..<23), hour < 24, minute < 60, second < 60
        else { return nil }
        self.init(
            secondsSince1970: date.daysSince1970 * 86_400 + hour * 3600 + minute * 60 + second,
            nanoseconds: millisecond * 1_000_000
        )
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

    /// An optional `.digits` fraction as nanoseconds (0 when absent); `nil` for a `.` without digits.
    mutating func fraction() -> Int64? {
        guard skip(".") else { return 0 }
        var nanoseconds: Int64 = 0
        var digits = 0
        while let digit = digit() {
            if digits < 9 { nanoseconds = nanoseconds * 10 + digit }
            digits += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        return nanoseconds
    }

    /// `Z` (0) or `±HH:MM` as seconds east of UTC; `nil` when neither follows.
    mutating func offset() -> Int64? {
        if skip("Z", "z") { return 0 }
        let sign: Int64
        if skip("+") {
            sign = 1
        } else if skip("-") {
            sign = -1
        } else {
            return nil
        }
        guard let hours = number(digits: 2), skip(":"), let minutes = number(digits: 2), hours < 24, minutes < 60
        else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
