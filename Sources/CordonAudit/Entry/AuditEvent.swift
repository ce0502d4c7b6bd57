/// What a caller asks the log to record: an entry without its sequence number and time,
/// which the log assigns.
///
/// ```swift
/// let receipt = try log.append(AuditEvent(
///     actor: "tok_3f9a", actorName: "dpo-anna", role: "dpo", action: "subject.export", regions: ["eu"],
///     purpose: "dsr_access", subjects: [pseudonym], outcome: .ok,
///     policyVersions: ["eu": "gdpr-2025.1"], requestId: "req_81c2"))
/// ```
///
/// - Warning: `subjects` holds **pseudonyms** (the keyed hash the caller computes with the
///   audit pseudonym key), never raw subject ids, external ids, emails or names. No field
///   of an event may carry personal data: the audit trail is kept longer than the data it
///   describes and is shown to auditors. Put counts in `details`, never values.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Who acted: `cli:root`, or a token id.
    public var actor: String
    /// The acting token's name beside its id (`dpo-anna`), so a DPO can read who did what;
    /// absent for the command line and Cordon itself, whose `actor` already says it.
    public var actorName: String?
    /// The actor's role (`admin`, `dpo`, `ingest`, `analyst`, `system`).
    public var role: String
    /// What was done: `ingest.subjects`, `subject.export`, `subject.erase`, `query.run`,
    /// `keys.rotate`, `auth.failure`, ...
    public var action: String
    /// The regions touched.
    public var regions: [String]
    /// The declared purpose of processing, when the operation has one.
    public var purpose: String?
    /// Pseudonyms of the subjects concerned (keyed hashes; never raw identifiers).
    public var subjects: [String]
    /// How it ended.
    public var outcome: AuditOutcome
    /// Why it was denied or failed (non-personal).
    public var reason: String?
    /// The policy version applied, by region.
    public var policyVersions: [String: String]
    /// The request id, to correlate with server logs.
    public var requestId: String
    /// The normalized query text, for `query.run`.
    public var query: String?
    /// The privacy budget spent, for queries.
    public var privacyCost: PrivacyCost?
    /// Small non-personal details: counts, store commit counters (`store.eu.commit` = 42).
    public var details: [String: AuditDetailValue]

    /// An event; see the type's warning about personal data.
    public init(
        actor: String,
        actorName: String? = nil,
        role: String,
        action: String,
        regions: [String] = [],
        purpose: String? = nil,
        subjects: [String] = [],
        outcome: AuditOutcome,
        reason: String? = nil,
        policyVersions: [String: String] = [:],
        requestId: String,
        query: String? = nil,
        privacyCost: PrivacyCost? = nil,
        details: [String: AuditDetailValue] = [:]
    ) {
        self.actor = actor
        self.actorName = actorName
        self.role = role
        self.action = action
        self.regions = regions
        self.purpose = purpose
        self.subjects = subjects
        self.outcome = outcome
        self.reason = reason
        self.policyVersions = policyVersions
        self.requestId = requestId
        self.query = query
        self.privacyCost = privacyCost
        self.details = details
    }
}
