import CordonStore

/// FUNNEL, ATTRIBUTION and AB in one region: each subject's journey is reduced to that
/// subject's bounded contribution, inside the region, before anything is aggregated — in
/// Swift over the subject's events in time order (funnel), or in SQL, reading only the
/// events around conversions and exposures (attribution, AB).
///
/// - Funnel: from a first-step event, the deepest step reached in order within the window;
///   a subject counts once per step reached, in the groups of its first-step events (at
///   most `maxGroupsPerSubject`; at most `maxRowsPerGroup` first-step events considered,
///   chosen by keyed rank).
/// - Attribution: at most `maxRowsPerGroup` conversions per subject (keyed rank), each
///   spreading 1000 milli-credits over the touches in the window before it (first touch,
///   last touch, or equal shares); a subject's credit goes to at most `maxGroupsPerSubject`
///   touch values.
/// - AB: a subject belongs to the variant of its first exposure (in (ts, id) order) and
///   converts if the conversion event follows within the window (one variant per subject).
struct JourneyAggregation {
    let plan: RegionPlan
    let query: ValidatedQuery
    let shape: QueryShape
    let sql: RegionSQL
    let hash: ContributionHash

    /// One event of a subject's funnel journey.
    struct Step {
        var ts: Int64
        var event: String
        var key: [String]
    }

    func run(lawful: LawfulSubjects, in db: Connection) throws -> RegionTotals {
        switch shape {
        case .funnel(let steps, let window):
            return try funnel(steps: steps, window: window, lawful: lawful, in: db)
        case .attribution(let model, let conversion, let field, let window):
            return try attribution(
                model: model,
                conversion: conversion,
                field: field,
                window: window,
                lawful: lawful,
                in: db
            )
        case .abTest(let field, let a, let b, let conversion, let window):
            return try abTest(
                field: field,
                variants: (a, b),
                conversion: conversion,
                window: window,
                lawful: lawful,
                in: db
            )
        }
    }

    /// Funnel: each lawful subject's step events in (ts, id) order, reduced in Swift.
    private func funnel(
        steps: [String],
        window: Int64,
        lawful: LawfulSubjects,
        in db: Connection
    ) throws -> RegionTotals {
        var select: SQL = "SELECT sid, ts, event"
        for expression in query.dimensions.compactMap(RegionSQL.expression) { select += ", " + expression }
        select +=
            " FROM events WHERE event IN (\(values: steps)) AND " + sql.condition(query.filter)
            + " ORDER BY sid, ts, id"
        var totals = RegionTotals(lawfulSubjects: lawful.count)
        var journey: [Step] = []
        try db.forEachLawfulSubject(
            select,
            lawful: lawful,
            row: { row in
                let key = RegionSQL.groupKey(query.dimensions, row: row, firstColumn: 3, region: plan.region)
                journey.append(
                    Step(ts: try row.get(Int64.self, at: 1), event: try row.get(String.self, at: 2), key: key)
                )
            },
            subjectEnded: { sid in
                for contribution in funnel(sid: sid, journey, steps: steps, window: window) { totals.add(contribution) }
                journey.removeAll(keepingCapacity: true)
            }
        )
        return totals
    }

    private func keep<T>(_ items: [T], sid: Int64, limit: Int, item: (T) -> UInt64) -> [T] {
        guard items.count > limit else { return items }
        return items.map { (hash.rank(sid, item($0)), $0) }.sorted { $0.0 < $1.0 }.prefix(limit).map(\.1)
    }

    private func funnel(sid: Int64, _ journey: [Step], steps: [String], window: Int64) -> [Contribution] {
        let starts = keep(
            journey.indices.filter { journey[$0].event == steps[0] },
            sid: sid,
            limit: plan.maxRowsPerGroup
        ) { UInt64($0) }
        var depth: [[String]: Int] = [:]
        var deepest = 0  // without dimensions every key is [] and one maximum will do
        let grouped = !query.dimensions.isEmpty
        for start in starts {
            let deadline = journey[start].ts + window
            var reached = 1
            var position = start + 1
            while reached < steps.count, position < journey.count, journey[position].ts <= deadline {
                if journey[position].event == steps[reached] { reached += 1 }
                position += 1
            }
            if grouped {
                depth[journey[start].key] = max(depth[journey[start].key] ?? 0, reached)
            } else {
                deepest = max(deepest, reached)
            }
        }
        if !grouped && deepest > 0 { depth[[]] = deepest }
        let groups = keep(Array(depth.keys), sid: sid, limit: plan.maxGroupsPerSubject) { ContributionHash.digest($0) }
        return groups.map { key in
            Contribution(key: key, values: (1...steps.count).map { Int64(depth[key]! >= $0 ? 1 : 0) })
        }
    }

    /// Attribution, pre-reduced in SQL: one row per (conversion, touch credited), in
    /// subject and conversion order — the single first or last touch found by an index
    /// seek, or every touch in the window for `linear` — so no journey outside a
    /// conversion window is read. A conversion with no touch yields one row with NULL.
    ///
    /// A touch is an event other than the conversion with the attribution field set, in
    /// the window before the conversion (earlier in (ts, id) order); touch and conversion
    /// rows both satisfy retention and the analyst's filter. Conversions are found by one
    /// table scan (`NOT INDEXED`: walking the subject index to save sorting a few rows
    /// costs a table lookup per event), touches by a bounded seek on `events_by_subject`.
    private func attribution(
        model: AttributionModel,
        conversion: String,
        field: QueryField,
        window: Int64,
        lawful: LawfulSubjects,
        in db: Connection
    ) throws -> RegionTotals {
        let column: SQLIdentifier = field.column ?? "channel"
        let (p, t) = (sql.qualified(by: "p"), sql.qualified(by: "t"))
        let touches: SQL = """
            \(literal: t.column("sid")) = \(literal: p.column("sid")) AND \(literal: t.column("ts")) >= \(literal: p.column("ts")) - \(window)
            AND \(literal: t.column("ts")) <= \(literal: p.column("ts")) AND (\(literal: t.column("ts")) < \(literal: p.column("ts")) OR \(literal: t.column("id")) < \(literal: p.column("id")))
            AND \(literal: t.column("event")) <> \(conversion) AND \(literal: t.column(column)) IS NOT NULL AND
            """ + " " + t.condition(query.filter)
        var select: SQL
        switch model {
        case .firstTouch, .lastTouch:
            let order: SQL = model == .firstTouch ? "ASC" : "DESC"
            select = "SELECT p.sid, p.id, (SELECT \(literal: t.column(column)) FROM events t WHERE " + touches
            select += " ORDER BY t.ts \(literal: order), t.id \(literal: order) LIMIT 1) FROM events p NOT INDEXED"
        case .linear:
            select =
                "SELECT p.sid, p.id, \(literal: t.column(column)) FROM events p NOT INDEXED LEFT JOIN events t ON "
                + touches
        }
        select +=
            " WHERE p.event = \(conversion) AND " + p.condition(query.filter, event: conversion)
            + " ORDER BY p.sid, p.ts, p.id"
        if model == .linear { select += ", t.ts, t.id" }

        var totals = RegionTotals(lawfulSubjects: lawful.count)
        var conversions: [(id: Int64, touches: [String])] = []
        try db.forEachLawfulSubject(
            select,
            lawful: lawful,
            row: { row in
                let id = try row.get(Int64.self, at: 1)
                if conversions.last?.id != id { conversions.append((id, [])) }
                if let touch = try row.get(String?.self, at: 2) {
                    conversions[conversions.count - 1].touches.append(touch)
                }
            },
            subjectEnded: { sid in
                for contribution in attribution(sid: sid, conversions, model: model) { totals.add(contribution) }
                conversions.removeAll(keepingCapacity: true)
            }
        )
        return totals
    }

    /// One subject's attribution credit: at most `maxGroupsPerSubject × maxRowsPerGroup`
    /// conversions (keyed rank) — as many as the groups and rows bounds let a person add —
    /// each spreading 1000 milli-credits over its touches (in time order), and at most
    /// `maxGroupsPerSubject` touch values credited.
    func attribution(
        sid: Int64,
        _ conversions: [(id: Int64, touches: [String])],
        model: AttributionModel
    ) -> [Contribution] {
        let kept = keep(conversions, sid: sid, limit: plan.maxRowsPerGroup * plan.maxGroupsPerSubject) {
            UInt64(bitPattern: $0.id)
        }
        var credit: [String: Int64] = [:]
        for (_, touches) in kept {
            guard let last = touches.last else {
                credit["(no touch)", default: 0] += 1000
                continue
            }
            switch model {
            case .firstTouch, .lastTouch: credit[last, default: 0] += 1000  // SQL found the one touch
            case .linear:
                let share = 1000 / Int64(touches.count)
                for touch in touches { credit[touch, default: 0] += share }
                credit[last, default: 0] += 1000 - share * Int64(touches.count)
            }
        }
        let groups = keep(Array(credit.keys), sid: sid, limit: plan.maxGroupsPerSubject) {
            ContributionHash.digest([$0])
        }
        return groups.map { Contribution(key: [$0], values: [1, credit[$0]!]) }
    }

    /// AB, reduced in SQL: each exposed subject's first exposure in (ts, id) order (a
    /// window function over the exposures only) and whether a conversion follows it within
    /// the window (an index seek). One variant per subject, counted once, converted or not;
    /// exposures and conversions both satisfy retention and the analyst's filter.
    private func abTest(
        field: QueryField,
        variants: (String, String),
        conversion: String,
        window: Int64,
        lawful: LawfulSubjects,
        in db: Connection
    ) throws -> RegionTotals {
        let column: SQLIdentifier = field.column ?? "campaign"
        let (e, c) = (sql.qualified(by: "e"), sql.qualified(by: "c"))
        let select: SQL = """
            SELECT x.sid, x.variant, EXISTS (
                SELECT 1 FROM events c WHERE c.sid = x.sid AND c.ts >= x.t0 AND c.ts <= x.t0 + \(window)
                AND (c.ts > x.t0 OR c.id >= x.id) AND c.event = \(conversion) AND
            """ + " " + c.condition(query.filter, event: conversion) + """
                )
                FROM (SELECT e.sid, e.id, e.ts AS t0, \(literal: e.column(column)) AS variant,
                             ROW_NUMBER() OVER (PARTITION BY e.sid ORDER BY e.ts, e.id) AS n
                      FROM events e WHERE \(literal: e.column(column)) IN (\(variants.0), \(variants.1)) AND
                """ + " " + e.condition(query.filter) + ") x WHERE x.n = 1 ORDER BY x.sid"
        var totals = RegionTotals(lawfulSubjects: lawful.count)
        try db.forEachLawfulSubject(
            select,
            lawful: lawful,
            row: { row in
                totals.add(
                    Contribution(
                        key: [try row.get(String.self, at: 1)],
                        values: [1, try row.get(Bool.self, at: 2) ? 1 : 0]
                    )
                )
            },
            subjectEnded: { _ in }
        )
        return totals
    }
}
