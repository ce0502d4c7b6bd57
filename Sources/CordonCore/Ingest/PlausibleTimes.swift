import Foundation

/// The instants an ingested record may carry: from 1970-01-01T00:00:00Z to a little after
/// now.
///
/// A date before 1970 is a typo or a default value, and one far in the future is a clock
/// gone wrong or a forgery; stored, a far-future event would outlive every retention
/// period, because retention counts from the event's own time (an event dated 9999-12-31
/// was kept forever). The allowance after now absorbs clients whose clocks run ahead.
public struct PlausibleTimes: Sendable, Equatable {
    /// The earliest accepted instant, in Unix seconds: 1970-01-01T00:00:00Z.
    public static let earliest: Int64 = 0
    /// How far ahead of now a time may be unless configured otherwise: 24 hours.
    public static let defaultMaximumSkew: Int64 = 86_400

    /// Now, in Unix seconds.
    public var now: Int64
    /// Seconds a time may lie after `now`.
    public var maximumSkew: Int64

    public init(now: Int64, maximumSkew: Int64 = Self.defaultMaximumSkew) {
        self.now = now
        self.maximumSkew = max(0, maximumSkew)
    }

    /// The window around the clock's now, with the default skew.
    public static func current() -> PlausibleTimes {
        PlausibleTimes(now: Int64(Date().timeIntervalSince1970))
    }

    /// The latest accepted instant.
    public var latest: Int64 { now.addingReportingOverflow(maximumSkew).overflow ? .max : now + maximumSkew }

    /// Refuses `seconds` as `invalid_field` naming `field` when it lies outside the window.
    func check(_ seconds: Int64, field: String) throws(LineRejection) {
        if seconds < Self.earliest {
            throw .invalid(field, "is before 1970-01-01T00:00:00Z")
        }
        if seconds > latest {
            throw .invalid(
                field,
                "is more than \(Self.describe(maximumSkew)) in the future (the allowed clock skew)"
            )
        }
    }

    /// `86400` → `24 h`, `90` → `90 s`.
    static func describe(_ seconds: Int64) -> String {
        if seconds >= 3600 && seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
