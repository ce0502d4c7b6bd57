import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

/// The transfer gate's one door: a cross-border transfer of one person's data is recorded
/// only when the person's region's policy allows the mechanism and, where its law says so,
/// the person's latest `cross_border_transfer` record is a current grant (their separate
/// consent); each request (granted or refused) is audited with that record's state, and
/// each granted one counted (decision 0019).
extension Vault {
    /// Records a transfer of the subject's data to `draft.destination` under
    /// `draft.mechanism`. Audited as `transfer.request` under the purpose
    /// `cross_border_transfer`, with the state of the person's latest record for it
    /// (`denied` with the reason when refused).
    ///
    /// ```swift
    /// try vault.recordConsent(id, purpose: .crossBorderTransfer, state: .granted, source: "form-2026-0042", context: context)
    /// let receipt = try vault.requestTransfer(TransferDraft(subjectID: id.rawValue, destination: "DE", mechanism: .cacStandardContract),
    ///                                         now: Date(), context: context)
    /// ```
    /// - Throws: ``RegisterError`` with ``RegisterError/Code/mechanismNotAllowed``,
    ///   ``RegisterError/Code/separateConsentRequired``, ``RegisterError/Code/transferNotLawful``,
    ///   ``RegisterError/Code/notCrossBorder`` or ``RegisterError/Code/invalidInput``;
    ///   ``VaultError/Code/subjectNotFound``.
    public func requestTransfer(_ draft: TransferDraft, now: Date, context: AccessContext) throws -> TransferReceipt {
        try ControlInput.validate(subjectID: draft.subjectID)
        guard let id = SubjectID(rawValue: draft.subjectID), let found = try locate(.id(id)).first else {
            throw VaultError(
                .subjectNotFound,
                "no stored subject with that id (erased, or never ingested); find ids with `cordon subject lookup`"
            )
        }
        let region = found.region
        let policy = configuration.policy(for: region)
        let store = try store(region)
        // The person's own record, read from their region store; the audit entry of the
        // request, granted or refused, carries its state.
        let standing = try store.read { db in try store.standing(of: found.subject, in: db) }
        let consent = TransferConsent(standing: standing, policy: policy, now: UnixSeconds.from(now))
        let destination = try lawfulDestination(
            of: draft,
            region: region,
            policy: policy,
            consent: consent,
            subject: id,
            context: context
        )
        if let reference = draft.reference { try BreachInput.validate(text: reference, field: "reference") }
        let year = ISODuration.utcCalendar.component(.year, from: now)
        let transfer = Transfer(
            id: "trf-" + Hex.encode(SecureRandom.randomID(byteCount: 8)),
            region: region,
            subjectID: draft.subjectID,
            destination: destination.rawValue,
            mechanism: draft.mechanism,
            reference: draft.reference,
            separateConsent: consent.evidence,
            sensitive: draft.sensitive,
            requestedAt: Timestamp.format(UnixSeconds.truncate(now)),
            requestedBy: context.actor,
            policy: policy.id.rawValue,
            policyVersion: policy.version
        )
        let people = try insert(transfer, year: year, at: now, subject: id, consent: consent, context: context)
        let warnings = TransferTiers.warnings(
            people: people,
            sensitive: draft.sensitive,
            mechanism: draft.mechanism,
            tiers: policy.transfers.volumeTiers
        )
        return TransferReceipt(transfer: transfer, peopleThisYear: people, warnings: warnings)
    }

    /// The destination of a transfer the policy and the person's record allow; a refusal
    /// is audited (`transfer.request`, denied) before it is thrown.
    private func lawfulDestination(
        of draft: TransferDraft,
        region: RegionID,
        policy: Policy,
        consent: TransferConsent,
        subject id: SubjectID,
        context: AccessContext
    ) throws -> CountryCode {
        func refuse(_ error: RegisterError) throws -> Never {
            try record(
                context,
                action: .transferRequest,
                regions: [region],
                purpose: .crossBorderTransfer,
                subjects: [id],
                outcome: .denied,
                reason: error.message,
                details: [
                    "mechanism": .string(draft.mechanism.rawValue), "error": .string(error.code.name),
                    "consent": .string(consent.state),
                ]
            )
            throw error
        }
        guard let destination = CountryCode(normalizing: draft.destination) else {
            throw RegisterError(
                .invalidInput,
                "to: give the destination as an ISO 3166-1 alpha-2 country code (e.g. DE, US)"
            )
        }
        if configuration.region(of: destination)?.id == region {
            try refuse(
                RegisterError(
                    .notCrossBorder,
                    "\(destination) is inside region \(region), where the data already are: this is not a cross-border transfer; use `cordon subject export` for portability"
                )
            )
        }
        guard policy.transfers.mechanisms[draft.mechanism] != nil else {
            let allowed = policy.transfers.mechanisms.keys.map(\.rawValue).sorted().joined(separator: ", ")
            try refuse(
                RegisterError(
                    .mechanismNotAllowed,
                    "\(policy.name) (region \(region)) does not recognize '\(draft.mechanism.rawValue)' for a transfer; use one of: \(allowed.isEmpty ? "none (the policy lists no mechanism)" : allowed)"
                )
            )
        }
        if let refusal = consent.refusal(region: region, policy: policy.id) { try refuse(refusal) }
        return destination
    }

    /// Inserts the transfer with its audit entry; returns the people transferred from its
    /// region this year, the new one included.
    private func insert(
        _ transfer: Transfer,
        year: Int,
        at now: Date,
        subject id: SubjectID,
        consent: TransferConsent,
        context: AccessContext
    ) throws -> Int {
        let region = transfer.region
        return try write(
            .control,
            context: context,
            { db -> Int in
                try db.execute(
                    """
                    INSERT INTO transfers(id, region, subject_id, destination, mechanism, reference, separate_consent, sensitive,
                        year, requested_at, requested_by, policy_id, policy_version)
                    VALUES (\(transfer.id), \(region.rawValue), \(transfer.subjectID), \(transfer.destination),
                        \(transfer.mechanism.rawValue), \(transfer.reference), \(transfer.separateConsent),
                        \(Int64(transfer.sensitive ? 1 : 0)), \(Int64(year)), \(UnixSeconds.from(now)), \(transfer.requestedBy),
                        \(transfer.policy), \(transfer.policyVersion))
                    """
                )
                return try Self.peopleTransferred(region: region, year: year, sensitive: transfer.sensitive, in: db)
            },
            entry: { people in
                AuditRecord(
                    action: .transferRequest,
                    regions: [region],
                    purpose: .crossBorderTransfer,
                    subjects: [id],
                    details: [
                        "transfer": .string(transfer.id), "destination": .string(transfer.destination),
                        "mechanism": .string(transfer.mechanism.rawValue), "consent": .string(consent.state),
                        "sensitive": .integer(transfer.sensitive ? 1 : 0),
                        "peopleThisYear": .integer(Int64(people)),
                    ]
                )
            }
        ).value
    }

    /// The recorded transfers, newest first, with the year's counts per region. Audited as `transfer.list`.
    public func listTransfers(
        year: Int? = nil,
        context: AccessContext,
        visible: (RegionID) -> Bool = { _ in true }
    )
        throws -> [Transfer]
    {
        let transfers = try control.read("list transfers") { db in
            let rows =
                if let year {
                    try db.query("SELECT * FROM transfers WHERE year = \(Int64(year)) ORDER BY requested_at DESC, id")
                } else {
                    try db.query("SELECT * FROM transfers ORDER BY requested_at DESC, id")
                }
            return try rows.map(Self.transfer)
        }.filter { visible($0.region) }
        try record(
            context,
            action: .transferList,
            regions: transfers.map(\.region).uniqued().sorted(),
            details: ["transfers": .integer(Int64(transfers.count))]
        )
        return transfers
    }

    /// Distinct people transferred from `region` in `year`, for sensitive or other data.
    static func peopleTransferred(region: RegionID, year: Int, sensitive: Bool, in db: Connection) throws -> Int {
        let count =
            try db.query(
                "SELECT COUNT(DISTINCT subject_id) FROM transfers WHERE region = \(region.rawValue) AND year = \(Int64(year)) AND sensitive = \(Int64(sensitive ? 1 : 0))"
            ).first?.get(Int64.self, at: 0) ?? 0
        return Int(count)
    }

    private static func transfer(_ row: Row) throws -> Transfer {
        let id = try row.get(String.self, "id")
        guard let mechanism = TransferMechanism(rawValue: try row.get(String.self, "mechanism")) else {
            throw ControlError(
                .damagedRecord,
                "transfer \(id) names a mechanism this build does not know; upgrade cordon"
            )
        }
        return Transfer(
            id: id,
            region: RegionID(rawValue: try row.get(String.self, "region")),
            subjectID: try row.get(String.self, "subject_id"),
            destination: try row.get(String.self, "destination"),
            mechanism: mechanism,
            reference: try row.get(String?.self, "reference"),
            separateConsent: try row.get(String?.self, "separate_consent"),
            sensitive: try row.get(Int64.self, "sensitive") == 1,
            requestedAt: Timestamp.format(UnixSeconds.date(try row.get(Int64.self, "requested_at"))),
            requestedBy: try row.get(String.self, "requested_by"),
            policy: try row.get(String.self, "policy_id"),
            policyVersion: try row.get(String.self, "policy_version")
        )
    }
}
