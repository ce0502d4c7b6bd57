import Foundation

extension QueryValidator {
    /// Resolves every field of a WHERE clause and types its literals: dimensions take text
    /// with `=`, `<>`, `IN`; `ts` takes dates (`'2025-01-01'` or RFC 3339 UTC) with any
    /// comparison or BETWEEN, stored as Unix seconds; `amount` takes integers.
    func bind(_ predicate: QueryPredicate) throws(QueryError) -> QueryPredicate {
        switch predicate {
        case .and(let terms): return .and(try terms.map { (term) throws(QueryError) in try bind(term) })
        case .or(let terms): return .or(try terms.map { (term) throws(QueryError) in try bind(term) })
        case .not(let inner): return .not(try bind(inner))
        case .comparison(let reference, let op, let value):
            let field = try resolve(reference)
            if field.kind == .dimension && op != .equal && op != .notEqual {
                throw QueryError(
                    .invalid,
                    "\(field.rawValue) is compared with = , <> or IN; \(op.rawValue) applies to ts and amount",
                    at: reference.position
                )
            }
            return .comparison(reference, op, try typed(value, for: field, at: reference.position))
        case .inList(let reference, let values, let negated):
            let field = try resolve(reference)
            guard field.kind != .time else {
                throw QueryError(.invalid, "compare ts with <, >= or BETWEEN, not IN", at: reference.position)
            }
            return .inList(
                reference,
                try values.map { (value) throws(QueryError) in try typed(value, for: field, at: reference.position) },
                negated: negated
            )
        case .between(let reference, let low, let high, let negated):
            let field = try resolve(reference)
            guard field.kind != .dimension else {
                throw QueryError(
                    .invalid,
                    "BETWEEN applies to ts and amount; compare \(field.rawValue) with = or IN",
                    at: reference.position
                )
            }
            return .between(
                reference,
                try typed(low, for: field, at: reference.position),
                try typed(high, for: field, at: reference.position),
                negated: negated
            )
        }
    }

    private func resolve(_ reference: FieldReference) throws(QueryError) -> QueryField {
        guard let field = reference.field else {
            if let reason = Self.refusal(forName: reference.name) {
                throw QueryError(.refused, reason, at: reference.position)
            }
            throw QueryError(
                .invalid,
                "'\(reference.name)' is not a field of events; filter on \(Self.dimensionList.replacingOccurrences(of: ", day(ts), week(ts) or month(ts)", with: "")), ts or amount",
                at: reference.position
            )
        }
        return field
    }

    private func typed(
        _ value: QueryLiteral,
        for field: QueryField,
        at position: SourcePosition
    ) throws(QueryError) -> QueryLiteral {
        switch (field.kind, value) {
        case (.dimension, .string(let text)):
            // Countries are stored as upper-case ISO 3166 codes.
            return field == .country ? .string(text.uppercased()) : value
        case (.dimension, .integer):
            throw QueryError(
                .invalid,
                "\(field.rawValue) holds text; quote the value, as in \(field.rawValue) = 'x'",
                at: position
            )
        case (.time, .string(let text)):
            guard let seconds = CivilTime.parse(text) else {
                throw QueryError(
                    .invalid,
                    "ts is compared with a date 'YYYY-MM-DD' or an RFC 3339 instant at a whole second, such as '2025-01-31T08:00:00Z' or '2025-01-31T09:00:00+01:00'",
                    at: position
                )
            }
            return .integer(seconds)
        case (.time, .integer):
            throw QueryError(.invalid, "ts is compared with a quoted date, as in ts >= '2025-01-01'", at: position)
        case (.measure, .integer):
            return value
        case (.measure, .string):
            throw QueryError(
                .invalid,
                "\(field.rawValue) is a number (minor units); write it without quotes",
                at: position
            )
        }
    }
}
