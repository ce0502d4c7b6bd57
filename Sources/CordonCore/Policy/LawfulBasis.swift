/// The legal ground a policy relies on for a purpose.
public enum LawfulBasis: String, CaseIterable, Hashable, Sendable {
    /// The subject's consent (GDPR Art. 6(1)(a), PIPL Art. 13(1), LGPD Art. 7 I).
    case consent
    /// Necessary for a contract with the subject (GDPR Art. 6(1)(b)).
    case contract
    /// The controller's legitimate interest after a balancing test (GDPR Art. 6(1)(f)).
    case legitimateInterest = "legitimate_interest"
    /// Required by law (GDPR Art. 6(1)(c)).
    case legalObligation = "legal_obligation"
    /// Permitted after notice at collection, for laws without a lawful-basis regime
    /// (CCPA 1798.100(b)); the consent model then says whether an opt-out applies.
    case notice
    /// No ground makes the purpose lawful in this jurisdiction.
    case notPermitted = "not_permitted"
}
