import CordonCore

/// How a deliberately invalid line is broken; each invalid line has exactly one defect.
///
/// The raw values name the rejection ingest is expected to report.
public enum DemoDataDefect: String, CaseIterable, Codable, Hashable, Sendable, Comparable {
    /// Not JSON: the line is cut short, as by a torn write.
    case malformedJSON = "malformed_json"
    /// A subject whose country no region takes (`XX`, `HK`, `JE`, `UK`, …).
    case unknownCountry = "unknown_country"
    /// A required field is missing (`externalId`, `country`, `ts`, `event`, `purpose`).
    case missingField = "missing_field"
    /// A field the catalog does not declare (`ssn`, `loyaltyTier`, `ip`, an email on an event).
    case undeclaredField = "undeclared_field"
    /// A number outside the catalog's bounds (a birth year, an amount above the maximum or
    /// a negative refund).
    case outOfRange = "out_of_range"
    /// A value outside its enumeration: an unknown event type, purpose or consent state.
    case unknownValue = "unknown_value"
    /// An event whose `externalId` belongs to no subject.
    case unknownSubject = "unknown_subject"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How often each defect breaks a subject line, relative to the others.
    static let subjectWeights: [(DemoDataDefect, UInt64)] = [
        (.malformedJSON, 20), (.unknownCountry, 30), (.missingField, 20), (.undeclaredField, 15),
        (.outOfRange, 8), (.unknownValue, 7),
    ]

    /// How often each defect breaks an event line, relative to the others.
    static let eventWeights: [(DemoDataDefect, UInt64)] = [
        (.malformedJSON, 20), (.missingField, 18), (.undeclaredField, 15), (.outOfRange, 20),
        (.unknownValue, 12), (.unknownSubject, 15),
    ]
}
