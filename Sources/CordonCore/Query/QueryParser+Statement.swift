extension QueryParser {
    /// `query := SELECT item, ... FROM name [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n] [';']`.
    mutating func query() throws(QueryError) -> QueryStatement {
        let items = try selectList()
        try expect("from", "after the SELECT list (FROM events or FROM subjects)")
        let tablePosition = current.position
        let table = try name("a table name (events)")
        if acceptSymbol(".") {
            throw QueryError(
                .refused,
                "qualified table names are not allowed; the tables are events and subjects",
                at: tablePosition
            )
        }
        if current.isSymbol(",") || current.isWord("join") || current.isWord("inner") || current.isWord("left") {
            throw QueryError(.refused, "joins are not supported; query one table, events", at: current.position)
        }
        var filter: QueryPredicate?
        if accept("where") { filter = try condition() }
        let groupBy = try groupByClause()
        let orderBy = try orderByClause()
        let limit = try limitClause()
        _ = acceptSymbol(";")
        guard current.kind == .end else {
            throw QueryError(
                .syntax,
                "unexpected \(current.display) after the end of the query; one SELECT statement is allowed",
                at: current.position
            )
        }
        return QueryStatement(
            items: items,
            table: table,
            tablePosition: tablePosition,
            filter: filter,
            groupBy: groupBy,
            orderBy: orderBy,
            limit: limit
        )
    }

    /// `SELECT item, ...`; any other statement is refused.
    private mutating func selectList() throws(QueryError) -> [SelectItem] {
        guard accept("select") else {
            if case .word(let word) = current.kind,
                ["insert", "update", "delete", "drop", "create", "alter", "pragma", "attach", "with"].contains(word)
            {
                throw QueryError(
                    .refused,
                    "only SELECT queries are answered; '\(word.uppercased())' is never allowed",
                    at: current.position
                )
            }
            throw QueryError(.syntax, "a query starts with SELECT, found \(current.display)", at: current.position)
        }
        var items: [SelectItem] = []
        repeat {
            items.append(try selectItem())
            if items.count > QueryLimits.maximumSelectItems {
                throw QueryError(
                    .tooLarge,
                    "at most \(QueryLimits.maximumSelectItems) items may be selected",
                    at: current.position
                )
            }
        } while acceptSymbol(",")
        return items
    }

    /// `GROUP BY dimension, ...`, when present.
    private mutating func groupByClause() throws(QueryError) -> [Positioned<QueryDimension>] {
        var groupBy: [Positioned<QueryDimension>] = []
        if accept("group") {
            try expect("by", "after GROUP")
            repeat {
                let position = current.position
                let nameText = try name("a dimension to group by")
                guard let dimension = try dimension(named: nameText, at: position) else {
                    throw QueryError(.refused, refusalText(for: nameText, role: "group by"), at: position)
                }
                groupBy.append(Positioned(value: dimension, position: position))
            } while acceptSymbol(",") && groupBy.count <= QueryLimits.maximumSelectItems
        }
        return groupBy
    }

    /// `ORDER BY key, ...`, when present.
    private mutating func orderByClause() throws(QueryError) -> [QueryStatement.OrderKey] {
        var orderBy: [QueryStatement.OrderKey] = []
        if accept("order") {
            try expect("by", "after ORDER")
            repeat {
                orderBy.append(try orderKey())
            } while acceptSymbol(",") && orderBy.count <= QueryLimits.maximumSelectItems
        }
        return orderBy
    }

    /// `LIMIT n`, when present.
    private mutating func limitClause() throws(QueryError) -> Int? {
        var limit: Int?
        if accept("limit") {
            guard case .integer(let value) = current.kind, value >= 1, value <= QueryLimits.maximumLimit else {
                throw QueryError(
                    .syntax,
                    "LIMIT takes a whole number from 1 to \(QueryLimits.maximumLimit), found \(current.display)",
                    at: current.position
                )
            }
            limit = Int(value)
            advance()
        }
        return limit
    }
}
