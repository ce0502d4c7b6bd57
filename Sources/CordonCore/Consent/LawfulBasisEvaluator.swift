/// Decides, under one region's policy, whether a purpose is lawful for a subject.
///
/// The rules, in order (each cites where it comes from in the policy files):
/// 1. The policy must permit the purpose at all.
/// 2. A `restricted` or `objected` record stops processing for that purpose
///    (GDPR Art. 18 and 21) — except objection to processing necessary for a contract or a
///    legal obligation, which Art. 21 does not cover.
/// 3. A Global Privacy Control signal, where the policy honours it for the purpose, refuses
///    it whatever the model: a withdrawal of consent for opt-in purposes (GDPR Art. 7(3),
///    an objection by automated means under Art. 21(5)) and an opt-out for opt-out ones
///    (CCPA regs § 7025), including an opt-out purpose that becomes opt-in for a minor.
///    The signal is the subject's current choice, so it outranks an earlier `granted`.
/// 4. Opt-in purposes need a current `granted` record; a subject under the consent age
///    needs a guardian, which Cordon cannot verify, so the purpose is refused as `under_age`
///    (GDPR Art. 8, PIPL Art. 31, COPPA/CCPA 1798.120(c)).
/// 5. Opt-out purposes are lawful until the subject opts out (`withdrawn`/`objected`).
/// 6. Purposes that need no consent (contract, legal obligation) are lawful.
public struct LawfulBasisEvaluator: Sendable {
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    /// The decision for `purpose` and `subject` at `now` (Unix seconds).
    public func decide(_ purpose: Purpose, for subject: SubjectStanding, now: Int64) -> LawfulBasisDecision {
        guard let rule = policy.purposes[purpose], rule.isPermitted else {
            return .refused(reason: .noLawfulBasis, message: "purpose '\(purpose)' is not permitted under \(policy.id)")
        }
        let age = subject.age(at: now)
        let model = policy.consentModel(for: purpose, subjectAge: age) ?? rule.model
        let latest = subject.latestConsents[purpose]
        let current = latest.flatMap { record in (record.expiresAt.map { $0 > now } ?? true) ? record : nil }

        switch current?.state {
        case .restricted?:
            return .refused(
                reason: .restricted,
                message: "processing for '\(purpose)' is restricted by the subject (\(policy.id))"
            )
        case .objected? where rule.lawfulBasis != .contract && rule.lawfulBasis != .legalObligation:
            return .refused(reason: .objected, message: "the subject objected to '\(purpose)' (\(policy.id))")
        default:
            break
        }

        // Before the model: a minor's opt-out purpose turned opt-in must not escape it, and
        // a consent given before the signal is withdrawn by it.
        if subject.globalPrivacyControl && rule.honorsGlobalPrivacyControl {
            return .refused(
                reason: .optedOut,
                message: "a Global Privacy Control signal opts the subject out of '\(purpose)' (\(policy.id))"
            )
        }

        switch model {
        case .optIn:
            if let age, policy.minimumAge.requiresGuardianConsent(age: age, country: subject.country) {
                return .refused(
                    reason: .underAge,
                    message:
                        "subject is under the consent age of \(policy.minimumAge.consentAge(in: subject.country)) in \(subject.country) for '\(purpose)'; a guardian's consent is required"
                )
            }
            guard current?.state == .granted else {
                let why =
                    latest == nil
                    ? "no consent recorded"
                    : (current == nil ? "consent expired" : "consent \(current!.state.rawValue)")
                return .refused(
                    reason: .noLawfulBasis,
                    message: "'\(purpose)' needs opt-in consent under \(policy.id): \(why)"
                )
            }
            return .allowed(basis: rule.lawfulBasis, model: model)
        case .optOut:
            if let state = current?.state, state == .withdrawn || state == .objected {
                return .refused(reason: .optedOut, message: "the subject opted out of '\(purpose)' (\(policy.id))")
            }
            return .allowed(basis: rule.lawfulBasis, model: model)
        case .notRequired:
            return .allowed(basis: rule.lawfulBasis, model: model)
        }
    }

    /// The purposes lawful for `subject` now, sorted.
    public func lawfulPurposes(
        for subject: SubjectStanding,
        among purposes: some Sequence<Purpose>,
        now: Int64
    ) -> [Purpose] {
        purposes.filter { decide($0, for: subject, now: now).isAllowed }.sorted()
    }
}
