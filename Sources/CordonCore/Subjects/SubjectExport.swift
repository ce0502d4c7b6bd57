public import CordonAudit

/// The machine-readable package a subject receives on an access or portability request
/// (GDPR Art. 15 and 20, CCPA right to know, LGPD Art. 18, PIPL Art. 45).
public struct SubjectExport: Sendable, Codable {
    /// One consent record, with readable times.
    public struct Consent: Sendable, Codable {
        public var purpose: String
        public var state: String
        public var source: String
        public var recordedAt: String
        public var expiresAt: String?
    }

    /// One stored event.
    public struct Event: Sendable, Codable {
        public var ts: String
        public var event: String
        public var channel: String?
        public var campaign: String?
        public var device: String?
        public var country: String
        public var amountCents: Int?
        public var purpose: String
    }

    /// The policy the data is held under.
    public struct PolicySummary: Sendable, Codable {
        public var id: String
        public var version: String
        public var name: String
        public var jurisdiction: String
        /// Retention per category as ISO 8601 durations.
        public var retention: [String: String]
        /// Purposes lawful for this subject right now, with their basis.
        public var lawfulPurposes: [String: String]
    }

    /// One access to this subject's data, with its inclusion proof in the audit trail.
    public struct Access: Sendable, Codable {
        public var sequence: UInt64
        public var time: String
        public var actor: String
        /// The acting token's name, when the entry records one.
        public var actorName: String?
        public var role: String
        public var action: String
        public var purpose: String?
        public var outcome: String
        public var requestId: String
        public var proof: AuditInclusionProof
    }

    public var format = "cordon.subject-export.v1"
    public var generatedAt: String
    public var subjectId: SubjectID
    public var region: String
    public var storageLocation: String
    public var country: String
    public var birthYear: Int?
    public var globalPrivacyControl: Bool
    public var pii: [String: String]
    public var consents: [Consent]
    public var events: [Event]
    public var policy: PolicySummary
    /// Who accessed this subject's data, when and why, from the audit trail.
    public var accessHistory: [Access]
    /// The signed checkpoint every proof in `accessHistory` verifies against.
    public var auditCheckpoint: String
    /// The key (C2SP verifier-key form) that signs the checkpoints.
    public var auditVerifierKey: String
}
