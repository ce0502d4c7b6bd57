import CordonCore
import Foundation

extension Endpoints {
    /// `POST /v1/query/release` on a region node (decision 0027): a query a coordinator
    /// relays for the analyst it names, answered with this node's release unmerged — the
    /// noisy values of the groups its partition selection kept, with the plans (noise,
    /// bounds, thresholds) the coordinator's merge needs, and the analyst's budget here. The
    /// node spends the analyst's budget in its regions exactly as for its own analysts, and
    /// keeps the release: the same query by the same analyst in the same periods is answered
    /// again with it, for free. Only the `coordinator` role may call it; the query reads the
    /// regions the body names that this node holds and the token may read.
    func queryRelease(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        let body = try JSONBody.decode(RelayedQueryBody.self, from: request)
        var options = try body.query.options()
        // The coordinator enforced the analyst's purposes; the node keeps the catalog's rule
        // (only purposes analysts may query) and the coordinator token's regions.
        if case .regions(let regions) = token.scope { options.permittedRegions = regions }
        if let named = body.regions {
            let asked = Set(named.map { RegionID(rawValue: $0.lowercased()) })
            options.permittedRegions = options.permittedRegions.map { $0.intersection(asked) } ?? asked
        }
        options = servedOptions(options)
        let release = try session.vault.relayedRelease(
            body.sql,
            purpose: Purpose(rawValue: body.purpose),
            analyst: body.analyst,
            context: context.access,
            options: options
        )
        if !release.cached {
            metrics.recordEpsilonSpent(
                Dictionary(
                    release.budget.compactMap { budget in Double(budget.epsilonSpent).map { (budget.region, $0) } }
                ) {
                    first,
                    _ in first
                }
            )
        }
        return try HTTPResponse.json(release).audited().regionsRead(release.plans.map(\.region))
    }
}
