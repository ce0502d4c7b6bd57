/// What an endpoint does, as the authorization policy sees it: routes name one operation
/// each, and the role matrix is written over operations, not paths.
public enum Operation: String, Sendable, CaseIterable {
    /// `POST /v1/subjects`, `POST /v1/events`.
    case ingest
    /// `GET /v1/subjects/lookup`, `GET /v1/subjects/{id}`: where a subject lives, no PII.
    case subjectRead
    /// Export, erasure, rectification, consent changes and the DSR register.
    case dataSubjectRequest
    /// The DPO's registers: `/v1/breaches`, `/v1/ropa`, `/v1/transfers`.
    case registers
    /// `GET /v1/audit/entries`; on a coordinator also `GET /v1/federation/audit/entries`,
    /// the same search fanned out to every node (decision 0027).
    case auditRead
    /// `GET /v1/audit/entries/relay`: a node's entries by action and time for a coordinator's
    /// federated search, without subjects, actors or any other per-person field (the
    /// `coordinator` role only; decision 0027). Access history by subject or actor stays on
    /// the node.
    case auditSearchRelay
    /// Checkpoints, proofs and the verifier key: verification material, no personal data.
    /// On a coordinator also `GET /v1/federation/checkpoints`, every node's checkpoint.
    case auditVerify
    /// `POST /v1/audit/cosignatures`: a peer hands back its cosignature of this node's
    /// checkpoint (the cosignature itself must verify under a configured witness key).
    case witness
    /// `GET /v1/policies`, `GET /v1/policies/{id}`.
    case policyRead
    /// `GET /v1/regions`: the regions, their countries and the node serving each (every
    /// role: ingest services and DSR tools route by it; decision 0024).
    case regionDirectory
    /// `POST /v1/retention/run`.
    case retention
    /// `GET /v1/stores/verify`.
    case storeVerify
    /// `GET/POST /v1/tokens`, `DELETE /v1/tokens/{id}`.
    case tokenAdmin
    /// `POST /v1/query`: an aggregate, anonymized answer (analysts).
    case query
    /// `POST /v1/query/release`: a node's unmerged release of a query a coordinator relays
    /// for a named analyst (the `coordinator` role only; decision 0027).
    case queryRelay
    /// `GET /v1/budget`: the analyst's privacy budget per region.
    case budget
    /// `GET /metrics`.
    case metrics
    /// `/healthz`, `/readyz`, `POST /v1/unseal`: no token (unseal has its own rules).
    case probe
    /// `GET /v1/keys`: key ids and versions (no key material).
    case keyStatus
    /// `POST /v1/backups`: a sealed, signed backup of the whole vault into the server's
    /// backup directory (every region: a token for all of them).
    case backup
    /// `GET /v1/whoami`: the calling token's own name, role, regions and purposes (every role;
    /// the console asks it at sign-in to show the pages of the role).
    case whoami
    /// `GET /console/...`: the console's static files, the same bytes for everyone; no token.
    case consoleAsset

    /// Whether a bearer token is needed at all.
    public var requiresToken: Bool { self != .probe && self != .consoleAsset }
}
