import CordonAudit
import CordonCrypto
import Dispatch
import Foundation
import Synchronization

extension Vault {
    /// Answers an aggregate question with differential privacy, spending the analyst's
    /// budget in every region it touches — or returns the stored answer of the identical
    /// (canonical) question asked earlier in the period, for free.
    ///
    /// ```swift
    /// let answer = try vault.query(
    ///     "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE event = 'purchase' GROUP BY channel",
    ///     purpose: .analytics, analyst: "ana", context: context)
    /// ```
    ///
    /// Every call is audited (`query.run`: canonical query, regions, ε spent, outcome),
    /// refusals included; if the entry cannot be written nothing is returned.
    /// - Throws: ``QueryError`` (syntax, refusal, budget) or ``VaultError``.
    public func query(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions()
    ) throws
        -> QueryAnswer
    {
        var random = SystemNoiseRandomness()
        return try query(text, purpose: purpose, analyst: analyst, context: context, options: options, using: &random)
    }

    /// ``query(_:purpose:analyst:context:options:)`` with a chosen randomness source (tests).
    func query(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions,
        using random: inout some NoiseRandomness
    ) throws -> QueryAnswer {
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        let prepared = try prepare(
            text,
            purpose: purpose,
            analyst: analyst,
            context: context,
            options: options,
            now: now
        )
        let query = prepared.query
        let regions = prepared.plans.map(\.region)
        let key = prepared.releaseKey
        // An identical query in flight is computed once: wait for it, then find its release.
        let inFlight = queriesInFlight.lease(key.inFlightKey)
        defer { inFlight.release() }
        let ledger = BudgetLedger(store: control)

        if let stored = try ledger.released(key) {
            let result = try JSONDecoder().decode(ReleasedResult.self, from: stored)
            try recordQuery(
                context,
                action: .queryRun,
                regions: regions,
                purpose: purpose,
                query: query.canonicalText,
                cost: PrivacyCost(microEpsilon: 0),
                details: ["analyst": .string(analyst), "cached": .integer(1)]
            )
            return try answer(result, prepared, cached: true, ledger: ledger, now: now)
        }
        // A region that cannot be read fails the query before any budget is spent: an answer
        // without it would look complete, and its released key would hide the gap.
        try requireServing(regions, prepared: prepared, purpose: purpose, context: context)
        for charge in prepared.charges {
            let spent = try ledger.spent(analyst: analyst, region: charge.region, period: charge.period)
            if spent + charge.microEpsilon > charge.limitMicroEpsilon {
                throw refuse(
                    BudgetLedger.exhausted(charge, spent: spent),
                    text: text,
                    canonical: query.canonicalText,
                    regions: regions,
                    purpose: purpose,
                    analyst: analyst,
                    context: context
                )
            }
        }

        var releases: [RegionRelease] = []
        let hash = ContributionHash(k0: SecureRandom.next64(), k1: SecureRandom.next64())
        let allTotals: [RegionTotals]
        do {
            allTotals = try concurrentRegionTotals(query, plans: prepared.plans, purpose: purpose, hash: hash, now: now)
        } catch let failure as VaultError where failure.isRegionStorageFailure {
            throw refuse(failure, prepared: prepared, purpose: purpose, context: context)
        }
        for (plan, totals) in zip(prepared.plans, allTotals) {
            let keys =
                plan.publicKeys == nil
                ? Self.publicKeys(query)
                : configuration.regions[plan.region].flatMap {
                    PublicKeySet.keys(query, region: $0, catalog: configuration.catalog, now: now)
                }
            do {
                releases.append(try RegionRelease.anonymize(totals, plan: plan, publicKeys: keys, using: &random))
            } catch {
                throw VaultError(
                    .invalidRequest,
                    "a noise scale of this query is too large to sample exactly; narrow the query"
                )
            }
        }
        let result = ReleaseMerger(
            query: query,
            measureBounds: QueryPlanner.measureBounds(configuration.catalog),
            countries: configuration.regions.mapValues { Set($0.countries.map(\.rawValue)) }
        )
        .merge(releases, releasedAt: CivilTime.timestampLabel(now))
        let encoded = try JSONEncoder().encode(result)
        let cost = PrivacyCost(microEpsilon: prepared.charges.map(\.microEpsilon).max() ?? 0)
        var details: [String: AuditDetailValue] = [
            "analyst": .string(analyst), "groups": .integer(Int64(result.groups.count)),
        ]
        for charge in prepared.charges {
            details["epsilon.\(charge.region.rawValue)"] = .string(
                PrivacyCost(microEpsilon: charge.microEpsilon).description
            )
        }
        do {
            try write(
                .control,
                context: context,
                { db in try ledger.spend(prepared.charges, release: key, answer: encoded, at: now, in: db) },
                entry: { _ in
                    AuditRecord(
                        action: .queryRun,
                        regions: regions,
                        purpose: purpose,
                        query: query.canonicalText,
                        privacyCost: cost,
                        details: details
                    )
                }
            )
        } catch let error as QueryError {
            throw refuse(
                error,
                text: text,
                canonical: query.canonicalText,
                regions: regions,
                purpose: purpose,
                analyst: analyst,
                context: context
            )
        }
        return try answer(result, prepared, cached: false, ledger: ledger, now: now)
    }

    /// Throws, after auditing the refusal, when a region the query reads cannot serve.
    private func requireServing(
        _ regions: [RegionID],
        prepared: PreparedQuery,
        purpose: Purpose,
        context: AccessContext
    ) throws {
        var failures: [RegionID: VaultError] = [:]
        for region in regions {
            if case .failure(let failure) = try forRegion(region, { _ in }) { failures[region] = failure }
        }
        guard !failures.isEmpty else { return }
        throw refuse(
            VaultError.regionsUnavailable(
                failures,
                "the query reads it, and an answer without it would look complete; nothing was spent (restrict the query to other regions with WHERE region IN (...))"
            ),
            prepared: prepared,
            purpose: purpose,
            context: context
        )
    }

    /// Records a query that failed because a region could not be read (`query.run`,
    /// outcome `error`, nothing spent) and returns the failure to throw — or the audit
    /// failure, which takes precedence.
    private func refuse(
        _ failure: VaultError,
        prepared: PreparedQuery,
        purpose: Purpose,
        context: AccessContext
    ) -> any Error {
        do {
            try recordQuery(
                context,
                action: .queryRun,
                regions: prepared.plans.map(\.region),
                purpose: purpose,
                query: prepared.query.canonicalText,
                cost: PrivacyCost(microEpsilon: 0),
                outcome: .error,
                reason:
                    "\(failure.code): region \(failure.regions.map(\.rawValue).joined(separator: ", ")) cannot be read",
                details: ["analyst": .string(prepared.analyst), "error": .string(failure.code.name)]
            )
        } catch {
            return error
        }
        return failure
    }

    /// A parsed, validated and planned query with its budget charges.
    struct PreparedQuery {
        var query: ValidatedQuery
        var plans: [RegionPlan]
        var charges: [BudgetLedger.Charge]
        var analyst: String
        var purpose: Purpose
        /// The collection purposes whose events the answer counts.
        var collectionPurposes: [Purpose]
        /// The options that change what is computed (mechanism, ε, bounds), as part of the key.
        var parameters: String

        /// The key a released answer is stored under, so the same query by the same
        /// analyst for the same purpose, over the same compatible collection purposes, in
        /// the same budget periods is answered again, not re-noised: running and explaining
        /// a query must derive it alike.
        var releaseKey: BudgetLedger.ReleaseKey {
            BudgetLedger.ReleaseKey(
                analyst: analyst,
                canonicalQuery: query.canonicalText,
                purpose: purpose,
                collectionPurposes: collectionPurposes,
                parameters: parameters,
                periodKey: charges.map { "\($0.region.rawValue):\($0.period.start)" }.joined(separator: ",")
            )
        }
    }

    /// Parses, validates and plans; a failure is audited before it is thrown.
    func prepare(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions,
        now: Int64
    ) throws
        -> PreparedQuery
    {
        let query: ValidatedQuery
        var plans: [RegionPlan]
        do {
            // Purpose limitation: only a purpose the catalog lets analysts query (never one
            // resting on a contract, which would count everyone), and only one the caller's
            // token names.
            if let refusal = configuration.catalog.queryRefusal(for: purpose) {
                throw QueryError(.purpose, refusal)
            }
            if let permitted = options.permittedPurposes, !permitted.contains(purpose) {
                let names = permitted.sorted().map(\.rawValue).joined(separator: ", ")
                throw QueryError(
                    .purposeNotPermitted,
                    permitted.isEmpty
                        ? "this token may query for no purpose; an admin can issue one with the purposes it needs (token create --purposes)"
                        : "this token may query only for: \(names); '\(purpose)' is not one of them"
                )
            }
            guard !analyst.isEmpty, analyst.count <= 128,
                analyst.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@:".contains($0)) })
            else {
                throw QueryError(.invalid, "an analyst name is 1-128 ASCII letters, digits and - _ . @ :")
            }
            query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
            var planning = options
            planning.now = now
            plans = try QueryPlanner(configuration: configuration, options: planning).plan(query)
        } catch let error as QueryError {
            throw refuse(
                error,
                text: text,
                canonical: nil,
                regions: [],
                purpose: purpose,
                analyst: analyst,
                context: context
            )
        }
        if let permitted = options.permittedRegions {
            let touched = plans.map(\.region)
            plans = plans.filter { permitted.contains($0.region) }
            if plans.isEmpty && !touched.isEmpty {
                throw refuse(
                    QueryError(
                        .refused,
                        "this query reads only regions (\(touched.map(\.rawValue).joined(separator: ", "))) outside your token's scope (\(permitted.map(\.rawValue).sorted().joined(separator: ", ")))"
                    ),
                    text: text,
                    canonical: query.canonicalText,
                    regions: touched,
                    purpose: purpose,
                    analyst: analyst,
                    context: context
                )
            }
        }
        let charges = plans.map { plan -> BudgetLedger.Charge in
            let rules = configuration.policy(for: plan.region).anonymization
            return BudgetLedger.Charge(
                region: plan.region,
                period: BudgetPeriod.containing(now, duration: rules.budgetPeriod),
                microEpsilon: plan.microEpsilon,
                limitMicroEpsilon: Int64((rules.budgetPerPeriod * 1_000_000).rounded())
            )
        }
        return PreparedQuery(
            query: query,
            plans: plans,
            charges: charges,
            analyst: analyst,
            purpose: purpose,
            collectionPurposes: configuration.catalog.collectionPurposes(compatibleWith: purpose),
            parameters: Self.releaseParameters(options)
                + (plans.contains { $0.publicKeys != nil } ? ";keys=public" : "")
        )
    }

    /// The options that change a release, as the `mechanism` column of its key: the
    /// mechanism (`auto` when each region picks), then ε and bounds when the query set them.
    static func releaseParameters(_ options: QueryOptions) -> String {
        var text = options.mechanism?.rawValue ?? "auto"
        if let epsilon = options.epsilon { text += ";epsilon=\(Int64((epsilon * 1_000_000).rounded(.up)))µ" }
        if let groups = options.maxGroupsPerSubject { text += ";groups=\(groups)" }
        if let rows = options.maxRowsPerGroup { text += ";rows=\(rows)" }
        return text
    }

    /// The regions' totals, computed concurrently: regions are separate stores with their
    /// own connections, so a query touching several runs them side by side (the noise is
    /// drawn afterwards, in plan order, from the one randomness source). The first failure
    /// in plan order is thrown.
    private func concurrentRegionTotals(
        _ query: ValidatedQuery,
        plans: [RegionPlan],
        purpose: Purpose,
        hash: ContributionHash,
        now: Int64
    ) throws -> [RegionTotals] {
        guard plans.count > 1 else {
            return try plans.map { try regionTotals(query, plan: $0, purpose: purpose, hash: hash, now: now) }
        }
        let results = Mutex<[Int: Result<RegionTotals, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            let result = Result { try regionTotals(query, plan: plans[index], purpose: purpose, hash: hash, now: now) }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { finished in try plans.indices.map { try finished[$0]!.get() } }
    }

    /// The SQL compiler for one region's part of a query for `purpose` at `now`: the
    /// catalog's compatible collection purposes and the region's retention cutoffs (with the
    /// profile cutoff the lawful population uses). Running and explaining share it.
    func regionSQL(for region: RegionID, purpose: Purpose, now: Int64) throws -> (RegionSQL, profileCutoff: Int64?) {
        let store = try store(region)
        let cutoffs = RetentionRules(policy: store.policy, catalog: configuration.catalog).cutoffs(now: now)
        let sql = RegionSQL(
            region: region,
            collectionPurposes: configuration.catalog.collectionPurposes(compatibleWith: purpose),
            purchaseCutoff: cutoffs.purchases,
            browsingCutoff: cutoffs.browsing
        )
        return (sql, cutoffs.profiles)
    }

    /// The bounded exact totals of one region, computed inside its store.
    func regionTotals(
        _ query: ValidatedQuery,
        plan: RegionPlan,
        purpose: Purpose,
        hash: ContributionHash,
        now: Int64
    ) throws
        -> RegionTotals
    {
        let store = try store(plan.region)
        let (sql, profileCutoff) = try regionSQL(for: plan.region, purpose: purpose, now: now)
        let bounds = QueryPlanner.measureBounds(configuration.catalog)
        return try store.read { db in
            let lawful = try store.lawfulSubjects(for: purpose, now: now, profileCutoff: profileCutoff, in: db)
            switch query.computation {
            case .aggregate where query.table == .subjects:
                return try SubjectAggregation(plan: plan, query: query, sql: sql).run(lawful: lawful, in: db)
            case .aggregate:
                return try GroupAggregation(plan: plan, query: query, sql: sql, hash: hash, measureBounds: bounds).run(
                    lawful: lawful,
                    in: db
                )
            case .shape(let shape):
                return try JourneyAggregation(plan: plan, query: query, shape: shape, sql: sql, hash: hash).run(
                    lawful: lawful,
                    in: db
                )
            }
        }
    }

    /// Group keys that are public (AB variants), so every key is reported.
    static func publicKeys(_ query: ValidatedQuery) -> [[String]]? {
        if case .shape(.abTest(_, let a, let b, _, _)) = query.computation { return [[a], [b]] }
        return nil
    }

    private func answer(
        _ result: ReleasedResult,
        _ prepared: PreparedQuery,
        cached: Bool,
        ledger: BudgetLedger,
        now: Int64
    ) throws -> QueryAnswer {
        var spent: [String: String] = [:]
        var remaining: [String: String] = [:]
        var resets: [String: String] = [:]
        for charge in prepared.charges {
            let used = try ledger.spent(analyst: prepared.analyst, region: charge.region, period: charge.period)
            spent[charge.region.rawValue] = cached ? "0" : PrivacyCost(microEpsilon: charge.microEpsilon).description
            remaining[charge.region.rawValue] =
                PrivacyCost(microEpsilon: max(0, charge.limitMicroEpsilon - used)).description
            resets[charge.region.rawValue] = CivilTime.timestampLabel(charge.period.end)
        }
        let privacy = QueryAnswer.Privacy(
            mechanism: result.mechanism,
            confidenceLevel: 0.95,
            cached: cached,
            epsilonSpent: spent,
            budgetRemaining: remaining,
            budgetResetsAt: resets,
            policyVersions: policyVersions(prepared.plans.map(\.region)),
            regions: result.regions,
            releasedAt: result.releasedAt
        )
        return QueryAnswer.present(
            result,
            query: prepared.query,
            purpose: prepared.purpose,
            analyst: prepared.analyst,
            privacy: privacy
        )
    }
}
