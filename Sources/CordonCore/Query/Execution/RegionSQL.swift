import CordonStore

/// Compiles the parts of a validated query into parameterized SQL for one region store.
///
/// Every literal becomes a bound `?`; column names come only from ``QueryField/column``
/// (an allow-list enum) and operators from ``ComparisonOperator`` cases, so no query text
/// is ever spliced into SQL.
///
/// Every event a query reads passes ``condition(_:event:)``: collected for a purpose
/// compatible with the query's (purpose limitation), within retention, and matching the
/// analyst's filter. ``Vault/regionSQL(for:purpose:now:)`` is the one place one is made.
struct RegionSQL {
    let region: RegionID
    /// The collection purposes whose events the query may count (catalog compatibility);
    /// empty reads no event at all.
    let collectionPurposes: [Purpose]
    /// Retention cutoffs for purchase-like and other events (nil: no period).
    let purchaseCutoff: Int64?
    let browsingCutoff: Int64?
    /// The table alias columns are qualified with (nil: unqualified), for self-joins.
    var alias: SQLIdentifier? = nil

    /// The same compiler with every column qualified by `alias`.
    func qualified(by alias: SQLIdentifier) -> RegionSQL {
        var copy = self
        copy.alias = alias
        return copy
    }

    /// A column, qualified when this compiler has an alias.
    func column(_ name: SQLIdentifier) -> SQL {
        guard let alias else { return "\(identifier: name)" }
        return "\(identifier: alias).\(identifier: name)"
    }

    /// Rows within retention: a purchase or refund by the purchase-history period, any
    /// other event by the browsing period (``RetentionRules``).
    var retention: SQL {
        let purchases = RetentionRules.purchaseEvents
        let (event, ts) = (column("event"), column("ts"))
        return
            "(CASE WHEN \(literal: event) IN (\(values: purchases)) THEN \(literal: ts) >= \(purchaseCutoff ?? Int64.min) ELSE \(literal: ts) >= \(browsingCutoff ?? Int64.min) END)"
    }

    /// Retention for rows known to be of one event type: the CASE folded to its branch.
    func retention(ofEvent event: String) -> SQL {
        let cutoff = RetentionRules.purchaseEvents.contains(event) ? purchaseCutoff : browsingCutoff
        return column("ts") + " >= \(cutoff ?? Int64.min)"
    }

    /// Rows collected for a compatible purpose (GDPR Art. 5(1)(b) and 6(4)).
    var compatiblePurpose: SQL {
        guard !collectionPurposes.isEmpty else { return "0" }
        let purposes: [any DatabaseValueConvertible] = collectionPurposes.map(\.rawValue)
        return column("purpose") + " IN (\(values: purposes))"
    }

    /// The WHERE condition of every event read: a compatible collection purpose, retention
    /// (folded when every row is of `event`), then the analyst's filter (region comparisons
    /// fold to constants here).
    func condition(_ filter: QueryPredicate?, event: String? = nil) -> SQL {
        let retention = event.map(retention(ofEvent:)) ?? retention
        let kept = compatiblePurpose + " AND " + retention
        guard let filter else { return kept }
        return kept + " AND (" + compile(filter) + ")"
    }

    func compile(_ predicate: QueryPredicate) -> SQL {
        switch predicate {
        case .and(let terms): return "(" + terms.map(compile).joined(separator: " AND ") + ")"
        case .or(let terms): return "(" + terms.map(compile).joined(separator: " OR ") + ")"
        case .not(let inner): return "NOT (" + compile(inner) + ")"
        case .comparison(let reference, let op, let value):
            guard let field = reference.field, let name = field.column else {
                return constant(reference, op == .equal ? [value] : [], negated: op != .equal)
            }
            let bound = value.databaseValue
            switch op {
            case .equal: return column(name) + " = \(bound)"
            case .notEqual: return column(name) + " <> \(bound)"
            case .less: return column(name) + " < \(bound)"
            case .lessOrEqual: return column(name) + " <= \(bound)"
            case .greater: return column(name) + " > \(bound)"
            case .greaterOrEqual: return column(name) + " >= \(bound)"
            }
        case .inList(let reference, let values, let negated):
            guard let name = reference.field?.column else { return constant(reference, values, negated: negated) }
            let bound: [any DatabaseValueConvertible] = values.map(\.databaseValue)
            return column(name) + (negated ? " NOT IN (\(values: bound))" : " IN (\(values: bound))")
        case .between(let reference, let low, let high, let negated):
            guard let name = reference.field?.column else { return "0" }
            return column(name)
                + (negated
                    ? " NOT BETWEEN \(low.databaseValue) AND \(high.databaseValue)"
                    : " BETWEEN \(low.databaseValue) AND \(high.databaseValue)")
        }
    }

    /// `region` is constant within a store: its comparisons become 1 or 0.
    private func constant(_ reference: FieldReference, _ values: [QueryLiteral], negated: Bool) -> SQL {
        let matches = values.contains(.string(region.rawValue))
        return matches != negated ? "1" : "0"
    }

    /// The SQL expression of a dimension (nil for `region`, which Swift adds).
    static func expression(_ dimension: QueryDimension) -> SQL? {
        switch dimension {
        case .field(let field):
            guard let column = field.column else { return nil }
            return "\(identifier: column)"
        case .bucket(.day): return "ts / 86400"
        case .bucket(.week): return "(ts / 86400 + 3) / 7"
        case .bucket(.month): return "CAST(strftime('%Y%m', ts, 'unixepoch') AS INTEGER)"
        }
    }

    /// The group key of a result row: one label per query dimension, reading the SQL
    /// dimension columns in order from `firstColumn` (dimensions with no SQL expression,
    /// such as `region`, are labelled without a column).
    static func groupKey(
        _ dimensions: [QueryDimension],
        row: some RowReading,
        firstColumn: Int,
        region: RegionID
    ) -> [String] {
        var column = firstColumn
        return dimensions.map { dimension -> String in
            guard expression(dimension) != nil else { return label(dimension, .null, region: region) }
            defer { column += 1 }
            return label(dimension, row[column], region: region)
        }
    }

    /// The label of a dimension value read back from SQL.
    static func label(_ dimension: QueryDimension, _ value: DatabaseValue, region: RegionID) -> String {
        switch (dimension, value) {
        case (.field(.region), _): return region.rawValue
        case (.bucket(.day), .integer(let day)): return CivilTime.dayLabel(day)
        case (.bucket(.week), .integer(let week)): return CivilTime.dayLabel(week * 7 - 3)
        case (.bucket(.month), .integer(let yyyymm)):
            return CivilTime.monthLabel((yyyymm / 100) * 12 + yyyymm % 100 - 1)
        case (_, .text(let text)): return text
        case (_, .integer(let number)): return String(number)
        default: return "(none)"
        }
    }
}

extension QueryLiteral {
    var databaseValue: DatabaseValue {
        switch self {
        case .string(let text): .text(text)
        case .integer(let number): .integer(number)
        }
    }
}
