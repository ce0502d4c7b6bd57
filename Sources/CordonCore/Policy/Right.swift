/// A data-subject right that a policy sets a deadline for.
public enum Right: String, CaseIterable, Hashable, Sendable {
    /// Access to (a copy of) one's data: GDPR Art. 15, CCPA 1798.110, PIPL Art. 45, LGPD Art. 18 II.
    case access
    /// Receiving one's data in a machine-readable format: GDPR Art. 20.
    case portability
    /// Deletion: GDPR Art. 17, CCPA 1798.105, PIPL Art. 47, LGPD Art. 18 VI.
    case erasure
    /// Correction: GDPR Art. 16, CCPA 1798.106, PIPL Art. 46, LGPD Art. 18 III.
    case rectification
    /// Restriction of processing: GDPR Art. 18, PIPL Art. 44, LGPD Art. 18 IV.
    case restriction
    /// Objection to processing: GDPR Art. 21, PIPL Art. 44, LGPD Art. 18 § 2.
    case objection
    /// Opting out of sale or sharing: CCPA 1798.120.
    case optOutSaleShare = "opt_out_sale_share"
}
