import Foundation

extension QueryValidator {
    /// What a SELECT list asks for, in the order it names it.
    struct Selection {
        var dimensions: [QueryDimension] = []
        var aggregates: [QueryAggregate] = []
        var shape: QueryShape?
        var columns: [ValidatedQuery.OutputColumn] = []
    }

    /// Checks every selected item against the table and the catalog.
    func select(_ statement: QueryStatement, from table: QueryTable) throws(QueryError) -> Selection {
        var selection = Selection()
        for item in statement.items {
            switch item.kind {
            case .star:
                throw QueryError(
                    .refused,
                    "SELECT * would return rows; select dimensions and aggregates, e.g. SELECT channel, COUNT(*) FROM events GROUP BY channel",
                    at: item.position
                )
            case .name(let name):
                throw refusal(name, at: item.position)
            case .dimension(let dimension):
                try check(dimension, at: item.position)
                try check(dimension, in: table, at: item.position)
                if !selection.dimensions.contains(dimension) { selection.dimensions.append(dimension) }
                let label = item.alias ?? dimension.description
                selection.columns.append(.init(label: label, source: .dimension(dimension)))
            case .aggregate(let aggregate):
                let counted = try counted(aggregate, in: table, at: item.position)
                if !selection.aggregates.contains(counted) { selection.aggregates.append(counted) }
                selection.columns.append(.init(label: item.alias ?? aggregate.text, source: .aggregate(counted)))
            case .shape(let itemShape):
                guard table == .events else {
                    throw QueryError(
                        .invalid,
                        "FUNNEL, ATTRIBUTION and AB follow journeys of events; write FROM events",
                        at: item.position
                    )
                }
                guard selection.shape == nil else {
                    throw QueryError(.invalid, "one FUNNEL, ATTRIBUTION or AB per query", at: item.position)
                }
                try check(itemShape, at: item.position)
                selection.shape = itemShape
                selection.columns.append(.init(label: item.alias ?? "result", source: .shape))
            }
        }
        return selection
    }

    /// The aggregate as it is computed on `table`; a misnamed measure is refused.
    private func counted(
        _ aggregate: QueryAggregate,
        in table: QueryTable,
        at position: SourcePosition
    ) throws(QueryError) -> QueryAggregate {
        if case .invalid(let function, let argument) = aggregate {
            if let reason = Self.refusal(forName: argument) {
                throw QueryError(.refused, reason, at: position)
            }
            throw QueryError(
                .invalid,
                "\(function.uppercased())(\(argument)): '\(argument)' is not a measure; \(function.uppercased()) takes amount",
                at: position
            )
        }
        // A subject is one row of `subjects`: COUNT(*) there counts subjects, and is
        // the same statistic (and the same canonical query) as COUNT(DISTINCT subject).
        let counted = table == .subjects && aggregate == .countRows ? QueryAggregate.countSubjects : aggregate
        if table == .subjects && counted != .countSubjects {
            throw QueryError(
                .invalid,
                "subjects has no measure; count people with COUNT(*) or COUNT(DISTINCT subject), or ask events for \(aggregate.text)",
                at: position
            )
        }
        return counted
    }

    /// A shape stands alone (a funnel may group); anything else needs an aggregate.
    func checkCombination(_ statement: QueryStatement, _ selection: Selection) throws(QueryError) {
        let (dimensions, aggregates) = (selection.dimensions, selection.aggregates)
        if let shape = selection.shape {
            guard aggregates.isEmpty else {
                throw QueryError(
                    .invalid,
                    "FUNNEL, ATTRIBUTION and AB compute their own counts; select them without other aggregates",
                    at: statement.items[0].position
                )
            }
            if case .funnel = shape {
            } else if !dimensions.isEmpty || !statement.groupBy.isEmpty {
                throw QueryError(
                    .invalid,
                    "ATTRIBUTION groups by its BY dimension and AB by its variants; remove the other dimensions and GROUP BY",
                    at: statement.items[0].position
                )
            }
        } else if aggregates.isEmpty {
            throw QueryError(
                .refused,
                "rows without aggregation are never returned; add COUNT(*), COUNT(DISTINCT subject), SUM(amount) or AVG(amount) and GROUP BY",
                at: statement.items[0].position
            )
        }
    }

    /// Every grouped dimension is selected, and every selected one grouped.
    func checkGroupBy(
        _ statement: QueryStatement,
        dimensions: [QueryDimension],
        table: QueryTable
    ) throws(QueryError) {
        for grouped in statement.groupBy {
            try check(grouped.value, at: grouped.position)
            try check(grouped.value, in: table, at: grouped.position)
            guard dimensions.contains(grouped.value) else {
                throw QueryError(
                    .invalid,
                    "GROUP BY \(grouped.value) is not selected; select every dimension you group by",
                    at: grouped.position
                )
            }
        }
        if !statement.groupBy.isEmpty,
            let missing = dimensions.first(where: { d in !statement.groupBy.contains { $0.value == d } })
        {
            let position = statement.items.first { $0.kind == .dimension(missing) }?.position
            throw QueryError(.invalid, "\(missing) is selected but not in GROUP BY; add it to GROUP BY", at: position)
        }
    }

    /// The ORDER BY keys as column indexes of the answer.
    func ordering(
        _ statement: QueryStatement,
        columns: [ValidatedQuery.OutputColumn],
        shape: QueryShape?
    ) throws(QueryError) -> [(column: Int, descending: Bool)] {
        var ordering: [(column: Int, descending: Bool)] = []
        // A shape's answer has its own columns (step, conversions, conversion_rate, ...).
        let shapeColumns = shape.map {
            ValidatedQuery.shapeColumns($0, dimensionLabels: ValidatedQuery.dimensionLabels(columns))
        }
        for key in statement.orderBy {
            let found =
                shapeColumns.map { names in Self.orderColumn(key.reference, in: names) }
                ?? orderColumn(key.reference, in: columns)
            guard let column = found else {
                let choices =
                    shapeColumns.map { "one of \($0.joined(separator: ", ")), or a position (1-\($0.count))" }
                    ?? "a selected column, its alias, or its position (1-\(columns.count))"
                throw QueryError(
                    .invalid,
                    "ORDER BY \(key.reference.prefix(40)): order by \(choices)",
                    at: key.position
                )
            }
            ordering.append((column, key.descending))
        }
        return ordering
    }
}
