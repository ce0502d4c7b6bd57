import CordonStore

/// GROUP BY with aggregates in one region, with each subject's contribution bounded.
///
/// SQL first reduces events to one row per (subject, group) — count, count of valued rows
/// and the sum of values clamped to the catalog's bounds — over rows within retention and
/// the filter. Swift then keeps lawful subjects only, caps rows per group at
/// `maxRowsPerGroup` (counts at the cap; a sum over more rows is scaled to its expected
/// value over a uniform sample of `maxRowsPerGroup` rows, so it is bounded by
/// `maxRowsPerGroup × bound` and not biased by time order, then clamped to the plan's
/// `maxAmountPerGroup`), and keeps at most
/// `maxGroupsPerSubject` groups per subject, chosen by a keyed pseudo-random rank
/// (Wilson et al. 2020, §3.2 on contribution bounding).
struct GroupAggregation {
    let plan: RegionPlan
    let query: ValidatedQuery
    let sql: RegionSQL
    let hash: ContributionHash
    let measureBounds: (Int64, Int64)

    func run(lawful: LawfulSubjects, in db: Connection) throws -> RegionTotals {
        let sqlDimensions = query.dimensions.compactMap { dimension in
            RegionSQL.expression(dimension).map { (dimension, $0) }
        }
        let (low, high) = measureBounds
        var select: SQL = "SELECT sid"
        for (_, expression) in sqlDimensions { select += ", " + expression }
        select += ", COUNT(*), COUNT(amount_cents), SUM(MIN(MAX(amount_cents, \(low)), \(high))) FROM events WHERE "
        select += sql.condition(query.filter)
        // ORDER BY repeats GROUP BY so the grouping sort also orders the output (one
        // temporary b-tree, not two); Swift needs the rows by sid.
        var grouping: SQL = "sid"
        for (_, expression) in sqlDimensions { grouping += ", " + expression }
        select += " GROUP BY " + grouping + " ORDER BY " + grouping

        enum Measure { case subjects, rows, valuedRows, sum }
        let measures = plan.statistics.map(\.name).map { name -> Measure in
            switch name {
            case "subjects": .subjects
            case "rows": .rows
            case "valued_rows": .valuedRows
            default: .sum
            }
        }
        let rowCap = Int64(plan.maxRowsPerGroup)
        let sumCap = plan.maxAmountPerGroup ?? rowCap * max(abs(low), abs(high))
        var totals = RegionTotals(lawfulSubjects: lawful.count)
        var pending: [Contribution] = []
        var digests: [[String]: UInt64] = [:]

        func flush(_ sid: Int64) {
            guard !pending.isEmpty else { return }
            if pending.count > plan.maxGroupsPerSubject {
                pending =
                    pending
                    .map { contribution -> (UInt64, Contribution) in
                        let digest = digests[contribution.key] ?? ContributionHash.digest(contribution.key)
                        digests[contribution.key] = digest
                        return (hash.rank(sid, digest), contribution)
                    }
                    .sorted { $0.0 < $1.0 }.prefix(plan.maxGroupsPerSubject).map(\.1)
            }
            for contribution in pending { totals.add(contribution) }
            pending.removeAll(keepingCapacity: true)
        }

        let dimensionCount = sqlDimensions.count
        try db.forEachLawfulSubject(
            select,
            lawful: lawful,
            row: { row in
                let key = RegionSQL.groupKey(query.dimensions, row: row, firstColumn: 1, region: plan.region)
                let count = try row.get(Int64.self, at: dimensionCount + 1)
                let valued = try row.get(Int64.self, at: dimensionCount + 2)
                let sum = try row.get(Int64?.self, at: dimensionCount + 3) ?? 0
                let rowBounded = valued > rowCap ? sum / valued * rowCap + (sum % valued) * rowCap / valued : sum
                let boundedSum = min(max(rowBounded, -sumCap), sumCap)
                let values = measures.map { measure -> Int64 in
                    switch measure {
                    case .subjects: 1
                    case .rows: min(count, rowCap)
                    case .valuedRows: min(valued, rowCap)
                    case .sum: boundedSum
                    }
                }
                pending.append(Contribution(key: key, values: values))
            },
            subjectEnded: flush
        )
        return totals
    }
}
