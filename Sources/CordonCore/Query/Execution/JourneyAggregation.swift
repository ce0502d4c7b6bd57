import CordonStore

/// FUNNEL, ATTRIBUTION and AB in one region: each subject's events are read in time order
/// and reduced to that subject's bounded contribution, inside the region, before anything
/// is aggregated.
///
/// - Funnel: from a first-step event, the deepest step reached in order within the window;
///   a subject counts once per step reached, in the groups of its first-step events (at
///   most `maxGroupsPerSubject`; at most `maxRowsPerGroup` first-step events considered,
///   chosen by keyed rank).
/// - Attribution: at most `maxRowsPerGroup` conversions per subject (keyed rank), each
///   spreading 1000 milli-credits over the touches in the window before it (first touch,
///   last touch, or equal shares); a subject's credit goes to at most `maxGroupsPerSubject`
///   touch values.
/// - AB: a subject belongs to the variant of its first exposure and converts if the
///   conversion event follows within the window (one variant per subject).
struct JourneyAggregation {
    let plan: RegionPlan
    let query: ValidatedQuery
    let shape: QueryShape
    let sql: RegionSQL
    let hash: ContributionHash

    /// One event of a subject's journey.
    struct Step {
        var ts: Int64
        var event: String
        var touch: String?
        var key: [String]
    }

    func run(lawful: LawfulSubjects, in db: Connection) throws -> RegionTotals {
        let dimensions = query.dimensions.compactMap { dimension in RegionSQL.expression(dimension).map { (dimension, $0) } }
        var select: SQL
        switch shape {
        case .funnel(let steps, _):
            select = "SELECT sid, ts, event, NULL"
            for (_, expression) in dimensions { select += ", " + expression }
            select += " FROM events WHERE event IN (\(values: steps)) AND "
        case .attribution(_, let conversion, let field, _):
            let column = field.column ?? "channel"
            // Only subjects who converted can credit a touch: read no one else's journey.
            select = """
                SELECT sid, ts, event, \(identifier: column) FROM events
                WHERE sid IN (SELECT sid FROM events WHERE event = \(conversion)) AND (event = \(conversion) OR \(identifier: column) IS NOT NULL) AND
                """ + " "
        case .abTest(let field, let a, let b, let conversion, _):
            let column = field.column ?? "campaign"
            // Only exposed subjects belong to a variant: read no one else's journey.
            select = """
                SELECT sid, ts, event, \(identifier: column) FROM events
                WHERE sid IN (SELECT sid FROM events WHERE \(identifier: column) IN (\(a), \(b))) AND (event = \(conversion) OR \(identifier: column) IN (\(a), \(b))) AND
                """ + " "
        }
        select += sql.condition(query.filter) + " ORDER BY sid, ts, id"

        var totals = RegionTotals(lawfulSubjects: lawful.count)
        var currentSID: Int64 = -1
        var journey: [Step] = []
        func flush() {
            guard !journey.isEmpty else { return }
            for contribution in contributions(sid: currentSID, journey) { totals.add(contribution) }
            journey.removeAll(keepingCapacity: true)
        }
        try db.forEachRow(select) { row in
            let sid = try row.get(Int64.self, at: 0)
            guard lawful.contains(sid) else { return }
            if sid != currentSID {
                flush()
                currentSID = sid
            }
            let key = RegionSQL.groupKey(query.dimensions, row: row, firstColumn: 4, region: plan.region)
            journey.append(
                Step(ts: try row.get(Int64.self, at: 1), event: try row.get(String.self, at: 2), touch: try row.get(String?.self, at: 3), key: key))
        }
        flush()
        return totals
    }

    /// One subject's bounded contributions.
    func contributions(sid: Int64, _ journey: [Step]) -> [Contribution] {
        switch shape {
        case .funnel(let steps, let window): funnel(sid: sid, journey, steps: steps, window: window)
        case .attribution(let model, let conversion, _, let window): attribution(sid: sid, journey, model: model, conversion: conversion, window: window)
        case .abTest(_, let a, let b, let conversion, let window): abTest(journey, variants: [a, b], conversion: conversion, window: window)
        }
    }

    private func keep<T>(_ items: [T], sid: Int64, limit: Int, item: (T) -> UInt64) -> [T] {
        guard items.count > limit else { return items }
        return items.map { (hash.rank(sid, item($0)), $0) }.sorted { $0.0 < $1.0 }.prefix(limit).map(\.1)
    }

    private func funnel(sid: Int64, _ journey: [Step], steps: [String], window: Int64) -> [Contribution] {
        let starts = keep(journey.indices.filter { journey[$0].event == steps[0] }, sid: sid, limit: plan.maxRowsPerGroup) { UInt64($0) }
        var depth: [[String]: Int] = [:]
        for start in starts {
            let deadline = journey[start].ts + window
            var reached = 1
            var position = start + 1
            while reached < steps.count, position < journey.count, journey[position].ts <= deadline {
                if journey[position].event == steps[reached] { reached += 1 }
                position += 1
            }
            depth[journey[start].key] = max(depth[journey[start].key] ?? 0, reached)
        }
        let groups = keep(Array(depth.keys), sid: sid, limit: plan.maxGroupsPerSubject) { ContributionHash.digest($0) }
        return groups.map { key in
            Contribution(key: key, values: (1...steps.count).map { Int64(depth[key]! >= $0 ? 1 : 0) })
        }
    }

    private func attribution(sid: Int64, _ journey: [Step], model: AttributionModel, conversion: String, window: Int64) -> [Contribution] {
        let conversions = keep(journey.indices.filter { journey[$0].event == conversion }, sid: sid, limit: plan.maxRowsPerGroup) { UInt64($0) }
        var credit: [String: Int64] = [:]
        for index in conversions {
            let at = journey[index].ts
            let touches = journey[..<index].filter { $0.event != conversion && $0.touch != nil && $0.ts >= at - window }.map { $0.touch! }
            guard !touches.isEmpty else {
                credit["(no touch)", default: 0] += 1000
                continue
            }
            switch model {
            case .firstTouch: credit[touches[0], default: 0] += 1000
            case .lastTouch: credit[touches[touches.count - 1], default: 0] += 1000
            case .linear:
                let share = 1000 / Int64(touches.count)
                for touch in touches { credit[touch, default: 0] += share }
                credit[touches[touches.count - 1], default: 0] += 1000 - share * Int64(touches.count)
            }
        }
        let kept = keep(Array(credit.keys), sid: sid, limit: plan.maxGroupsPerSubject) { ContributionHash.digest([$0]) }
        return kept.map { Contribution(key: [$0], values: [1, credit[$0]!]) }
    }

    private func abTest(_ journey: [Step], variants: [String], conversion: String, window: Int64) -> [Contribution] {
        guard let exposure = journey.firstIndex(where: { $0.touch.map(variants.contains) ?? false }), let variant = journey[exposure].touch else {
            return []
        }
        let start = journey[exposure].ts
        let converted = journey[exposure...].contains { $0.event == conversion && $0.ts >= start && $0.ts <= start + window }
        return [Contribution(key: [variant], values: [1, converted ? 1 : 0])]
    }
}
