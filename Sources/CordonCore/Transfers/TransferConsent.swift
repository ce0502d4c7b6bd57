/// Whether the person's own consent record lets their data leave their region: the
/// `cross_border_transfer` purpose decided under their region's policy like any other
/// purpose (decision 0019).
///
/// Where the policy makes it opt-in with separate consent (PIPL Art. 39), the latest record
/// must be a current grant; a withdrawal, an objection, a restriction or an expiry stops
/// the next transfer, as it stops any processing. Where the law asks no consent (the
/// mechanism is the legal ground: GDPR Chapter V, LGPD Art. 33), only the person's
/// restriction, or an objection the law lets them make, stops it. Pure, so a test can
/// state each case without a vault.
struct TransferConsent: Sendable {
    /// The evaluator's decision for `cross_border_transfer`.
    let decision: LawfulBasisDecision
    /// The subject's latest record for the purpose, current or not.
    let latest: ConsentRecord?
    /// Whether the region's law requires the person's consent to the transfer.
    let required: Bool
    /// The article requiring it, in the policy's words.
    let article: String?
    /// Whether ``latest`` had lapsed at the instant decided for.
    let expired: Bool

    /// Decides for `standing` under `policy` at `now` (Unix seconds).
    init(standing: SubjectStanding, policy: Policy, now: Int64) {
        let rule = policy.purposes[.crossBorderTransfer]
        decision = LawfulBasisEvaluator(policy: policy).decide(.crossBorderTransfer, for: standing, now: now)
        latest = standing.latestConsents[.crossBorderTransfer]
        expired = latest?.expiresAt.map { $0 <= now } ?? false
        // `transfers.separateConsent` and the purpose rule say the same thing; either one
        // is enough to ask for the record, so a policy that says it in one place only
        // still gets the check.
        required = policy.transfers.separateConsent != nil || rule?.requiresConsent == true
        article = policy.transfers.separateConsent ?? (required ? rule?.source : nil)
    }

    /// The record's state for the audit entry: `granted`, `withdrawn`, `restricted`,
    /// `objected`, `expired` or `none`.
    var state: String {
        guard let latest else { return "none" }
        return expired ? "expired" : latest.state.rawValue
    }

    /// Whether the transfer may be recorded.
    var permits: Bool {
        decision.isAllowed && (!required || (latest?.state == .granted && !expired))
    }

    /// The evidence kept with the transfer: the grant's source and when it was recorded.
    var evidence: String? {
        guard required, permits, let latest else { return nil }
        return "\(latest.source), recorded \(Timestamp.format(UnixSeconds.date(latest.recordedAt)))"
    }

    /// The refusal for a subject of `region`, or `nil` when ``permits``; it says how to
    /// record the consent the person gives.
    func refusal(region: RegionID, policy: PolicyID) -> RegisterError? {
        guard !permits else { return nil }
        let why: String =
            switch decision {
            case .refused(_, let message): message
            case .allowed: "the latest cross_border_transfer record is \(state), not a current grant"
            }
        let record =
            "record it when the person gives it, on its own (`cordon subject consent SUBJECT_ID --purpose cross_border_transfer --state granted --source REF`, `POST /v1/subjects/{id}/consents`, or `consents` on the subject's ingest line), then repeat the request"
        if required {
            return RegisterError(
                .separateConsentRequired,
                "region \(region) requires the person's separate consent to this cross-border transfer (\(article ?? "\(policy)")), and \(why); \(record)"
            )
        }
        return RegisterError(
            .transferNotLawful,
            "the person's own record stops this transfer: \(why); a transfer waits until the restriction or objection is lifted (a new cross_border_transfer record)"
        )
    }
}
