import CordonStore

/// The event fields the query language knows: an allow-list, so a column name reaches
/// SQL only from this enum, never from the query text.
public enum QueryField: String, CaseIterable, Sendable, Codable, Comparable {
    case event, channel, campaign, device, country, region, ts, amount

    /// How each field may be used.
    public enum Kind: Sendable {
        /// Grouped and filtered with `=`, `<>`, `IN`.
        case dimension
        /// The event time: time buckets and comparisons.
        case time
        /// An integer measure: aggregated (clamped) and compared.
        case measure
    }

    public var kind: Kind {
        switch self {
        case .event, .channel, .campaign, .device, .country, .region: .dimension
        case .ts: .time
        case .amount: .measure
        }
    }

    /// The catalog field it stands for (`region` is the store itself, not a catalog field).
    var catalogName: String? {
        switch self {
        case .amount: "amountCents"
        case .region: nil
        default: rawValue
        }
    }

    /// The events-table column; `region` has none (it is constant within a region store).
    var column: SQLIdentifier? {
        switch self {
        case .event: "event"
        case .channel: "channel"
        case .campaign: "campaign"
        case .device: "device"
        case .country: "country"
        case .ts: "ts"
        case .amount: "amount_cents"
        case .region: nil
        }
    }

    /// Resolves a name written in a query; `amountCents` (the catalog's name) and `amount`
    /// are the same measure.
    static func named(_ name: String) -> QueryField? {
        if name == "amountcents" || name == "amount_cents" { return .amount }
        return QueryField(rawValue: name)
    }

    public static func < (lhs: QueryField, rhs: QueryField) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A time bucket over the event time, in UTC.
public enum TimeBucket: String, CaseIterable, Sendable, Codable {
    /// `day(ts)`: the calendar day, `2025-03-01`.
    case day
    /// `week(ts)`: the ISO 8601 week, labelled by its Monday, `2025-02-24`.
    case week
    /// `month(ts)`: the calendar month, `2025-03`.
    case month
}

/// Something an answer may be grouped by.
public enum QueryDimension: Hashable, Sendable, Comparable, CustomStringConvertible {
    case field(QueryField)
    case bucket(TimeBucket)

    public var description: String {
        switch self {
        case .field(let field): field.rawValue
        case .bucket(let bucket): "\(bucket.rawValue)(ts)"
        }
    }

    public static func < (lhs: QueryDimension, rhs: QueryDimension) -> Bool { lhs.description < rhs.description }
}
