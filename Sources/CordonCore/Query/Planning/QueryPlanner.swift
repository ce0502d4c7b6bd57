import Foundation

/// Decides which regions a query touches and how each bounds and noises its part.
///
/// Per region, under its own policy: ε = `epsilonPerQuery` is split evenly over the
/// statistics released per group (sequential composition, Dwork and Roth 2014, Thm 3.16),
/// the subject count that drives partition selection always uses discrete Laplace, and the
/// count of suppressed groups is itself released with noise (an exact count of suppressed
/// groups would reveal whether a group of one person exists). Regions hold disjoint
/// subjects, so a query spends its ε in each region it touches (parallel composition,
/// McSherry 2009, "Privacy Integrated Queries", Thm 4).
struct QueryPlanner {
    let configuration: PolicyConfiguration

    func plan(_ query: ValidatedQuery, mechanism: NoiseMechanism) -> [RegionPlan] {
        configuration.regions.keys.sorted().compactMap { id -> RegionPlan? in
            guard let region = configuration.regions[id] else { return nil }
            if let filter = query.filter, !filter.mayMatch(region: region) { return nil }
            return regionPlan(query, region: region, mechanism: mechanism)
        }
    }

    private func regionPlan(_ query: ValidatedQuery, region: Region, mechanism: NoiseMechanism) -> RegionPlan {
        let policy = configuration.policy(for: region.id)
        let rules = policy.anonymization
        // A subject is one row of `subjects`, in one group: its bounds are 1 and 1.
        let (maxGroups, maxRows) =
            query.table == .subjects ? (1, 1) : (rules.maxGroupsPerSubject, rules.maxRowsPerGroup)
        let groups = Double(maxGroups)
        let rows = Double(maxRows)
        let measureBound = Double(measureMagnitude())
        // (name, L1, L2, may use the Gaussian mechanism)
        var specs: [(String, Double, Double, Bool)] = []
        switch query.computation {
        case .aggregate(let aggregates):
            specs.append(("subjects", groups, groups.squareRoot(), false))
            if aggregates.contains(.countRows) {
                specs.append(("rows", groups * rows, groups.squareRoot() * rows, true))
            }
            if aggregates.contains(where: { if case .average = $0 { true } else { false } }) {
                specs.append(("valued_rows", groups * rows, groups.squareRoot() * rows, true))
            }
            if aggregates.contains(where: {
                if case .sum = $0 { true } else if case .average = $0 { true } else { false }
            }) {
                specs.append(("sum", groups * rows * measureBound, groups.squareRoot() * rows * measureBound, true))
            }
            specs.append(("suppressed", groups, groups.squareRoot(), false))
        case .shape(.funnel(let steps, _)):
            specs.append(("step1", groups, groups.squareRoot(), false))
            for step in 2...steps.count { specs.append(("step\(step)", groups, groups.squareRoot(), true)) }
            specs.append(("suppressed", groups, groups.squareRoot(), false))
        case .shape(.attribution):
            // Each conversion spreads 1000 milli-credits; a subject has at most maxRows conversions.
            specs.append(("subjects", groups, groups.squareRoot(), false))
            specs.append(("credit", rows * 1000, rows * 1000, true))
            specs.append(("suppressed", groups, groups.squareRoot(), false))
        case .shape(.abTest):
            // One variant per subject (first exposure): each count moves by at most 1.
            specs.append(("exposed", 1, 1, true))
            specs.append(("converted", 1, 1, true))
        }
        let gaussianCount = mechanism == .gaussian ? specs.filter(\.3).count : 0
        let selectionDelta = gaussianCount > 0 ? rules.delta / 2 : rules.delta
        let gaussianDelta = gaussianCount > 0 ? rules.delta / 2 / Double(gaussianCount) : 0
        let share = rules.epsilonPerQuery / Double(specs.count)
        let statistics = specs.map { name, l1, l2, gaussianAllowed -> StatisticPlan in
            let noise =
                gaussianAllowed && mechanism == .gaussian
                ? NoiseCalibration.gaussian(epsilon: share, delta: gaussianDelta, l2Sensitivity: l2)
                : NoiseCalibration.laplace(epsilon: share, l1Sensitivity: l1)
            return StatisticPlan(
                name: name,
                l1Sensitivity: l1,
                l2Sensitivity: l2,
                epsilon: share,
                noise: noise,
                halfWidth95: noise.halfWidth()
            )
        }
        let isPublicKeys: Bool = if case .shape(.abTest) = query.computation { true } else { false }
        let selection =
            isPublicKeys
            ? 0
            : NoiseCalibration.partitionThreshold(
                scale: statistics[0].noise.scale,
                maxGroups: maxGroups,
                delta: selectionDelta
            )
        return RegionPlan(
            region: region.id,
            policyID: policy.id.rawValue,
            policyVersion: policy.version,
            epsilon: rules.epsilonPerQuery,
            microEpsilon: Int64((rules.epsilonPerQuery * 1_000_000).rounded()),
            delta: rules.delta,
            maxGroupsPerSubject: maxGroups,
            maxRowsPerGroup: maxRows,
            minAggregationSubjects: rules.minAggregationSubjects,
            statistics: statistics,
            releaseThreshold: max(selection, Int64(rules.minAggregationSubjects)),
            selectionThreshold: selection
        )
    }

    /// The largest magnitude a clamped measure value can have.
    private func measureMagnitude() -> Int {
        guard let field = configuration.catalog.eventField(named: "amountCents") else { return 0 }
        return max(abs(field.minimum ?? 0), abs(field.maximum ?? 0))
    }

    /// The catalog bounds of the measure.
    static func measureBounds(_ catalog: Catalog) -> (Int64, Int64) {
        let field = catalog.eventField(named: "amountCents")
        return (Int64(field?.minimum ?? 0), Int64(field?.maximum ?? Int(Int32.max)))
    }
}

extension QueryPredicate {
    /// Whether the filter can hold for some event of `region`: `region` comparisons are
    /// exact, `country` comparisons test the region's countries (a subject's events carry
    /// the subject's country of residence), anything else may hold.
    func mayMatch(region: Region) -> Bool {
        switch self {
        case .and(let terms): return terms.allSatisfy { $0.mayMatch(region: region) }
        case .or(let terms): return terms.contains { $0.mayMatch(region: region) }
        case .not: return true
        case .comparison(let reference, let op, .string(let value)) where op == .equal || op == .notEqual:
            if reference.field == .region { return (value == region.id.rawValue) == (op == .equal) }
            if reference.field == .country && op == .equal {
                return region.countries.contains { $0.rawValue == value.uppercased() }
            }
            return true
        case .inList(let reference, let values, let negated):
            let strings = values.compactMap { if case .string(let text) = $0 { text } else { nil } }
            if reference.field == .region { return strings.contains(region.id.rawValue) != negated }
            if reference.field == .country && !negated {
                return strings.contains { value in region.countries.contains { $0.rawValue == value.uppercased() } }
            }
            return true
        default:
            return true
        }
    }
}
