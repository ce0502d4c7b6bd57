/// Checks a parsed query against the catalog and the engine's rules, and puts it in
/// canonical form.
///
/// Refused outright, with the reason: `SELECT *`, a raw identifier (`externalId`, `sid`,
/// `subject` as a dimension), any PII field, the raw event time as a dimension, a measure
/// as a dimension, MIN/MAX, and rows without aggregation — an analyst sees aggregates only
/// (DESIGN.md, Query engine; Article 29 WP Opinion 05/2014 on singling out).
public struct QueryValidator: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The dimensions an analyst may group by, for error messages.
    static let dimensionList = "country, region, channel, campaign, device, event, day(ts), week(ts) or month(ts)"

    /// Why a name that is not a query field is never answered, when it is a known kind of
    /// identifier or personal data; nil for a name Cordon simply does not know.
    static func refusal(forName name: String) -> String? {
        switch name {
        case "subject", "sid", "subject_id", "subjectid", "id", "user_id", "userid", "customer_id":
            return
                "'\(name)' is a raw identifier of a person; answers hold aggregates only — use COUNT(DISTINCT subject) to count subjects"
        case "externalid", "external_id", "external_index", "email_index":
            return
                "'\(name)' identifies a person (catalog role: identifier) and is never queryable; use COUNT(DISTINCT subject) to count subjects"
        case "email", "name", "phone", "address", "sealed_pii", "ip", "ip_address":
            return
                "'\(name)' is personal data (catalog role: pii), sealed under the subject's key and never queryable; group by \(dimensionList)"
        case "birthyear", "birth_year":
            return
                "'\(name)' is a subject attribute used for consent-age rules, not an event dimension; group by \(dimensionList)"
        default:
            return nil
        }
    }

    /// Validates and canonicalizes `statement`.
    public func validate(_ statement: QueryStatement) throws(QueryError) -> ValidatedQuery {
        guard let table = QueryTable(rawValue: statement.table) else {
            throw QueryError(
                .invalid,
                "unknown table '\(statement.table.prefix(40))'; the tables are events and subjects",
                at: statement.tablePosition
            )
        }
        let selection = try select(statement, from: table)
        let (dimensions, aggregates, shape, columns) = (
            selection.dimensions, selection.aggregates, selection.shape, selection.columns
        )
        try checkCombination(statement, selection)
        try checkGroupBy(statement, dimensions: dimensions, table: table)
        let filter = try statement.filter.map { (predicate) throws(QueryError) in try bind(predicate) }?.canonicalized
        if table == .subjects, let filter { try checkSubjectFilter(filter) }
        let computation: ValidatedQuery.Computation =
            shape.map { .shape($0) } ?? .aggregate(aggregates.sorted { $0.text < $1.text })
        let sortedDimensions = dimensions.sorted()
        let ordering = try ordering(statement, columns: columns, shape: shape)
        return ValidatedQuery(
            table: table,
            dimensions: sortedDimensions,
            computation: computation,
            filter: filter,
            columns: columns,
            ordering: ordering,
            limit: statement.limit,
            canonicalText: ValidatedQuery.canonical(
                table: table,
                dimensions: sortedDimensions,
                computation: computation,
                filter: filter
            )
        )
    }

    static func orderColumn(_ reference: String, in names: [String]) -> Int? {
        if let position = Int(reference) { return (1...names.count).contains(position) ? position - 1 : nil }
        return names.firstIndex(of: reference) ?? names.firstIndex { $0.lowercased() == reference.lowercased() }
    }

    func orderColumn(_ reference: String, in columns: [ValidatedQuery.OutputColumn]) -> Int? {
        if let position = Int(reference) { return (1...columns.count).contains(position) ? position - 1 : nil }
        if let index = columns.firstIndex(where: { $0.label == reference }) { return index }
        return columns.firstIndex { column in
            switch column.source {
            case .dimension(let dimension): dimension.description == reference
            case .aggregate(let aggregate): aggregate.text == reference
            case .shape: false
            }
        }
    }

    func refusal(_ name: String, at position: SourcePosition) -> QueryError {
        if let reason = Self.refusal(forName: name) { return QueryError(.refused, reason, at: position) }
        if let field = (catalog.subjectFields + catalog.eventFields).first(where: { $0.name.lowercased() == name }),
            field.role == .identifier || field.role == .pii
        {
            return QueryError(
                .refused,
                "'\(field.name)' is \(field.role == .pii ? "personal data" : "an identifier") and never queryable",
                at: position
            )
        }
        return QueryError(
            .invalid,
            "'\(name)' is not a field of events; select \(Self.dimensionList), or an aggregate",
            at: position
        )
    }

    func check(_ dimension: QueryDimension, at position: SourcePosition) throws(QueryError) {
        guard case .field(let field) = dimension else { return }
        switch field.kind {
        case .time:
            throw QueryError(
                .refused,
                "the raw event time singles out events; group by day(ts), week(ts) or month(ts)",
                at: position
            )
        case .measure:
            throw QueryError(
                .refused,
                "\(field.rawValue) is a measure: aggregate it with SUM(\(field.rawValue)) or AVG(\(field.rawValue)), do not group by it",
                at: position
            )
        case .dimension:
            try checkDeclared(field, at: position)
        }
    }

    /// The fields of `subjects`: where a person lives (the rest of a subject is personal
    /// data or an identifier, and the consent-age attribute is not asked about).
    static let subjectDimensions: [QueryField] = [.country, .region]

    func check(
        _ dimension: QueryDimension,
        in table: QueryTable,
        at position: SourcePosition
    ) throws(QueryError) {
        guard table == .subjects else { return }
        guard case .field(let field) = dimension, Self.subjectDimensions.contains(field) else {
            throw QueryError(
                .invalid,
                "subjects are grouped by country or region only; ask events for \(dimension)",
                at: position
            )
        }
    }

    /// A filter on `subjects` may test country and region only.
    private func checkSubjectFilter(_ predicate: QueryPredicate) throws(QueryError) {
        switch predicate {
        case .and(let terms), .or(let terms): for term in terms { try checkSubjectFilter(term) }
        case .not(let inner): try checkSubjectFilter(inner)
        case .comparison(let reference, _, _), .inList(let reference, _, _), .between(let reference, _, _, _):
            guard let field = reference.field, Self.subjectDimensions.contains(field) else {
                throw QueryError(
                    .invalid,
                    "a filter on subjects tests country or region only, not '\(reference.name)'; ask events for that",
                    at: reference.position
                )
            }
        }
    }

    private func checkDeclared(_ field: QueryField, at position: SourcePosition) throws(QueryError) {
        guard let name = field.catalogName else { return }
        // `country` is the subject's country of residence, copied onto each event at ingest.
        guard let declared = catalog.eventField(named: name) ?? catalog.subjectField(named: name),
            [.dimension, .measure, .timestamp].contains(declared.role)
        else {
            throw QueryError(
                .invalid,
                "the catalog does not declare '\(name)' as a queryable event field",
                at: position
            )
        }
    }

    func check(_ shape: QueryShape, at position: SourcePosition) throws(QueryError) {
        let events: [String]
        switch shape {
        case .funnel(let steps, _): events = steps
        case .attribution(_, let conversion, let field, _):
            try checkDeclared(field, at: position)
            events = [conversion]
        case .abTest(let field, _, _, let conversion, _):
            try checkDeclared(field, at: position)
            events = [conversion]
        }
        let declared = catalog.eventField(named: "event")?.values ?? []
        if let unknown = events.first(where: { !declared.contains($0) }) {
            throw QueryError(
                .invalid,
                "'\(unknown.prefix(40))' is not an event type; events are \(declared.joined(separator: ", "))",
                at: position
            )
        }
    }
}
