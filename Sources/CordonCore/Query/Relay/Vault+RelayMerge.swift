import CordonAudit
import Foundation

/// What one node answered a coordinator for its regions: its release, or why there is none
/// (no answer in time, an error, a refusal).
public struct NodeReply: Sendable {
    /// The node's base URL.
    public var node: String
    /// The regions the node was asked for.
    public var regions: [RegionID]
    public var release: NodeRelease?
    /// Why the node gave no release (status, code and message, or the transport failure).
    public var failure: String?

    public init(node: String, regions: [RegionID], release: NodeRelease?, failure: String?) {
        self.node = node
        self.regions = regions
        self.release = release
        self.failure = failure
    }
}

/// No node released anything for a relayed query: there is no answer to give.
public struct RelayUnavailable: Error, Sendable, CustomStringConvertible {
    public var regions: [RegionID]
    /// Per node: why it gave no release.
    public var failures: [String]

    public var description: String {
        "no region node answered: " + failures.joined(separator: "; ")
    }
}

extension Vault {
    /// Merges the nodes' releases of a relayed query into one answer, exactly as one process
    /// merges its regions' releases (``ReleaseMerger``: the same canonical form, intervals from
    /// the combined noise, `regions`/`regionsSuppressed` per row, the same privacy metadata per
    /// region), and lists the regions of every node that gave no release in
    /// `regionsUnavailable`. Audited as `query.relay` (analyst, canonical query, nodes asked,
    /// regions unavailable) before the answer is returned; never a row of data.
    /// - Throws: ``RelayUnavailable`` when no node released anything, or ``VaultError``
    ///   when the audit entry cannot be written.
    public func mergeRelayed(_ plan: RelayPlan, replies: [NodeReply], context: AccessContext) throws -> QueryAnswer {
        var releases: [RegionRelease] = []
        var plans: [RegionPlan] = []
        var nodes: [NodeRelease] = []
        var unavailable: [RegionID] = []
        var failures: [String] = []
        for reply in replies {
            guard let release = reply.release, release.canonicalQuery == plan.canonicalQuery,
                let parts = release.regionReleases, Set(release.plans.map(\.region)).isSubset(of: reply.regions)
            else {
                unavailable += reply.regions
                failures.append("\(reply.node): \(reply.failure ?? "answered with a release of another query")")
                continue
            }
            releases += parts
            plans += release.plans
            nodes.append(release)
            // A region the node was asked for but did not read is never silently omitted.
            unavailable += reply.regions.filter { region in !release.plans.contains { $0.region == region } }
        }
        try recordRelay(plan, replies: replies, unavailable: unavailable, context: context)
        guard !nodes.isEmpty else { throw RelayUnavailable(regions: unavailable.sorted(), failures: failures) }
        plans.sort { $0.region < $1.region }
        let releasedAt = nodes.map(\.releasedAt).max() ?? ""
        let result = ReleaseMerger(
            query: plan.query,
            measureBounds: QueryPlanner.measureBounds(plan.configuration.catalog),
            countries: plan.configuration.regions.mapValues { Set($0.countries.map(\.rawValue)) }
        )
        .merge(releases, plans: plans, releasedAt: releasedAt)
        let budgets = nodes.flatMap(\.budget)
        let privacy = QueryAnswer.Privacy(
            mechanism: result.mechanism,
            confidenceLevel: 0.95,
            cached: nodes.allSatisfy(\.cached),
            epsilonSpent: Dictionary(budgets.map { ($0.region, $0.epsilonSpent) }) { first, _ in first },
            budgetRemaining: Dictionary(budgets.map { ($0.region, $0.budgetRemaining) }) { first, _ in first },
            budgetResetsAt: Dictionary(budgets.map { ($0.region, $0.budgetResetsAt) }) { first, _ in first },
            policyVersions: Dictionary(plans.map { ($0.region.rawValue, $0.policyVersion) }) { first, _ in first },
            regions: result.regions,
            releasedAt: releasedAt
        )
        var answer = QueryAnswer.present(
            result,
            query: plan.query,
            purpose: plan.purpose,
            analyst: plan.analyst,
            privacy: privacy
        )
        if !unavailable.isEmpty { answer.regionsUnavailable = unavailable.map(\.rawValue).sorted() }
        return answer
    }

    /// The coordinator's own `query.relay` entry: who asked what, which nodes, which regions
    /// gave nothing. Fails closed.
    private func recordRelay(
        _ plan: RelayPlan,
        replies: [NodeReply],
        unavailable: [RegionID],
        context: AccessContext
    ) throws {
        var details: [String: AuditDetailValue] = [
            "analyst": .string(plan.analyst),
            "nodes": .string(replies.map(\.node).joined(separator: ",")),
        ]
        if !unavailable.isEmpty {
            details["regionsUnavailable"] = .string(unavailable.map(\.rawValue).sorted().joined(separator: ","))
        }
        let answered = replies.compactMap(\.release)
        if !answered.isEmpty { details["cached"] = .integer(answered.allSatisfy(\.cached) ? 1 : 0) }
        try recordQuery(
            context,
            action: .queryRelay,
            regions: plan.regions,
            purpose: plan.purpose,
            query: plan.canonicalQuery,
            cost: nil,
            outcome: unavailable.count == plan.regions.count ? .error : .ok,
            reason: unavailable.isEmpty
                ? nil : "regions unavailable: \(unavailable.map(\.rawValue).sorted().joined(separator: ", "))",
            details: details
        )
    }
}
