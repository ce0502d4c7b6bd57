import Foundation

/// How the control store keeps instants: whole seconds since 1970-01-01T00:00:00Z.
///
/// Sub-second parts are dropped (rounded down) before anything is stored or computed
/// from, so a value read back equals the value that was used.
enum UnixSeconds {
    /// `date` rounded down to the second, as stored.
    static func from(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The instant of a stored value.
    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `date` rounded down to the second.
    static func truncate(_ date: Date) -> Date {
        Self.date(from(date))
    }
}
