/// The legal mechanism a cross-border transfer of one person's data relies on.
///
/// Each policy lists the mechanisms its law recognizes (`transfers.mechanisms`, with the
/// article); the transfer gate refuses any other (decision 0019).
public enum TransferMechanism: String, CaseIterable, Hashable, Sendable, Codable {
    /// Standard contractual clauses (GDPR Art. 46(2)(c); UK IDTA/Addendum; ANPD Res. 19/2024).
    case scc
    /// An adequacy decision for the destination (GDPR Art. 45; LGPD Art. 33 I).
    case adequacy
    /// The CAC standard contract, filed with the provincial CAC (PIPL Art. 38(1)(3)).
    case cacStandardContract = "cac-standard-contract"
    /// Personal-information protection certification (PIPL Art. 38(1)(2); GDPR Art. 46(2)(f)).
    case certification
    /// The CAC security assessment (PIPL Art. 38(1)(1), Art. 40).
    case securityAssessment = "security-assessment"
    /// The subject's explicit consent to this transfer (GDPR Art. 49(1)(a); LGPD Art. 33 VIII).
    case consent
}
