extension QueryParser {
    /// `condition := conjunct (OR conjunct)*`.
    mutating func condition() throws(QueryError) -> QueryPredicate {
        var terms = [try conjunct()]
        while accept("or") { terms.append(try conjunct()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func conjunct() throws(QueryError) -> QueryPredicate {
        var terms = [try negation()]
        while accept("and") { terms.append(try negation()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func enter() throws(QueryError) {
        depth += 1
        guard depth <= QueryLimits.maximumDepth else {
            throw QueryError(
                .tooLarge,
                "conditions nest more than \(QueryLimits.maximumDepth) levels deep",
                at: current.position
            )
        }
    }

    private mutating func negation() throws(QueryError) -> QueryPredicate {
        try enter()
        defer { depth -= 1 }
        if accept("not") { return .not(try negation()) }
        if acceptSymbol("(") {
            let inner = try condition()
            try expectSymbol(")", "to close the parenthesis")
            return inner
        }
        if let literal = literalValue() {
            // `literal op field`, mirrored to `field op' literal`.
            let operatorPosition = current.position
            guard let op = comparisonOperator() else {
                throw QueryError(
                    .syntax,
                    "expected a comparison operator after a value, found \(current.display)",
                    at: operatorPosition
                )
            }
            let reference = try fieldReference()
            return .comparison(reference, op.mirrored, literal)
        }
        let reference = try fieldReference()
        let negated = accept("not")
        if accept("in") { return try inList(reference, negated: negated) }
        if accept("between") { return try between(reference, negated: negated) }
        if negated {
            throw QueryError(
                .syntax,
                "expected IN or BETWEEN after NOT, found \(current.display)",
                at: current.position
            )
        }
        let operatorPosition = current.position
        guard let op = comparisonOperator() else {
            throw QueryError(
                .syntax,
                "expected =, <>, <, <=, >, >=, IN or BETWEEN after '\(reference.name)', found \(current.display)",
                at: operatorPosition
            )
        }
        guard let value = literalValue() else {
            throw QueryError(
                .syntax,
                "compare '\(reference.name)' with a value ('text' or a number), not \(current.display); fields cannot be compared with fields",
                at: current.position
            )
        }
        return .comparison(reference, op, value)
    }

    /// `field [NOT] IN (literal, ...)`, after IN.
    private mutating func inList(_ reference: FieldReference, negated: Bool) throws(QueryError) -> QueryPredicate {
        try expectSymbol("(", "after IN")
        var values: [QueryLiteral] = []
        repeat {
            guard let value = literalValue() else {
                throw QueryError(
                    .syntax,
                    "IN lists hold values ('x' or numbers), found \(current.display)",
                    at: current.position
                )
            }
            values.append(value)
            if values.count > QueryLimits.maximumListLength {
                throw QueryError(
                    .tooLarge,
                    "an IN list holds at most \(QueryLimits.maximumListLength) values",
                    at: current.position
                )
            }
        } while acceptSymbol(",")
        try expectSymbol(")", "to close the IN list")
        return .inList(reference, values, negated: negated)
    }

    /// `field [NOT] BETWEEN literal AND literal`, after BETWEEN.
    private mutating func between(_ reference: FieldReference, negated: Bool) throws(QueryError) -> QueryPredicate {
        guard let low = literalValue() else {
            throw QueryError(.syntax, "BETWEEN takes a value, found \(current.display)", at: current.position)
        }
        try expect("and", "between the two bounds of BETWEEN")
        guard let high = literalValue() else {
            throw QueryError(
                .syntax,
                "BETWEEN takes a value after AND, found \(current.display)",
                at: current.position
            )
        }
        return .between(reference, low, high, negated: negated)
    }

    private mutating func fieldReference() throws(QueryError) -> FieldReference {
        let position = current.position
        guard case .word(let word) = current.kind, !Self.reserved.contains(word) else {
            throw QueryError(.syntax, "expected a field name in the condition, found \(current.display)", at: position)
        }
        advance()
        if current.isSymbol("(") {
            throw QueryError(
                .invalid,
                "functions are not allowed in WHERE; compare ts with a date, as in ts >= '2025-01-01'",
                at: position
            )
        }
        return FieldReference(name: word, field: QueryField.named(word), position: position)
    }

    private mutating func literalValue() -> QueryLiteral? {
        switch current.kind {
        case .string(let text):
            advance()
            return .string(text)
        case .integer(let value):
            advance()
            return .integer(value)
        default:
            return nil
        }
    }

    private mutating func comparisonOperator() -> ComparisonOperator? {
        guard case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol) else { return nil }
        advance()
        return op
    }
}
