/// A query checked against the catalog and put in canonical form: what the engine runs.
///
/// Two queries that differ only in spelling — keyword case, whitespace, comments, aliases,
/// the order of SELECT items, GROUP BY keys, AND/OR operands or IN values, `x = 'a'` versus
/// `'a' = x`, `NOT x = 'a'` versus `x <> 'a'`, a date versus the same instant — have the same
/// ``canonicalText``, so the second is answered from the first's released answer without
/// spending budget (averaging by rewording gains nothing). ORDER BY, LIMIT and aliases
/// only present a released answer, so they are outside the canonical form as well.
public struct ValidatedQuery: Sendable, Equatable {
    /// What is computed per group.
    public enum Computation: Sendable, Equatable {
        /// GROUP BY with the distinct aggregates asked for, in canonical order.
        case aggregate([QueryAggregate])
        /// A marketing shape.
        case shape(QueryShape)
    }

    /// The table asked about.
    public var table: QueryTable
    /// Group-by dimensions in canonical (sorted) order.
    public var dimensions: [QueryDimension]
    public var computation: Computation
    /// The filter, canonical; `ts` literals are Unix seconds.
    public var filter: QueryPredicate?
    /// The SELECT list as the analyst wrote it: labels and what each column shows.
    public var columns: [OutputColumn]
    /// ORDER BY as indices into ``columns`` (for a shape, into ``shapeColumns(_:dimensionLabels:)``).
    public var ordering: [(column: Int, descending: Bool)]
    public var limit: Int?
    /// The canonical text of what is computed: the cache key and the audited query.
    public var canonicalText: String

    /// One column of the presented answer.
    public struct OutputColumn: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            case dimension(QueryDimension)
            case aggregate(QueryAggregate)
            case shape
        }

        public var label: String
        public var source: Source
    }

    public static func == (lhs: ValidatedQuery, rhs: ValidatedQuery) -> Bool {
        lhs.canonicalText == rhs.canonicalText && lhs.columns == rhs.columns && lhs.limit == rhs.limit
            && lhs.ordering.map(\.column) == rhs.ordering.map(\.column)
            && lhs.ordering.map(\.descending) == rhs.ordering.map(\.descending)
    }
}

extension ValidatedQuery {
    /// The columns a shape's answer has: the funnel's dimensions and steps, attribution's
    /// touch value with its credit, AB's variants with their rates.
    static func shapeColumns(_ shape: QueryShape, dimensionLabels: [String]) -> [String] {
        switch shape {
        case .funnel: dimensionLabels + ["step", "event", "subjects", "conversion_from_first"]
        case .attribution(_, _, let field, _): [field.rawValue, "conversions", "subjects"]
        case .abTest(let field, _, _, _, _): [field.rawValue, "exposed", "converted", "conversion_rate"]
        }
    }

    /// The labels of the selected dimensions, in SELECT order.
    var dimensionLabels: [String] { Self.dimensionLabels(columns) }

    static func dimensionLabels(_ columns: [OutputColumn]) -> [String] {
        columns.compactMap { column -> String? in
            if case .dimension = column.source { column.label } else { nil }
        }
    }
}

/// The tables an analyst may ask about.
public enum QueryTable: String, Sendable, Equatable {
    /// One row per event: every dimension, the measure and the marketing shapes.
    case events
    /// One row per lawful subject: counts of people by country or region.
    case subjects
}

extension ValidatedQuery {
    /// Builds the canonical text from the canonical parts.
    static func canonical(
        table: QueryTable,
        dimensions: [QueryDimension],
        computation: Computation,
        filter: QueryPredicate?
    ) -> String {
        var selected = dimensions.map(\.description)
        switch computation {
        case .aggregate(let aggregates): selected += aggregates.map(\.text)
        case .shape(let shape): selected.append(shape.text)
        }
        var text = "SELECT " + selected.joined(separator: ", ") + " FROM " + table.rawValue
        if let filter { text += " WHERE " + filter.canonicalText }
        if !dimensions.isEmpty { text += " GROUP BY " + dimensions.map(\.description).joined(separator: ", ") }
        return text
    }
}

extension QueryPredicate {
    /// Canonical text; `ts` values print as RFC 3339.
    var canonicalText: String {
        switch self {
        case .and(let terms): terms.map { $0.parenthesizedText(inside: "AND") }.joined(separator: " AND ")
        case .or(let terms): terms.map { $0.parenthesizedText(inside: "OR") }.joined(separator: " OR ")
        case .not(let inner): "NOT (" + inner.canonicalText + ")"
        case .comparison(let reference, let op, let value):
            "\(reference.name) \(op.rawValue) \(Self.text(value, reference))"
        case .inList(let reference, let values, let negated):
            "\(reference.name) \(negated ? "NOT IN" : "IN") (\(values.map { Self.text($0, reference) }.joined(separator: ", ")))"
        case .between(let reference, let low, let high, let negated):
            "\(reference.name) \(negated ? "NOT BETWEEN" : "BETWEEN") \(Self.text(low, reference)) AND \(Self.text(high, reference))"
        }
    }

    private func parenthesizedText(inside parent: String) -> String {
        switch self {
        case .and where parent == "OR", .or where parent == "AND": "(" + canonicalText + ")"
        default: canonicalText
        }
    }

    private static func text(_ value: QueryLiteral, _ reference: FieldReference) -> String {
        if reference.field == .ts, case .integer(let seconds) = value {
            return "'" + CivilTime.timestampLabel(seconds) + "'"
        }
        return value.text
    }

    /// The canonical form: nested AND/OR flattened, operands sorted and de-duplicated,
    /// negations pushed into comparisons, single-value IN lists written as `=`.
    var canonicalized: QueryPredicate {
        switch self {
        case .and(let terms): return Self.combine(terms.map(\.canonicalized), and: true)
        case .or(let terms): return Self.combine(terms.map(\.canonicalized), and: false)
        case .not(let inner):
            switch inner.canonicalized {
            case .not(let doubly): return doubly
            case .comparison(let reference, let op, let value): return .comparison(reference, op.negated, value)
            case .inList(let reference, let values, let negated): return .inList(reference, values, negated: !negated)
            case .between(let reference, let low, let high, let negated):
                return .between(reference, low, high, negated: !negated)
            case let other: return .not(other)
            }
        case .inList(let reference, let values, let negated):
            let sorted = Array(Set(values)).sorted()
            if sorted.count == 1 { return .comparison(reference, negated ? .notEqual : .equal, sorted[0]) }
            return .inList(reference, sorted, negated: negated)
        case .comparison, .between:
            return self
        }
    }

    /// `x = 'a' OR x = 'b' OR x IN ('c')` is `x IN ('a', 'b', 'c')`; under AND the same holds
    /// for `<>` and `NOT IN`.
    private static func mergeMembership(_ terms: [QueryPredicate], negated: Bool) -> [QueryPredicate] {
        var values: [String: (FieldReference, [QueryLiteral])] = [:]
        var rest: [QueryPredicate] = []
        for term in terms {
            switch term {
            case .comparison(let reference, let op, let value) where op == (negated ? .notEqual : .equal):
                values[reference.name, default: (reference, [])].1.append(value)
            case .inList(let reference, let list, let isNegated) where isNegated == negated:
                values[reference.name, default: (reference, [])].1 += list
            default:
                rest.append(term)
            }
        }
        for (reference, list) in values.values {
            rest.append(QueryPredicate.inList(reference, list, negated: negated).canonicalized)
        }
        return rest
    }

    private static func combine(_ terms: [QueryPredicate], and: Bool) -> QueryPredicate {
        var flat: [QueryPredicate] = []
        for term in terms {
            switch (term, and) {
            case (.and(let inner), true), (.or(let inner), false): flat += inner
            default: flat.append(term)
            }
        }
        flat = mergeMembership(flat, negated: and)
        var seen = Set<String>()
        let unique = flat.filter { seen.insert($0.canonicalText).inserted }.sorted {
            $0.canonicalText < $1.canonicalText
        }
        if unique.count == 1 { return unique[0] }
        return and ? .and(unique) : .or(unique)
    }
}
