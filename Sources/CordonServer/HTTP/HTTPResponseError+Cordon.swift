public import CordonAudit
public import CordonCore

// The domain errors opt into HTTP deliberately, one code at a time. Client mistakes keep
// their own (safe) message; server-side conditions (storage, keys, audit) get a fixed
// sentence, because their messages name files and directories.

extension VaultError: HTTPResponseError {
    /// A region's store that cannot serve is `503` (`store_corrupt`, `store_rolled_back`,
    /// `store_missing`, `storage_unavailable`) or `507` (`storage_full`), naming the region:
    /// only requests that need it fail.
    public var status: Int {
        switch code {
        case .subjectNotFound: 404
        case .invalidRequest, .unknownRegion: 400
        case .idempotencyKeyInUse: 409
        case .idempotencyKeyReused: 422
        case .storageFull: 507
        default: 503
        }
    }
    public var publicMessage: String {
        switch code {
        case .subjectNotFound: "no such subject (erased, or never ingested)"
        case .invalidRequest, .unknownRegion, .idempotencyKeyReused, .idempotencyKeyInUse: message
        case .auditUnavailable: APIError.auditUnavailable.publicMessage
        case _ where isRegionStorageFailure:
            "region \(regions.map(\.rawValue).joined(separator: ", ")) cannot serve this request now (\(code)); requests for other regions are not affected; the operator has the details"
        default: "the vault cannot serve this request now (\(code)); the operator has the details"
        }
    }
}

extension ControlError: HTTPResponseError {
    public var status: Int {
        switch code {
        case .unknownRequest, .unknownToken: 404
        case .invalidInput: 400
        case .nameTaken: 409
        case .rightNotProvided, .noExtension, .reasonRequired, .alreadyExtended, .extensionTooLate, .alreadyCompleted,
            .alreadyRevoked, .unknownPolicy, .requestMismatch, .regionMismatch:
            409
        default: 503
        }
    }
    public var publicMessage: String { status == 503 ? "the control store cannot serve this request now" : message }
}

extension KeyError: HTTPResponseError {
    public var status: Int { 503 }
    public var publicMessage: String { "the key hierarchy cannot serve this request now (\(code))" }
}

extension AuditError: HTTPResponseError {
    public var status: Int {
        switch code {
        case .invalidArgument: 400
        case .notFound: 404
        default: 503
        }
    }
    public var publicMessage: String {
        switch code {
        case .invalidArgument, .notFound: message
        default: APIError.auditUnavailable.publicMessage
        }
    }
    public var errorCode: String {
        switch code {
        case .invalidArgument: "invalid_request"
        case .notFound: "not_found"
        default: "audit_unavailable"
        }
    }
}

extension LineRejection: HTTPResponseError {
    public var status: Int { 400 }
    public var publicMessage: String { message }
    public var errorCode: String { reason.rawValue }
}

extension QueryError: HTTPResponseError {
    /// A malformed or refused query is the analyst's to fix (400); an exhausted budget (until
    /// the period resets) and a purpose the token does not name are refusals (403).
    public var status: Int { code == .budgetExhausted || code == .purposeNotPermitted ? 403 : 400 }
    /// With its line and column when the problem is in the text.
    public var publicMessage: String { description }
}
