import Foundation

/// A literal value written in a query.
public enum QueryLiteral: Hashable, Sendable, Comparable {
    case string(String)
    case integer(Int64)

    /// Canonical text: strings single-quoted with `''` escapes.
    public var text: String {
        switch self {
        case .string(let value): Self.quote(value)
        case .integer(let value): String(value)
        }
    }

    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    public static func < (lhs: QueryLiteral, rhs: QueryLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): a < b
        case (.string(let a), .string(let b)): a < b
        case (.integer, .string): true
        case (.string, .integer): false
        }
    }
}

/// A comparison operator.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator with its operands swapped (`5 < x` is `x > 5`).
    var mirrored: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }

    /// The negated operator (`NOT x < 5` is `x >= 5`).
    var negated: ComparisonOperator {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterOrEqual
        case .lessOrEqual: .greater
        case .greater: .lessOrEqual
        case .greaterOrEqual: .less
        }
    }
}

/// A WHERE condition over event fields.
public indirect enum QueryPredicate: Hashable, Sendable {
    case and([QueryPredicate])
    case or([QueryPredicate])
    case not(QueryPredicate)
    /// `field op literal`; a name that is not a query field is kept for validation to refuse.
    case comparison(FieldReference, ComparisonOperator, QueryLiteral)
    /// `field [NOT] IN (values)`.
    case inList(FieldReference, [QueryLiteral], negated: Bool)
    /// `field [NOT] BETWEEN low AND high` (inclusive).
    case between(FieldReference, QueryLiteral, QueryLiteral, negated: Bool)
}

/// A field named in a WHERE clause, with its position; `field` is nil when the name is
/// not a query field.
public struct FieldReference: Hashable, Sendable {
    public var name: String
    public var field: QueryField?
    public var position: SourcePosition

    public static func == (lhs: FieldReference, rhs: FieldReference) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
