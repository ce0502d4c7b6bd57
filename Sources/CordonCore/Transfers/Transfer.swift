import Foundation

/// One recorded cross-border transfer of one person's data: the destination, the legal
/// mechanism relied on, and the count of people transferred from the region this year.
///
/// Recording a transfer moves no data: the person's data leave only as the export the
/// DPO produces (`cordon subject export`), which is audited on its own. The record is the
/// controller's proof of the mechanism, and the yearly count the 2024 CAC Provisions ask
/// to be tracked.
public struct Transfer: Sendable, Equatable, Encodable {
    /// `trf-` + 16 hex digits.
    public var id: String
    /// The region the person's data are stored in, whose law governs the transfer.
    public var region: RegionID
    /// Cordon's random id of the person.
    public var subjectID: String
    /// The ISO 3166-1 alpha-2 destination country.
    public var destination: String
    public var mechanism: TransferMechanism
    /// The contract, decision or certificate reference, if given.
    public var reference: String?
    /// The consent record the transfer relied on, where the region's law requires the
    /// person's consent to it (PIPL Art. 39 separate consent): the record's source and
    /// when it was recorded, copied from the subject's latest `cross_border_transfer`
    /// record, e.g. `app:separate-consent-dialog, recorded 2026-12-01T10:00:00Z`.
    public var separateConsent: String?
    /// Whether sensitive personal information is transferred (PIPL Art. 28; GDPR Art. 9).
    public var sensitive: Bool
    public var requestedAt: String
    public var requestedBy: String
    public var policy: String
    public var policyVersion: String

    private enum CodingKeys: String, CodingKey {
        case id, region, destination, mechanism, reference, separateConsent, sensitive, requestedAt, requestedBy
        case policy, policyVersion
        case subjectID = "subjectId"
    }
}

/// What ``Vault/requestTransfer(_:now:context:)`` answers: the record, the count of
/// people transferred from its region this calendar year, and warnings about volume tiers.
public struct TransferReceipt: Sendable, Encodable {
    public var transfer: Transfer
    /// Distinct people transferred from the region since 1 January (UTC), this one included,
    /// counted separately for sensitive personal information.
    public var peopleThisYear: Int
    /// Tier warnings, each with its source; empty when none applies.
    public var warnings: [String]
}

/// What `cordon transfer request` asks for.
public struct TransferDraft: Sendable {
    public var subjectID: String
    public var destination: String
    public var mechanism: TransferMechanism
    public var reference: String?
    public var sensitive: Bool

    /// A request; the person's consent, where needed, is the one recorded for them
    /// (`cross_border_transfer`), never something typed here.
    public init(
        subjectID: String,
        destination: String,
        mechanism: TransferMechanism,
        reference: String? = nil,
        sensitive: Bool = false
    ) {
        self.subjectID = subjectID
        self.destination = destination
        self.mechanism = mechanism
        self.reference = reference
        self.sensitive = sensitive
    }
}
