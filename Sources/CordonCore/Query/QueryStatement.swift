/// A parsed query: what the analyst asked, before it is checked against the catalog.
///
/// Names are lowercase and literals are values; positions are kept so validation errors
/// can point at the token that caused them.
public struct QueryStatement: Sendable, Equatable {
    /// The SELECT list, in order.
    public var items: [SelectItem]
    /// `FROM` table name as written (only `events` is answered).
    public var table: String
    public var tablePosition: SourcePosition
    /// The WHERE clause, if any.
    public var filter: QueryPredicate?
    /// GROUP BY dimensions, in order written.
    public var groupBy: [Positioned<QueryDimension>]
    /// ORDER BY keys: an output column (by alias, expression text or 1-based position).
    public var orderBy: [OrderKey]
    /// LIMIT, if any.
    public var limit: Int?

    /// One ORDER BY key.
    public struct OrderKey: Sendable, Equatable {
        /// The alias or canonical expression text, or the 1-based position as text.
        public var reference: String
        public var descending: Bool
        public var position: SourcePosition
    }
}

/// A value together with where it was written.
public struct Positioned<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var position: SourcePosition
}

/// One item of the SELECT list.
public struct SelectItem: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `*`: always refused.
        case star
        /// A bare name that is not a query field (`externalId`, `sid`, `email`...); kept so
        /// validation can refuse it with the catalog's reason.
        case name(String)
        /// A dimension to group by.
        case dimension(QueryDimension)
        /// An aggregate.
        case aggregate(QueryAggregate)
        /// A marketing shape (FUNNEL, ATTRIBUTION, AB).
        case shape(QueryShape)
    }

    public var kind: Kind
    public var alias: String?
    public var position: SourcePosition
}

/// An aggregate over the events of each group.
public enum QueryAggregate: Hashable, Sendable {
    /// `COUNT(*)`: events.
    case countRows
    /// `COUNT(DISTINCT subject)`: subjects.
    case countSubjects
    /// `SUM(x)` over a measure, each value clamped to the catalog's bounds.
    case sum(QueryField)
    /// `AVG(x)`: a noisy sum over a noisy count.
    case average(QueryField)
    /// An aggregate over a name that is not a measure (`SUM(email)`), refused in validation.
    case invalid(function: String, argument: String)

    /// Canonical text, as normalized queries and answer columns show it.
    public var text: String {
        switch self {
        case .countRows: "COUNT(*)"
        case .countSubjects: "COUNT(DISTINCT subject)"
        case .sum(let field): "SUM(\(field.rawValue))"
        case .average(let field): "AVG(\(field.rawValue))"
        case .invalid(let function, let argument): "\(function.uppercased())(\(argument))"
        }
    }
}

/// The marketing question shapes beyond GROUP BY.
public enum QueryShape: Hashable, Sendable {
    /// `FUNNEL('a','b','c') WITHIN INTERVAL 'n days'`: subjects reaching each step, in
    /// order, within the window after the first step.
    case funnel(steps: [String], windowSeconds: Int64)
    /// `ATTRIBUTION(model) OF 'conversion' BY field WITHIN INTERVAL 'n days'`: conversions
    /// credited to the touches before them.
    case attribution(model: AttributionModel, conversion: String, by: QueryField, windowSeconds: Int64)
    /// `AB(field, 'a', 'b') CONVERTS 'conversion' WITHIN INTERVAL 'n days'`: conversion
    /// rate of subjects first exposed to variant a versus variant b.
    case abTest(field: QueryField, variantA: String, variantB: String, conversion: String, windowSeconds: Int64)

    /// Canonical text.
    public var text: String {
        switch self {
        case .funnel(let steps, let window):
            "FUNNEL(\(steps.map(QueryLiteral.quote).joined(separator: ", "))) WITHIN INTERVAL '\(window / 86_400) days'"
        case .attribution(let model, let conversion, let field, let window):
            "ATTRIBUTION(\(model.rawValue)) OF \(QueryLiteral.quote(conversion)) BY \(field.rawValue) WITHIN INTERVAL '\(window / 86_400) days'"
        case .abTest(let field, let a, let b, let conversion, let window):
            "AB(\(field.rawValue), \(QueryLiteral.quote(a)), \(QueryLiteral.quote(b))) CONVERTS \(QueryLiteral.quote(conversion)) WITHIN INTERVAL '\(window / 86_400) days'"
        }
    }
}

/// How conversions are credited to touches.
public enum AttributionModel: String, CaseIterable, Sendable, Codable {
    /// All credit to the earliest touch in the window.
    case firstTouch = "first_touch"
    /// All credit to the latest touch before the conversion.
    case lastTouch = "last_touch"
    /// Credit split equally over every touch in the window.
    case linear
}
