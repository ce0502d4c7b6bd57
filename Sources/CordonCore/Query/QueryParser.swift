/// A recursive-descent parser for Cordon's query dialect.
///
/// ```
/// query     := SELECT item (',' item)* FROM name [WHERE condition]
///              [GROUP BY dimension (',' dimension)*] [ORDER BY key (',' key)*] [LIMIT n] [';']
/// item      := dimension [AS name] | aggregate [AS name] | shape [AS name]
/// dimension := field | day(ts) | week(ts) | month(ts)
/// aggregate := COUNT(*) | COUNT(DISTINCT subject) | SUM(measure) | AVG(measure)
/// shape     := FUNNEL('step', 'step', ...) WITHIN INTERVAL 'n days'
///            | ATTRIBUTION(first_touch|last_touch|linear) OF 'event' BY field WITHIN INTERVAL 'n days'
///            | AB(field, 'variant-a', 'variant-b') CONVERTS 'event' WITHIN INTERVAL 'n days'
/// condition := conjunct (OR conjunct)*      conjunct := negation (AND negation)*
/// negation  := NOT negation | '(' condition ')' | field op literal | literal op field
///            | field [NOT] IN (literal, ...) | field [NOT] BETWEEN literal AND literal
/// key       := (name | aggregate | dimension | n) [ASC|DESC]
/// ```
///
/// Nesting depth, token count and length are bounded (``QueryLimits``), so no input can
/// exhaust the stack; every error carries the line and column of the offending token.
public struct QueryParser {
    var tokens: [QueryToken]
    var index = 0
    var depth = 0

    /// Parses `text` into a statement.
    public static func parse(_ text: String) throws(QueryError) -> QueryStatement {
        var parser = QueryParser(tokens: try QueryLexer.tokenize(text))
        return try parser.query()
    }

    private init(tokens: [QueryToken]) {
        self.tokens = tokens
    }

    // MARK: Token helpers

    var current: QueryToken { tokens[index] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    /// Consumes the keyword `word` if it is next.
    mutating func accept(_ word: String) -> Bool {
        guard current.isWord(word) else { return false }
        advance()
        return true
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expect(_ word: String, _ context: String) throws(QueryError) {
        guard accept(word) else {
            throw QueryError(
                .syntax,
                "expected \(word.uppercased()) \(context), found \(current.display)",
                at: current.position
            )
        }
    }

    mutating func expectSymbol(_ symbol: String, _ context: String) throws(QueryError) {
        guard acceptSymbol(symbol) else {
            throw QueryError(.syntax, "expected '\(symbol)' \(context), found \(current.display)", at: current.position)
        }
    }

    mutating func name(_ context: String) throws(QueryError) -> String {
        guard case .word(let word) = current.kind else {
            throw QueryError(.syntax, "expected \(context), found \(current.display)", at: current.position)
        }
        advance()
        return word
    }

    mutating func stringLiteral(_ context: String) throws(QueryError) -> String {
        guard case .string(let text) = current.kind else {
            throw QueryError(
                .syntax,
                "expected \(context) as a quoted string, found \(current.display)",
                at: current.position
            )
        }
        advance()
        return text
    }

    static let reserved: Set<String> = [
        "select", "from", "where", "group", "by", "order", "limit", "and", "or", "not", "in", "between", "as", "asc",
        "desc",
        "distinct", "within", "interval", "of", "converts",
    ]

    /// Parses `field` or `bucket(ts)` when `nameText` was just consumed; nil when the name is
    /// not a query field (the caller refuses it).
    mutating func dimension(named nameText: String, at position: SourcePosition) throws(QueryError) -> QueryDimension? {
        if let bucket = TimeBucket(rawValue: nameText), current.isSymbol("(") {
            advance()
            let argumentPosition = current.position
            let argument = try name("ts inside \(nameText)(...)")
            guard argument == "ts" else {
                throw QueryError(
                    .invalid,
                    "\(nameText)(...) buckets the event time; write \(nameText)(ts)",
                    at: argumentPosition
                )
            }
            try expectSymbol(")", "to close \(nameText)(ts")
            return .bucket(bucket)
        }
        guard let field = QueryField.named(nameText) else { return nil }
        return .field(field)
    }

    mutating func selectItem() throws(QueryError) -> SelectItem {
        let position = current.position
        var kind: SelectItem.Kind
        if acceptSymbol("*") {
            kind = .star
        } else {
            let word = try name("a dimension, an aggregate (COUNT, SUM, AVG) or FUNNEL/ATTRIBUTION/AB")
            switch word {
            case "count", "sum", "avg", "min", "max":
                kind = .aggregate(try aggregate(word, at: position))
            case "funnel", "attribution", "ab":
                kind = .shape(try shape(word, at: position))
            default:
                if let dimension = try dimension(named: word, at: position) {
                    kind = .dimension(dimension)
                } else if current.isSymbol("(") {
                    throw QueryError(
                        .invalid,
                        "unknown function '\(word)'; functions are COUNT, SUM, AVG, day, week, month, FUNNEL, ATTRIBUTION and AB",
                        at: position
                    )
                } else {
                    kind = .name(word)
                }
            }
        }
        var alias: String?
        if accept("as") {
            let aliasPosition = current.position
            let text = try name("an alias after AS")
            guard !Self.reserved.contains(text) else {
                throw QueryError(.syntax, "'\(text)' is a keyword and cannot be an alias", at: aliasPosition)
            }
            alias = text
        }
        return SelectItem(kind: kind, alias: alias, position: position)
    }

    mutating func aggregate(_ function: String, at position: SourcePosition) throws(QueryError) -> QueryAggregate {
        guard function != "min" && function != "max" else {
            throw QueryError(
                .refused,
                "\(function.uppercased()) reveals one subject's value and is not answered; use COUNT, SUM or AVG",
                at: position
            )
        }
        try expectSymbol("(", "after \(function.uppercased())")
        defer { _ = acceptSymbol(")") }
        if function == "count" {
            if acceptSymbol("*") {
                try closeParenthesis(function)
                return .countRows
            }
            if accept("distinct") {
                let argumentPosition = current.position
                let argument = try name("subject after COUNT(DISTINCT")
                guard argument == "subject" else {
                    throw QueryError(
                        .invalid,
                        "COUNT(DISTINCT ...) counts subjects only; write COUNT(DISTINCT subject)",
                        at: argumentPosition
                    )
                }
                try closeParenthesis(function)
                return .countSubjects
            }
            throw QueryError(
                .syntax,
                "write COUNT(*) for events or COUNT(DISTINCT subject) for subjects",
                at: current.position
            )
        }
        let argumentPosition = current.position
        let argument = try name("a measure (amount) inside \(function.uppercased())(...)")
        try closeParenthesis(function)
        guard let field = QueryField.named(argument), field.kind == .measure else {
            _ = argumentPosition
            return .invalid(function: function, argument: argument)
        }
        return function == "sum" ? .sum(field) : .average(field)
    }

    private mutating func closeParenthesis(_ function: String) throws(QueryError) {
        guard current.isSymbol(")") else {
            throw QueryError(
                .syntax,
                "expected ')' to close \(function.uppercased())(, found \(current.display)",
                at: current.position
            )
        }
    }

    mutating func orderKey() throws(QueryError) -> QueryStatement.OrderKey {
        let position = current.position
        var reference: String
        if case .integer(let value) = current.kind {
            advance()
            reference = String(value)
        } else {
            let word = try name("an output column to order by")
            switch word {
            case "count", "sum", "avg":
                reference = try aggregate(word, at: position).text
            default:
                if let dimension = try dimension(named: word, at: position) {
                    reference = dimension.description
                } else {
                    reference = word
                }
            }
        }
        var descending = false
        if accept("desc") { descending = true } else { _ = accept("asc") }
        return QueryStatement.OrderKey(reference: reference, descending: descending, position: position)
    }

    /// The reason a name is never a dimension, from the catalog's roles.
    func refusalText(for name: String, role: String) -> String {
        QueryValidator.refusal(forName: name)
            ?? "'\(name)' is not a field of events; you may \(role) \(QueryValidator.dimensionList)"
    }
}
