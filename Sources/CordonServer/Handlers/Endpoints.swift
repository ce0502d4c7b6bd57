import CordonCore
import Foundation

/// The handlers of every route, with what they share: configuration, the vault slot,
/// metrics and the authorization policy. Routes are registered in `Endpoints+Routes.swift`.
struct Endpoints: Sendable {
    let configuration: ServerConfiguration
    let slot: VaultSlot
    let metrics: ServerMetrics
    /// The peers accepted as witnesses of this node's trail.
    let witnesses: WitnessRoster
    let policy: any AuthorizationPolicy
    let unsealLimiter: RateLimiter
    let openVault: @Sendable (MasterKeySource) throws -> Vault
    /// Key shares received towards unsealing (`POST /v1/unseal` with a share).
    let unsealShares = UnsealShares()

    /// Opens the configured data directory with a key source (for unsealing).
    static func defaultOpener(_ configuration: ServerConfiguration) -> @Sendable (MasterKeySource) throws -> Vault {
        { source in
            guard let policies = configuration.policies else {
                throw APIError(
                    status: 503,
                    code: "not_configured",
                    message: "the server has no policies to open the vault with"
                )
            }
            return try Vault.open(
                dataDirectory: configuration.dataDirectory,
                configuration: policies,
                source: source,
                passphraseParameters: configuration.passphraseParameters
            )
        }
    }

    // MARK: Helpers shared by handlers

    /// Asks the policy about `region` for the route's operation; notes the region for
    /// the audit entry either way.
    /// A region this node does not hold is `421` first (decision 0024).
    func authorize(_ context: RequestContext, region: RegionID) throws {
        try requireServed(region, context)
        context.touch(region: region)
        let token = try context.requireToken()
        try policy.decide(token, operation: context.operation ?? .probe, region: region).enforce()
    }

    /// Whether the token may perform the route's operation in `region` (for filtering).
    /// Regions this node does not hold are never permitted here.
    func permits(_ context: RequestContext, region: RegionID) -> Bool {
        guard let token = context.token, serves(region) else { return false }
        return policy.decide(token, operation: context.operation ?? .probe, region: region) == .allowed
    }

    /// The `{id}` path parameter as a subject id (`400` when malformed).
    func subjectID(_ context: RequestContext) throws -> SubjectID {
        guard let text = context.parameter("id"), let id = SubjectID(rawValue: text) else {
            throw APIError.badRequest("a subject id is 32 lowercase hex digits")
        }
        context.touch(subject: id)
        return id
    }

    /// The region holding subject `id`, after checking the token may act there: `404
    /// subject_not_found` when no region holds it, `403 region_not_permitted` when the
    /// token's regions do not include it. When it is in none of the regions that answered
    /// and one could not be searched, that region's failure (503) — unless the token may
    /// not act there anyway, which makes it `404` for this token.
    func locate(_ id: SubjectID, _ context: RequestContext) throws -> (VaultSession, RegionID) {
        let session = try context.requireSession()
        let found: RegionID?
        do {
            found = try session.vault.region(of: id)
        } catch let failure as VaultError where failure.isRegionStorageFailure {
            guard failure.regions.contains(where: { permits(context, region: $0) }) else {
                throw VaultError(.subjectNotFound, "no such subject")
            }
            throw failure
        }
        guard let region = found else { throw subjectNotHere() }
        try authorize(context, region: region)
        return (session, region)
    }

    /// `404 subject_not_found`; on a node holding only some regions, the message says where
    /// else the subject may be and how to be told (decision 0024).
    func subjectNotHere() -> any Error {
        guard let nodes = configuration.nodes, !nodes.servesEverything else {
            return VaultError(.subjectNotFound, "no such subject")
        }
        let held = nodes.served.sorted().map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: 404,
            code: "subject_not_found",
            message:
                "no such subject on this node, which holds only \(held); a subject of another region lives on that region's node (GET /v1/regions): send the request there, or add ?region= or ?country= to be answered 421 with its node"
        )
    }

    /// A required query argument (`400` when missing).
    func query(_ request: HTTPRequest, _ name: String) throws -> String {
        guard let value = request.query[name], !value.isEmpty else {
            throw APIError.badRequest("missing query argument '\(name)'")
        }
        return value
    }

    /// An optional unsigned integer query argument (`400` when not a number).
    func unsigned(_ request: HTTPRequest, _ name: String) throws -> UInt64? {
        guard let text = request.query[name] else { return nil }
        guard let value = UInt64(text) else { throw APIError.badRequest("'\(name)' must be a non-negative integer") }
        return value
    }
}
