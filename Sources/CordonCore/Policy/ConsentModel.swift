/// How the subject's choice gates a purpose.
public enum ConsentModel: String, CaseIterable, Hashable, Sendable {
    /// Processing waits for an affirmative, recorded consent.
    case optIn = "opt_in"
    /// Processing is allowed until the subject opts out (or sends a signal the policy honours).
    case optOut = "opt_out"
    /// The subject's choice does not gate the purpose (contract, legal obligation).
    case notRequired = "not_required"
}
