import CordonSystem
public import Foundation

/// An instant with millisecond precision, written as RFC 3339 UTC: `2025-01-31T09:05:03.042Z`.
///
/// Entries hold time as an exact integer of milliseconds, so encoding never rounds. The
/// calendar arithmetic and both text forms are ``UTCTime``'s (CordonSystem).
public struct AuditTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSince1970: Int64

    /// The instant `millisecondsSince1970` ms after the Unix epoch.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// `date` truncated to the millisecond.
    public init(_ date: Date) {
        millisecondsSince1970 = UTCTime(date).millisecondsSince1970
    }

    /// The current time.
    public static func now() -> AuditTimestamp { AuditTimestamp(Date()) }

    /// The same instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.mmmZ` (the only form entries use), years 0000–9999.
    public init?(rfc3339 text: String) {
        guard let time = UTCTime(rfc3339Milliseconds: text) else { return nil }
        millisecondsSince1970 = time.millisecondsSince1970
    }

    /// RFC 3339 UTC with exactly three fractional digits.
    public var description: String { UTCTime(millisecondsSince1970: millisecondsSince1970).rfc3339Milliseconds }

    public static func < (lhs: AuditTimestamp, rhs: AuditTimestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = AuditTimestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 UTC millisecond time")
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
