public import CordonAudit
public import CordonCore

// The domain errors opt into HTTP deliberately, one code at a time. Client mistakes keep
// their own (safe) message; server-side conditions (storage, keys, audit) get a fixed
// sentence, because their messages name files and directories.

extension VaultError: HTTPResponseError {
    public var status: Int {
        switch code {
        case .subjectNotFound: 404
        case .invalidRequest, .unknownRegion: 400
        default: 503
        }
    }
    public var publicMessage: String {
        switch code {
        case .subjectNotFound: "no such subject (erased, or never ingested)"
        case .invalidRequest, .unknownRegion: message
        case .auditUnavailable: APIError.auditUnavailable.publicMessage
        default: "the vault cannot serve this request now (\(code)); the operator has the details"
        }
    }
    public var errorCode: String { code.name }
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
    public var errorCode: String { code.name }
}

extension KeyError: HTTPResponseError {
    public var status: Int { 503 }
    public var publicMessage: String { "the key hierarchy cannot serve this request now (\(code))" }
    public var errorCode: String { code.name }
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
    public var errorCode: String { code.name }
}
