import CordonCrypto

extension Vault {
    /// Computes every region's bounded totals and releases them: as one pool noised once when
    /// the plans are pooled (decision 0014, "Pooled noise"), else each region's part noised
    /// on its own; the releases are then merged into one result.
    func release(
        _ prepared: PreparedQuery,
        context: AccessContext,
        now: Int64,
        using random: inout some NoiseRandomness
    ) throws -> ReleasedResult {
        let releases = try anonymizedReleases(prepared, context: context, now: now, using: &random)
        return ReleaseMerger(
            query: prepared.query,
            measureBounds: QueryPlanner.measureBounds(configuration.catalog),
            countries: configuration.regions.mapValues { Set($0.countries.map(\.rawValue)) }
        )
        .merge(releases, plans: prepared.plans, releasedAt: CivilTime.timestampLabel(now))
    }

    /// The releases before any merge: one pooled release for the plans' regions, or one per
    /// region. A node relaying to a coordinator returns these as they are.
    func anonymizedReleases(
        _ prepared: PreparedQuery,
        context: AccessContext,
        now: Int64,
        using random: inout some NoiseRandomness
    ) throws -> [RegionRelease] {
        let (query, purpose, plans) = (prepared.query, prepared.purpose, prepared.plans)
        let hash = ContributionHash(k0: SecureRandom.next64(), k1: SecureRandom.next64())
        let allTotals: [RegionTotals]
        do {
            allTotals = try concurrentRegionTotals(query, plans: plans, purpose: purpose, hash: hash, now: now)
        } catch let failure as VaultError where failure.isRegionStorageFailure {
            throw refuse(failure, prepared: prepared, purpose: purpose, context: context)
        }
        var releases: [RegionRelease] = []
        if let pool = plans.first?.pooledWith, plans.count > 1 {
            let keys =
                plans[0].publicKeys == nil
                ? Self.publicKeys(query)
                : QueryPlanner.pooledPublicKeys(query, regions: pool, configuration: configuration, now: now)
            releases.append(try anonymize(RegionTotals(pooling: allTotals), plan: plans[0], publicKeys: keys, &random))
        } else {
            for (plan, totals) in zip(plans, allTotals) {
                let keys =
                    plan.publicKeys == nil
                    ? Self.publicKeys(query)
                    : configuration.regions[plan.region].flatMap {
                        PublicKeySet.keys(query, region: $0, catalog: configuration.catalog, now: now)
                    }
                releases.append(try anonymize(totals, plan: plan, publicKeys: keys, &random))
            }
        }
        return releases
    }

    /// Noises one release, turning a noise scale too large to sample exactly into a refusal.
    private func anonymize(
        _ totals: RegionTotals,
        plan: RegionPlan,
        publicKeys: [[String]]?,
        _ random: inout some NoiseRandomness
    ) throws -> RegionRelease {
        do {
            return try RegionRelease.anonymize(totals, plan: plan, publicKeys: publicKeys, using: &random)
        } catch {
            throw VaultError(
                .invalidRequest,
                "a noise scale of this query is too large to sample exactly; narrow the query"
            )
        }
    }

    /// Group keys that are public (AB variants), so every key is reported.
    static func publicKeys(_ query: ValidatedQuery) -> [[String]]? {
        if case .shape(.abTest(_, let a, let b, _, _)) = query.computation { return [[a], [b]] }
        return nil
    }
}
