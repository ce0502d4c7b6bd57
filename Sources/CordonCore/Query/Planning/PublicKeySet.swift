/// Group keys known before any data is read: the public key set of a query in a region
/// (decision 0014, "Public key sets").
///
/// A grouping dimension has a public domain when its values follow from the query text, the
/// catalog and the regions' configuration alone:
/// - `country`: the region's countries (the regions file is public), narrowed by a
///   `country IN (...)` or `country = ...` condition;
/// - `region`: the region itself;
/// - `event`: the catalog's enumerated values, narrowed by a condition on `event`;
/// - any other field: the values a top-level `IN (...)` or `=` condition lists;
/// - `day(ts)`, `week(ts)`, `month(ts)`: every bucket the query's `ts` range touches, when
///   the filter bounds `ts` from below; without an upper bound the range ends at the query's
///   time plus the clock skew ingest allows (``PlausibleTimes``), after which no event can be.
///
/// When every grouping dimension has one, a region releases a noisy value for every key of
/// the cross product — zero counts included — and no partition selection is needed: the
/// set of keys says nothing about the data (Tumult Analytics' `KeySet`, PipelineDP's public
/// partitions). The policy's minimum group size then applies to the merged count. A
/// value outside the set (a channel the list leaves out) is not counted; the filter that
/// names the set excludes such rows anyway.
struct PublicKeySet {
    /// Most keys a query may have for its keys to be public: beyond this the answer would be
    /// mostly noise around zero, and partition selection is the better tool.
    static let maximumKeys = 2_000

    /// The keys of `query` in `region`, in the order of its dimensions, or nil when some
    /// grouping dimension has no public domain (or the product exceeds ``maximumKeys``).
    static func keys(_ query: ValidatedQuery, region: Region, catalog: Catalog, now: Int64?) -> [[String]]? {
        switch query.computation {
        case .aggregate, .shape(.funnel): break
        case .shape(.attribution), .shape(.abTest): return nil
        }
        var conditions = Conditions(query.filter)
        if conditions.timeRange == nil, let low = conditions.timeFrom, let now {
            let end = now + PlausibleTimes.defaultMaximumSkew + 1
            if low < end { conditions.timeRange = low..<end }
        }
        var product: [[String]] = [[]]
        for dimension in query.dimensions {
            guard let values = domain(dimension, conditions: conditions, region: region, catalog: catalog),
                product.count * max(values.count, 1) <= maximumKeys
            else { return nil }
            product = product.flatMap { prefix in values.map { prefix + [$0] } }
        }
        return product
    }

    /// The public values of one dimension in `region`, sorted.
    private static func domain(
        _ dimension: QueryDimension,
        conditions: Conditions,
        region: Region,
        catalog: Catalog
    ) -> [String]? {
        switch dimension {
        case .field(.region):
            return conditions.narrow(.region, [region.id.rawValue])
        case .field(.country):
            return conditions.narrow(.country, region.countries.map(\.rawValue), uppercased: true)
        case .field(let field):
            if let name = field.catalogName, let values = catalog.eventField(named: name)?.values {
                return conditions.narrow(field, values)
            }
            return conditions.listed[field].map { $0.sorted() }
        case .bucket(let bucket):
            guard let range = conditions.timeRange else { return nil }
            return labels(bucket, range: range)
        }
    }

    /// Every label of `bucket` that a second in `range` (half-open, Unix seconds) falls into.
    static func labels(_ bucket: TimeBucket, range: Range<Int64>) -> [String]? {
        let first = CivilTime.floorDivide(range.lowerBound, 86_400)
        let last = CivilTime.floorDivide(range.upperBound - 1, 86_400)
        // A year of days at most: a longer range is not a dashboard's key set.
        guard last >= first, last - first < Int64(maximumKeys) else { return nil }
        var labels: [String] = []
        for day in first...last {
            let label: String
            switch bucket {
            case .day: label = CivilTime.dayLabel(day)
            case .week: label = CivilTime.dayLabel(CivilTime.floorDivide(day + 3, 7) * 7 - 3)
            case .month:
                let (year, month, _) = CivilTime.date(days: day)
                label = CivilTime.monthLabel(year * 12 + month - 1)
            }
            if labels.last != label { labels.append(label) }
        }
        return labels
    }

    /// What the filter's top-level conjunction says about single fields.
    struct Conditions {
        /// Values a field is restricted to (`IN` or `=`), intersected over every such term.
        var listed: [QueryField: Set<String>] = [:]
        /// The `ts` range, half-open, when bounded on both sides.
        var timeRange: Range<Int64>?
        /// The lower bound of `ts`, when there is one.
        var timeFrom: Int64?

        init(_ filter: QueryPredicate?) {
            let terms: [QueryPredicate] =
                switch filter {
                case .and(let terms): terms
                case .some(let term): [term]
                case .none: []
                }
            var low: Int64?
            var high: Int64?
            for term in terms {
                switch term {
                case .comparison(let reference, .equal, .string(let value)):
                    restrict(reference.field, to: [value])
                case .inList(let reference, let values, negated: false):
                    restrict(reference.field, to: values.compactMap { if case .string(let s) = $0 { s } else { nil } })
                case .comparison(let reference, let op, .integer(let seconds)) where reference.field == .ts:
                    switch op {
                    case .greaterOrEqual: low = max(low ?? .min, seconds)
                    case .greater: low = max(low ?? .min, seconds &+ 1)
                    case .lessOrEqual: high = min(high ?? .max, seconds &+ 1)
                    case .less: high = min(high ?? .max, seconds)
                    case .equal:
                        low = max(low ?? .min, seconds)
                        high = min(high ?? .max, seconds &+ 1)
                    case .notEqual: break
                    }
                case .between(let reference, .integer(let from), .integer(let to), negated: false)
                where reference.field == .ts:
                    low = max(low ?? .min, from)
                    high = min(high ?? .max, to &+ 1)
                default:
                    break
                }
            }
            timeFrom = low
            if let low, let high, low < high { timeRange = low..<high }
        }

        private mutating func restrict(_ field: QueryField?, to values: [String]) {
            guard let field else { return }
            let set = Set(values)
            listed[field] = listed[field].map { $0.intersection(set) } ?? set
        }

        /// `values` narrowed by the listed ones for `field`, sorted.
        func narrow(_ field: QueryField, _ values: [String], uppercased: Bool = false) -> [String] {
            guard let list = listed[field] else { return values.sorted() }
            let allowed = uppercased ? Set(list.map { $0.uppercased() }) : list
            return values.filter { allowed.contains($0) }.sorted()
        }
    }
}
