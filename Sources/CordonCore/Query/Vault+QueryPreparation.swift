import CordonAudit
import CordonCrypto
import Foundation

extension Vault {
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
        var planning = options
        planning.now = now
        let planner = QueryPlanner(configuration: configuration, options: planning)
        do {
            try requireQueryable(purpose, analyst: analyst, options: options)
            query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
            plans = try planner.plan(query)
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
            plans = try restrict(
                plans,
                to: permitted,
                query: query,
                text: text,
                purpose: purpose,
                analyst: analyst,
                context: context
            )
        }
        // The regions this process holds are noised as one pool (decision 0014, "Pooled noise").
        do {
            plans = try planner.pooled(plans, query)
        } catch {
            throw refuse(
                error,
                text: text,
                canonical: query.canonicalText,
                regions: plans.map(\.region),
                purpose: purpose,
                analyst: analyst,
                context: context
            )
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
                + (plans.contains { $0.pooledWith != nil } ? ";noise=pooled" : "")
        )
    }

    /// Purpose limitation and the analyst's name: what any query must pass before parsing.
    private func requireQueryable(_ purpose: Purpose, analyst: String, options: QueryOptions) throws {
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
    }

    /// The plans inside the token's regions; a query that reads none of them is refused
    /// (and audited).
    private func restrict(
        _ plans: [RegionPlan],
        to permitted: Set<RegionID>,
        query: ValidatedQuery,
        text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext
    ) throws -> [RegionPlan] {
        let touched = plans.map(\.region)
        let kept = plans.filter { permitted.contains($0.region) }
        if kept.isEmpty && !touched.isEmpty {
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
        return kept
    }

    /// The options that change a release, as the `mechanism` column of its key: the
    /// mechanism (`auto` when each region picks), then ε and bounds when the query set them.
    static func releaseParameters(_ options: QueryOptions) -> String {
        var text = options.mechanism?.rawValue ?? "auto"
        if let epsilon = options.epsilon { text += ";epsilon=\(Int64((epsilon * 1_000_000).rounded(.up)))µ" }
        if let groups = options.maxGroupsPerSubject { text += ";groups=\(groups)" }
        if let rows = options.maxRowsPerGroup { text += ";rows=\(rows)" }
        if let threshold = options.releaseThreshold { text += ";threshold=\(threshold)" }
        return text
    }
}
