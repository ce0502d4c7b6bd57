import CordonAudit
import Foundation

/// Decides which regions a query touches and how each bounds and noises its part.
///
/// Per region, under its own policy (decision 0014):
/// - *Bounds.* A person reaches at most `maxGroupsPerSubject` groups: the product of the
///   bounds of the query's event-level dimensions (a subject-level dimension such as country
///   puts each person in one group), from the catalog's `queryBounds` unless the query asks for
///   others, never above the policy's limit. Rows per group likewise.
/// - *ε.* The query's ε (the policy's `epsilonPerQuery` unless the query asks for less) is
///   shared by the statistics released per group — evenly in ε for discrete Laplace
///   (sequential composition, Dwork and Roth 2014, Thm 3.16), evenly in ρ for the discrete
///   Gaussian under zCDP (Bun and Steinke 2016, Lemma 2.3), converted once for the whole query.
/// - *Partition selection on the released count itself.* A group is released when its noisy
///   subject count reaches τ; no separate statistic pays for the decision. τ is the smallest
///   threshold with which a person's own groups (count 1) appear with probability ≤ δ_select in
///   total: Wilson et al. 2020 §3 for Laplace, the Gaussian thresholding of Google's DP library
///   and Tumult for the Gaussian.
/// - *Public keys.* When every grouping dimension's values follow from the query and the
///   catalog (``PublicKeySet``), a region releases every key with noise and selects nothing
///   (no δ spent on it); the threshold then applies to the merged count (``ReleaseMerger``).
/// - *Mechanism.* Unless the query names one, each region uses discrete Laplace, with the
///   selecting count moved to the Gaussian where that lowers the release threshold
///   (``choose(named:statistics:selectingCountReleased:calibrate:)``: a choice that depends on
///   the plan only, never on data).
///
/// Regions hold disjoint subjects, so a query spends its ε in each region it touches
/// (parallel composition, McSherry 2009, Thm 4).
struct QueryPlanner {
    let configuration: PolicyConfiguration
    var options: QueryOptions = QueryOptions()

    /// Plans every region the query may touch; throws when the query asks for more ε or
    /// larger bounds than a region's policy allows.
    func plan(_ query: ValidatedQuery) throws(QueryError) -> [RegionPlan] {
        var plans: [RegionPlan] = []
        for id in configuration.regions.keys.sorted() {
            guard let region = configuration.regions[id] else { continue }
            if let filter = query.filter, !filter.mayMatch(region: region) { continue }
            plans.append(try regionPlan(query, region: region))
        }
        return plans
    }

    /// The dimensions that decide how many groups a person reaches.
    static func groupingDimensions(_ query: ValidatedQuery) -> [QueryDimension] {
        switch query.computation {
        case .aggregate, .shape(.funnel): query.dimensions
        case .shape(.attribution(_, _, let field, _)): [.field(field)]
        case .shape(.abTest): []
        }
    }

    /// Groups one person may reach by default over `dimensions`: the product of the event-level
    /// dimensions' catalog bounds (the policy's limit for one the catalog does not bound), at most
    /// the limit; 1 when every dimension is subject-level.
    static func defaultGroups(_ dimensions: [QueryDimension], catalog: Catalog, limit: Int) -> Int {
        var product = 1
        for dimension in dimensions where !catalog.queryBounds.subjectLevel.contains(dimension.description) {
            product = min(limit, product * (catalog.queryBounds.groupsPerSubject[dimension.description] ?? limit))
        }
        return max(1, min(product, limit))
    }

    private func regionPlan(_ query: ValidatedQuery, region: Region) throws(QueryError) -> RegionPlan {
        let policy = configuration.policy(for: region.id)
        let rules = policy.anonymization
        let catalog = configuration.catalog
        let epsilon = options.epsilon ?? rules.epsilonPerQuery
        guard epsilon.isFinite, epsilon > 0 else {
            throw QueryError(.invalid, "ε must be a positive number, e.g. 0.5")
        }
        guard epsilon <= rules.epsilonPerQuery * (1 + 1e-12) else {
            throw QueryError(
                .invalid,
                "ε \(Self.decimal(epsilon)) exceeds the \(policy.id.rawValue) policy's per-query maximum \(Self.decimal(rules.epsilonPerQuery)) (region \(region.id)); ask for at most that, or coarser groups to need less"
            )
        }
        let (maxGroups, maxRows) = try bounds(query, rules: rules, catalog: catalog, policy: policy.id.rawValue)
        let publicKeys = PublicKeySet.keys(query, region: region, catalog: catalog, now: options.now)?.count
        let limits = PlanLimits(
            epsilon: epsilon,
            delta: rules.delta,
            groups: maxGroups,
            rows: maxRows,
            minimum: rules.minAggregationSubjects,
            amountPerGroup: Self.amountPerGroup(rows: maxRows, measure: measureMagnitude(), catalog: catalog),
            publicKeys: publicKeys
        )
        return try calibrated(
            query,
            limits: limits,
            region: region.id,
            policy: (policy.id.rawValue, policy.version)
        )
    }

    /// The plan of `region` under `limits`, its mechanisms chosen by
    /// ``choose(named:statistics:selectingCountReleased:calibrate:)`` and, when the query
    /// asks for a release threshold, the selecting count's share of ε sized to it
    /// (``selectingShare(reaching:threshold:)``).
    func calibrated(
        _ query: ValidatedQuery,
        limits: PlanLimits,
        region: RegionID,
        policy: (id: String, version: String),
        pooledWith: [RegionID]? = nil
    ) throws(QueryError) -> RegionPlan {
        let catalog = configuration.catalog
        let specs = Self.statisticSpecs(
            query,
            groups: limits.groups,
            rows: limits.rows,
            amountPerGroup: Double(limits.amountPerGroup)
        )
        let calibrate = { (mechanism: NoiseMechanism, gaussianSelectingCount: Bool, share: Double?) in
            Self.calibrate(
                specs,
                mechanism: mechanism,
                gaussianSelectingCount: gaussianSelectingCount,
                epsilon: limits.epsilon,
                delta: limits.delta,
                groups: limits.groups,
                minimum: limits.minimum,
                selection: limits.publicKeys == nil,
                selectingShare: share
            )
        }
        let chosen = Self.choose(
            named: options.mechanism,
            statistics: specs.count,
            selectingCountReleased: Self.releasesSelectingCount(query),
            calibrate: { calibrate($0, $1, nil) }
        )
        var plan = chosen.plan
        if let target = options.releaseThreshold {
            let gaussianSelecting = chosen.selecting == .gaussian
            let thresholdAt = { (share: Double) in
                calibrate(chosen.mechanism, gaussianSelecting, share).selectionThreshold
            }
            plan = calibrate(
                chosen.mechanism,
                gaussianSelecting,
                try Self.selectingShare(
                    for: target,
                    statistics: specs.count,
                    minimum: limits.minimum,
                    epsilon: limits.epsilon,
                    region: region,
                    threshold: thresholdAt
                )
            )
        }
        return RegionPlan(
            region: region,
            policyID: policy.id,
            policyVersion: policy.version,
            epsilon: limits.epsilon,
            microEpsilon: Int64((limits.epsilon * 1_000_000).rounded(.up)),
            delta: limits.delta,
            maxGroupsPerSubject: limits.groups,
            maxRowsPerGroup: limits.rows,
            minAggregationSubjects: limits.minimum,
            statistics: plan.statistics,
            releaseThreshold: plan.releaseThreshold,
            selectionThreshold: plan.selectionThreshold,
            mechanism: chosen.mechanism,
            rho: plan.rho,
            selectionDelta: plan.selectionDelta,
            maxAmountPerGroup: limits.amountPerGroup,
            subjectLevelDimensions: Self.groupingDimensions(query).map(\.description).filter {
                catalog.queryBounds.subjectLevel.contains($0)
            },
            publicKeys: limits.publicKeys,
            pooledWith: pooledWith,
            selectionMechanism: chosen.selecting
        )
    }

    /// The mechanisms of a plan, by a rule that depends on the plan only, never on data
    /// (decision 0014): the one the query names, for every statistic; else discrete Laplace,
    /// with the selecting count moved to the Gaussian where that lowers the release threshold.
    /// - A plan of one statistic takes the all-Gaussian plan only where its threshold is lower
    ///   by a quarter or more: that count is also the released value, and the Gaussian's noise
    ///   on it is heavier.
    /// - A plan of several statistics keeps its values on Laplace (an L1-bounded count or sum
    ///   gains nothing from L2 at the same ε; all-Gaussian purchases per day had a median
    ///   error 1.6 times Laplace's) and moves only the selecting count: where the query does
    ///   not release that count (`COUNT(*)` or `SUM` alone), whenever its threshold is lower;
    ///   where it does, by a quarter or more, as above.
    static func choose(
        named: NoiseMechanism?,
        statistics: Int,
        selectingCountReleased: Bool,
        calibrate: (_ mechanism: NoiseMechanism, _ gaussianSelectingCount: Bool) -> Calibration
    ) -> (plan: Calibration, mechanism: NoiseMechanism, selecting: NoiseMechanism?) {
        if let named { return (calibrate(named, false), named, nil) }
        let laplace = calibrate(.laplace, false)
        let quarterLower = { (plan: Calibration) in
            Double(plan.releaseThreshold) <= 0.75 * Double(laplace.releaseThreshold)
        }
        if statistics == 1 {
            let gaussian = calibrate(.gaussian, false)
            return quarterLower(gaussian) ? (gaussian, .gaussian, nil) : (laplace, .laplace, nil)
        }
        let mixed = calibrate(.laplace, true)
        let better =
            selectingCountReleased ? quarterLower(mixed) : mixed.releaseThreshold < laplace.releaseThreshold
        return better ? (mixed, .laplace, .gaussian) : (laplace, .laplace, nil)
    }

    /// The most of a query's budget the selecting count may take when the query asks for a
    /// release threshold: the values keep at least a tenth.
    static let maximumSelectingShare = 0.9
    /// The least it may take: a share whose threshold is above any group a shop has.
    static let minimumSelectingShare = 0.001

    /// The share of the budget (ε, or ρ for an all-Gaussian plan) the selecting count takes so
    /// that a group of `target` people is released with probability ≥ 50%: the smallest share
    /// whose partition-selection threshold is at most `target`, found by bisection on
    /// `threshold` (which falls as the share grows), so every statistic shown keeps as much of
    /// the budget as that target allows. The other statistics share the rest evenly.
    ///
    /// Refused when the query releases only its selecting count (its threshold follows from
    /// ε alone), when `target` is below the policy's minimum group size, and when even
    /// ``maximumSelectingShare`` leaves the threshold above `target`.
    static func selectingShare(
        for target: Int,
        statistics: Int,
        minimum: Int,
        epsilon: Double,
        region: RegionID,
        threshold: (Double) -> Int64
    ) throws(QueryError) -> Double {
        guard statistics > 1 else {
            throw QueryError(
                .invalid,
                "this query releases only the count that selects its groups, so its release threshold follows from ε alone (region \(region)); ask for another ε instead, or add a value such as COUNT(*)"
            )
        }
        guard target >= minimum else {
            throw QueryError(
                .invalid,
                "release threshold \(target) is below the policy's minimum group size of \(minimum) people in region \(region); ask for at least \(minimum)"
            )
        }
        let least = threshold(maximumSelectingShare)
        guard least <= Int64(target) else {
            throw QueryError(
                .invalid,
                "release threshold \(target) is below the least this query can have at ε \(decimal(epsilon)) in region \(region): \(least) people, with \(Int(maximumSelectingShare * 100))% of ε on the count that selects groups; ask for at least \(least), spend more ε, or group more coarsely"
            )
        }
        if threshold(minimumSelectingShare) <= Int64(target) { return minimumSelectingShare }
        var (low, high) = (minimumSelectingShare, maximumSelectingShare)  // too high at low, fine at high
        for _ in 0..<30 where high - low > 1e-6 {
            let middle = (low + high) / 2
            if threshold(middle) <= Int64(target) { high = middle } else { low = middle }
        }
        return high
    }

    typealias Calibration = (
        statistics: [StatisticPlan], releaseThreshold: Int64, selectionThreshold: Int64, rho: Double?,
        selectionDelta: Double
    )

    /// Whether the answer shows the count that selects groups: the funnel's first step,
    /// attribution's and the A/B test's people, or `COUNT(DISTINCT subject)`.
    static func releasesSelectingCount(_ query: ValidatedQuery) -> Bool {
        switch query.computation {
        case .aggregate(let aggregates): aggregates.contains(.countSubjects)
        case .shape: true
        }
    }

    /// The contribution bounds: the query's own (within the policy's limits) or the catalog's defaults.
    private func bounds(
        _ query: ValidatedQuery,
        rules: Policy.AnonymizationRules,
        catalog: Catalog,
        policy: String
    ) throws(QueryError) -> (groups: Int, rows: Int) {
        // A subject is one row of `subjects`, in one group: its bounds are 1 and 1.
        if query.table == .subjects { return (1, 1) }
        if let groups = options.maxGroupsPerSubject, !(1...rules.maxGroupsPerSubject).contains(groups) {
            throw QueryError(
                .invalid,
                "maxGroupsPerSubject \(groups) is outside 1...\(rules.maxGroupsPerSubject), the \(policy) policy's limit"
            )
        }
        if let rows = options.maxRowsPerGroup, !(1...rules.maxRowsPerGroup).contains(rows) {
            throw QueryError(
                .invalid,
                "maxRowsPerGroup \(rows) is outside 1...\(rules.maxRowsPerGroup), the \(policy) policy's limit"
            )
        }
        let groups: Int
        if case .shape(.abTest) = query.computation {
            groups = 1  // one variant per subject (its first exposure)
        } else {
            groups =
                options.maxGroupsPerSubject
                ?? Self.defaultGroups(
                    Self.groupingDimensions(query),
                    catalog: catalog,
                    limit: rules.maxGroupsPerSubject
                )
        }
        let rowsKey: String = if case .shape(.attribution) = query.computation { "attribution" } else { "events" }
        let rows =
            options.maxRowsPerGroup
            ?? min(catalog.queryBounds.rowsPerGroup[rowsKey] ?? rules.maxRowsPerGroup, rules.maxRowsPerGroup)
        return (groups, rows)
    }

    /// The released statistics per group — (name, L1, L2) — the subject count that selects
    /// partitions first.
    static func statisticSpecs(
        _ query: ValidatedQuery,
        groups: Int,
        rows: Int,
        amountPerGroup: Double
    ) -> [(
        name: String, l1: Double, l2: Double
    )] {
        let k = Double(groups)
        let r = Double(rows)
        switch query.computation {
        case .aggregate(let aggregates):
            var specs: [(String, Double, Double)] = [("subjects", k, k.squareRoot())]
            if aggregates.contains(.countRows) { specs.append(("rows", k * r, k.squareRoot() * r)) }
            if aggregates.contains(where: { if case .average = $0 { true } else { false } }) {
                specs.append(("valued_rows", k * r, k.squareRoot() * r))
            }
            if aggregates.contains(where: {
                if case .sum = $0 { true } else if case .average = $0 { true } else { false }
            }) {
                specs.append(("sum", k * amountPerGroup, k.squareRoot() * amountPerGroup))
            }
            return specs
        case .shape(.funnel(let steps, _)):
            return (1...steps.count).map { ("step\($0)", k, k.squareRoot()) }
        case .shape(.attribution):
            // Each conversion spreads 1000 milli-credits over its touches; a subject has at
            // most k × r conversions in all, which may all credit one group (so L2 = L1).
            // (Capping at r in all, as before, cut a year of repeat buyers' conversions: the
            // utility bench measured a 26% bias.)
            return [("subjects", k, k.squareRoot()), ("credit", k * r * 1000, k * r * 1000)]
        case .shape(.abTest):
            // One variant per subject (first exposure): each count moves by at most 1.
            return [("exposed", 1, 1), ("converted", 1, 1)]
        }
    }

    /// The noise of every statistic and the release threshold: every statistic under
    /// `mechanism`, or, with `gaussianSelectingCount`, the selecting count (the first
    /// statistic) under the Gaussian and the values under `mechanism` (a mixed plan when that
    /// is Laplace; the same as all-Gaussian when it is the Gaussian).
    ///
    /// ε is shared evenly by the statistics. All-Gaussian plans convert the query's ρ once
    /// (zCDP composes) and share it evenly in ρ. A mixed plan composes sequentially in
    /// (ε, δ): the selecting count's ρ comes from its own ε share and the δ selection does not
    /// take, the values are ε-DP each at theirs (Dwork and Roth 2014, Thm 3.16).
    static func calibrate(
        _ specs: [(name: String, l1: Double, l2: Double)],
        mechanism: NoiseMechanism,
        gaussianSelectingCount: Bool = false,
        epsilon: Double,
        delta: Double,
        groups: Int,
        minimum: Int,
        selection: Bool = true,
        selectingShare: Double? = nil
    ) -> Calibration {
        // The fraction of the budget (ε, or ρ for an all-Gaussian plan) each statistic takes:
        // even, unless the selecting count is given its own share and the values split the rest.
        let count = Double(specs.count)
        let part = { (whole: Double, index: Int) -> Double in
            guard let selectingShare, specs.count > 1 else { return whole / count }
            return index == 0 ? whole * selectingShare : whole * (1 - selectingShare) / (count - 1)
        }
        let selectingMechanism: NoiseMechanism = gaussianSelectingCount ? .gaussian : mechanism
        // The Gaussian selects with half of δ and converts with the other half; with public
        // keys nothing is selected and all of δ goes to the conversion.
        let selectionDelta = selection ? (selectingMechanism == .gaussian ? delta / 2 : delta) : 0
        var rho: Double?
        let noises: [NoiseDistribution]
        switch (mechanism, gaussianSelectingCount) {
        case (.laplace, false):
            noises = specs.indices.map {
                NoiseCalibration.laplace(epsilon: part(epsilon, $0), l1Sensitivity: specs[$0].l1)
            }
        case (.gaussian, _):
            let total = NoiseCalibration.rho(epsilon: epsilon, delta: delta - selectionDelta)
            rho = total
            noises = specs.indices.map {
                NoiseCalibration.gaussian(rho: part(total, $0), l2Sensitivity: specs[$0].l2)
            }
        case (.laplace, true):
            let selectingRho = NoiseCalibration.rho(epsilon: part(epsilon, 0), delta: delta - selectionDelta)
            rho = selectingRho
            noises = specs.indices.map { index in
                index == 0
                    ? NoiseCalibration.gaussian(rho: selectingRho, l2Sensitivity: specs[index].l2)
                    : NoiseCalibration.laplace(epsilon: part(epsilon, index), l1Sensitivity: specs[index].l1)
            }
        }
        let statistics = specs.indices.map { index in
            let (spec, noise) = (specs[index], noises[index])
            return StatisticPlan(
                name: spec.name,
                l1Sensitivity: spec.l1,
                l2Sensitivity: spec.l2,
                epsilon: part(epsilon, index),
                noise: noise,
                halfWidth95: noise.halfWidth()
            )
        }
        // With public keys no δ pays for selection, yet the same threshold keeps a group only
        // one person makes from showing (with probability ≤ δ): applied to the merged count,
        // it is post-processing and costs nothing (``ReleaseMerger``).
        let threshold = NoiseCalibration.partitionThreshold(
            noise: noises[0],
            maxGroups: groups,
            delta: selection ? selectionDelta : delta
        )
        return (statistics, max(threshold, Int64(minimum)), threshold, rho, selectionDelta)
    }

    /// The most one person's clamped amounts add to one group: rows × the amount's bound,
    /// or less where the catalog's `measurePerGroup` says so.
    static func amountPerGroup(rows: Int, measure: Int, catalog: Catalog) -> Int64 {
        let rowsBound = Int64(rows) * Int64(measure)
        guard let cap = catalog.queryBounds.measurePerGroup["amountCents"] else { return rowsBound }
        return min(rowsBound, Int64(cap))
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

    static func decimal(_ value: Double) -> String {
        PrivacyCost(microEpsilon: Int64((value * 1_000_000).rounded())).description
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
