extension Catalog {
    /// How much one person contributes to a query by default (`queryBounds` in
    /// `regions/catalog.json`), before a query asks for other bounds within its policy's limits.
    ///
    /// A dimension in ``subjectLevel`` is an attribute of the person (country of residence,
    /// region): each person falls in one of its groups, so it does not multiply the groups a
    /// person reaches. Every other dimension is event-level and multiplies them by its
    /// ``groupsPerSubject`` bound (the policy's `maxGroupsPerSubject` when the catalog names
    /// none). The bounds are defaults for utility only: the engine enforces the bound a query
    /// plans with (keyed-hash choice of groups, capped rows, clamped amounts) whatever the data
    /// hold, so a wrong default costs accuracy, never privacy.
    public struct QueryBounds: Hashable, Sendable {
        /// Dimensions (as written in queries: `country`, `day(ts)`) that are attributes of the person.
        public var subjectLevel: Set<String>
        /// Groups of an event-level dimension one person reaches by default.
        public var groupsPerSubject: [String: Int]
        /// Rows one person adds to one group by default, per computation: `events`
        /// (COUNT(*), SUM, AVG) and `attribution` (conversions).
        public var rowsPerGroup: [String: Int]
        /// The most one person's values of a measure add to one group (their sum is clamped to
        /// it), by measure field name; without it, rows per group × the field's bound.
        public var measurePerGroup: [String: Int]
        /// Why these bounds, for DPOs.
        public var source: String

        /// No defaults: every dimension is event-level at the policy's limit.
        public static let policyLimits = QueryBounds(
            subjectLevel: [],
            groupsPerSubject: [:],
            rowsPerGroup: [:],
            measurePerGroup: [:],
            source: ""
        )

        /// Creates bounds.
        public init(
            subjectLevel: Set<String>,
            groupsPerSubject: [String: Int],
            rowsPerGroup: [String: Int],
            measurePerGroup: [String: Int],
            source: String
        ) {
            self.subjectLevel = subjectLevel
            self.groupsPerSubject = groupsPerSubject
            self.rowsPerGroup = rowsPerGroup
            self.measurePerGroup = measurePerGroup
            self.source = source
        }

        /// The names a bound may be given for: every groupable dimension.
        static var dimensionNames: [String] {
            QueryField.allCases.filter { $0.kind == .dimension }.map(\.rawValue)
                + TimeBucket.allCases.map { "\($0.rawValue)(ts)" }
        }

        /// The computations a rows bound may be given for.
        static let rowComputations = ["events", "attribution"]

        /// The largest bound the catalog may state (a policy's limit caps it further).
        static let largestBound = 10_000
    }

    static func readQueryBounds(_ reader: JSONReader, measures: [String]) -> QueryBounds? {
        guard
            let object = reader.object(
                required: ["subjectLevel", "groupsPerSubject", "rowsPerGroup", "source"],
                optional: ["measurePerGroup"]
            )
        else { return nil }
        var valid = true
        let known = Set(QueryBounds.dimensionNames)
        var subjectLevel: Set<String> = []
        if let list = object.required("subjectLevel"), let elements = list.array() {
            for element in elements {
                guard let name = element.string() else {
                    valid = false
                    continue
                }
                if !known.contains(name) {
                    element.report(
                        "'\(name)' is not a query dimension; expected one of: \(known.sorted().joined(separator: ", "))"
                    )
                    valid = false
                }
                subjectLevel.insert(name)
            }
        } else {
            valid = false
        }
        let groups = readBoundMap(object.required("groupsPerSubject"), allowed: QueryBounds.dimensionNames)
        let rows = readBoundMap(object.required("rowsPerGroup"), allowed: QueryBounds.rowComputations)
        var measurePerGroup: [String: Int]? = [:]
        if let reader = object.optional("measurePerGroup") {
            measurePerGroup = readBoundMap(reader, allowed: measures, largest: Int(Int32.max))
        }
        if let groups, let reader = object.optional("groupsPerSubject") {
            for name in groups.keys.sorted() where subjectLevel.contains(name) {
                reader.report(
                    "'\(name)' is subject-level: a person is in one of its groups, so it takes no groupsPerSubject bound"
                )
                valid = false
            }
        }
        let source = object.required("source")?.string()
        guard valid, let groups, let rows, let measurePerGroup, let source else { return nil }
        return QueryBounds(
            subjectLevel: subjectLevel,
            groupsPerSubject: groups,
            rowsPerGroup: rows,
            measurePerGroup: measurePerGroup,
            source: source
        )
    }

    private static func readBoundMap(
        _ reader: JSONReader?,
        allowed: [String],
        largest: Int = QueryBounds.largestBound
    ) -> [String: Int]? {
        guard let reader, let members = reader.members() else { return nil }
        var result: [String: Int] = [:]
        var valid = true
        for (name, member) in members {
            guard allowed.contains(name) else {
                member.report("'\(name)' takes no bound; expected one of: \(allowed.joined(separator: ", "))")
                valid = false
                continue
            }
            guard let bound = member.integer(in: 1...largest) else {
                valid = false
                continue
            }
            result[name] = bound
        }
        return valid ? result : nil
    }
}
