/// Why a record (an ingest line, a request) was refused: a stable code for scripts and
/// dashboards, paired with a sentence wherever it is reported.
public enum RejectReason: String, Sendable, Codable, CaseIterable, Comparable {
    /// The line is not a JSON object.
    case malformedJSON = "malformed_json"
    /// A field is undeclared, missing, of the wrong type, too long or out of bounds.
    case invalidField = "invalid_field"
    /// The country of residence maps to no region.
    case unknownCountry = "unknown_country"
    /// No subject with that `externalId` exists (events must follow their subject).
    case unknownSubject = "unknown_subject"
    /// No lawful basis for the purpose (no consent, consent withdrawn or expired, purpose not permitted).
    case noLawfulBasis = "no_lawful_basis"
    /// The subject is below the policy's consent age for an opt-in purpose.
    case underAge = "under_age"
    /// The subject opted out (or sent Global Privacy Control) for an opt-out purpose.
    case optedOut = "opted_out"
    /// The subject restricted processing (GDPR Art. 18).
    case restricted = "restricted"
    /// The subject objected to the purpose (GDPR Art. 21).
    case objected = "objected"
    /// The subject is stored in another region; moving residence needs an explicit transfer.
    case regionChange = "region_change"
    /// The line exceeds the maximum line size.
    case lineTooLong = "line_too_long"
    /// The line's region is outside the regions the caller may write to (an HTTP token
    /// scoped to other regions).
    case regionNotPermitted = "region_not_permitted"
    /// A region the line needs cannot be read or written now (its store is damaged, rolled
    /// back, missing or full): the line was not stored and may be sent again once the
    /// region is back in service. The summary's `unavailableRegions` says which and why.
    case regionUnavailable = "region_unavailable"

    public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
