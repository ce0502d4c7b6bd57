/// One leaf of the audit log: an ``AuditEvent`` with the sequence number (its leaf index)
/// and the time the log assigned.
///
/// On disk an entry is one line of canonical JSON (see `audit/FORMAT.md`); its leaf hash is
/// `SHA-256(0x00 ‖ canonical bytes)`. `Codable` uses the same field names, for the HTTP API.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The 0-based position in the log, equal to the Merkle leaf index.
    public var sequence: UInt64
    /// When the log recorded it (non-decreasing along the log).
    public var time: AuditTimestamp
    /// Everything the caller supplied.
    public var event: AuditEvent

    /// An entry for `event` at `sequence` and `time`.
    public init(sequence: UInt64, time: AuditTimestamp, event: AuditEvent) {
        self.sequence = sequence
        self.time = time
        self.event = event
    }

    /// Who acted.
    public var actor: String { event.actor }
    /// The acting token's name, if any.
    public var actorName: String? { event.actorName }
    /// The actor's role.
    public var role: String { event.role }
    /// What was done.
    public var action: String { event.action }
    /// The regions touched.
    public var regions: [String] { event.regions }
    /// The purpose, if any.
    public var purpose: String? { event.purpose }
    /// Subject pseudonyms.
    public var subjects: [String] { event.subjects }
    /// How it ended.
    public var outcome: AuditOutcome { event.outcome }
    /// Why it was denied or failed.
    public var reason: String? { event.reason }
    /// Policy version by region.
    public var policyVersions: [String: String] { event.policyVersions }
    /// The request id.
    public var requestId: String { event.requestId }
    /// The normalized query, if any.
    public var query: String? { event.query }
    /// The privacy cost, if any.
    public var privacyCost: PrivacyCost? { event.privacyCost }
    /// Non-personal details.
    public var details: [String: AuditDetailValue] { event.details }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case action, actor, actorName, details, outcome, policyVersions
        case privacyCost = "privacyCostMicroEpsilon"
        case purpose, query, reason, regions, requestId, role, sequence, subjects, time
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try c.decode(UInt64.self, forKey: .sequence)
        time = try c.decode(AuditTimestamp.self, forKey: .time)
        event = AuditEvent(
            actor: try c.decode(String.self, forKey: .actor),
            actorName: try c.decodeIfPresent(String.self, forKey: .actorName),
            role: try c.decode(String.self, forKey: .role),
            action: try c.decode(String.self, forKey: .action),
            regions: try c.decode([String].self, forKey: .regions),
            purpose: try c.decodeIfPresent(String.self, forKey: .purpose),
            subjects: try c.decode([String].self, forKey: .subjects),
            outcome: try c.decode(AuditOutcome.self, forKey: .outcome),
            reason: try c.decodeIfPresent(String.self, forKey: .reason),
            policyVersions: try c.decode([String: String].self, forKey: .policyVersions),
            requestId: try c.decode(String.self, forKey: .requestId),
            query: try c.decodeIfPresent(String.self, forKey: .query),
            privacyCost: try c.decodeIfPresent(PrivacyCost.self, forKey: .privacyCost),
            details: try c.decode([String: AuditDetailValue].self, forKey: .details)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(time, forKey: .time)
        try c.encode(event.actor, forKey: .actor)
        try c.encodeIfPresent(event.actorName, forKey: .actorName)
        try c.encode(event.role, forKey: .role)
        try c.encode(event.action, forKey: .action)
        try c.encode(event.regions, forKey: .regions)
        try c.encodeIfPresent(event.purpose, forKey: .purpose)
        try c.encode(event.subjects, forKey: .subjects)
        try c.encode(event.outcome, forKey: .outcome)
        try c.encodeIfPresent(event.reason, forKey: .reason)
        try c.encode(event.policyVersions, forKey: .policyVersions)
        try c.encode(event.requestId, forKey: .requestId)
        try c.encodeIfPresent(event.query, forKey: .query)
        try c.encodeIfPresent(event.privacyCost, forKey: .privacyCost)
        try c.encode(event.details, forKey: .details)
    }
}
