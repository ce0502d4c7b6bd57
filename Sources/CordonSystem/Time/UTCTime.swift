public import Foundation

/// An instant as whole seconds since 1970-01-01T00:00:00Z and a fraction of a second: the
/// one time type below the domain. It reads RFC 3339 (``init(rfc3339:)``, any offset) and
/// writes UTC (``rfc3339Milliseconds``, ``rfc3339Seconds``), both through ``CivilDate``.
///
/// ```swift
/// let time = UTCTime(rfc3339: "2025-01-31T09:05:03.042+01:00")!
/// time.rfc3339Milliseconds   // "2025-01-31T08:05:03.042Z"
/// ```
public struct UTCTime: Sendable, Hashable, Comparable {
    /// Whole seconds since the epoch, rounded down (negative before it).
    public var secondsSince1970: Int64
    /// `0..<1_000_000_000`.
    public var nanoseconds: Int64

    /// The instant `secondsSince1970` plus `nanoseconds` (normalized into `0..<1e9`).
    public init(secondsSince1970: Int64, nanoseconds: Int64 = 0) {
        self.secondsSince1970 = secondsSince1970 + floorDivide(nanoseconds, 1_000_000_000)
        self.nanoseconds = nanoseconds - floorDivide(nanoseconds, 1_000_000_000) * 1_000_000_000
    }

    /// The instant `milliseconds` ms after the epoch.
    public init(millisecondsSince1970 milliseconds: Int64) {
        let seconds = floorDivide(milliseconds, 1000)
        self.init(secondsSince1970: seconds, nanoseconds: (milliseconds - seconds * 1000) * 1_000_000)
    }

    /// `date`, truncated to the millisecond.
    public init(_ date: Date) {
        self.init(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Milliseconds since the epoch, rounded down (the audit trail's resolution).
    public var millisecondsSince1970: Int64 { secondsSince1970 * 1000 + nanoseconds / 1_000_000 }

    /// The same instant as a `Date` (to within a `Double`'s precision).
    public var date: Date {
        Date(timeIntervalSince1970: Double(secondsSince1970) + Double(nanoseconds) / 1_000_000_000)
    }

    /// The UTC calendar day, and the second within it.
    public var civil: (date: CivilDate, secondOfDay: Int64) {
        let days = floorDivide(secondsSince1970, 86_400)
        return (CivilDate(daysSince1970: days), secondsSince1970 - days * 86_400)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the fraction dropped.
    public var rfc3339Seconds: String { format(milliseconds: false) }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`: exactly three fractional digits, truncated.
    public var rfc3339Milliseconds: String { format(milliseconds: true) }

    private func format(milliseconds: Bool) -> String {
        let (date, second) = civil
        let fraction = milliseconds ? ".\(padded(nanoseconds / 1_000_000, 3))" : ""
        return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))T\(padded(second / 3600, 2)):"
            + "\(padded(second / 60 % 60, 2)):\(padded(second % 60, 2))\(fraction)Z"
    }

    public static func < (lhs: UTCTime, rhs: UTCTime) -> Bool {
        (lhs.secondsSince1970, lhs.nanoseconds) < (rhs.secondsSince1970, rhs.nanoseconds)
    }
}
