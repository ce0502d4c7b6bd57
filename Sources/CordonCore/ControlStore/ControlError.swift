public import CordonCrypto

/// A failure of the control store or the data-subject-request register.
///
/// Messages are safe to print and log: they name request ids, rights, regions, policies
/// and dates, never a subject id, a reference, a reason or an outcome (any of which an
/// operator may have typed personal data into), and they say what to do next.
public struct ControlError: CordonError {
    /// A stable, extensible code; compare with `==` (`error.code == .unknownRequest`).
    public struct Code: CordonErrorCode {
        /// The code's name, as scripts and logs see it.
        public let name: String

        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The data directory does not exist or is not initialized.
        public static let notInitialized = Code("not_initialized")
        /// `control.db` could not be opened, read or written; ``ControlError/underlying`` has the cause.
        public static let storage = Code("storage")
        /// A stored row holds a value this build does not understand.
        public static let damagedRecord = Code("damaged_record")
        /// No request has this id.
        public static let unknownRequest = Code("unknown_request")
        /// The request was opened under a policy that is not loaded.
        public static let unknownPolicy = Code("unknown_policy")
        /// The policy does not grant the right asked for.
        public static let rightNotProvided = Code("right_not_provided")
        /// The policy allows no extension of this right's deadline.
        public static let noExtension = Code("no_extension")
        /// The policy requires a reason for an extension and none was given.
        public static let reasonRequired = Code("reason_required")
        /// The request was extended before; an extension can be taken once.
        public static let alreadyExtended = Code("already_extended")
        /// The original deadline has passed, so an extension is no longer lawful.
        public static let extensionTooLate = Code("extension_too_late")
        /// The request is completed and cannot change any more.
        public static let alreadyCompleted = Code("already_completed")
        /// The request named to be answered is for another right, subject or region than
        /// the operation (an export cannot answer an erasure request).
        public static let requestMismatch = Code("request_mismatch")
        /// The region given for a request is not the region of its subject, whose law
        /// governs it.
        public static let regionMismatch = Code("region_mismatch")
        /// An argument is malformed (an id, a reference, a text, a date order).
        public static let invalidInput = Code("invalid_input")
        /// No API token has this id.
        public static let unknownToken = Code("unknown_token")
        /// The API token was revoked before.
        public static let alreadyRevoked = Code("already_revoked")
        /// An active API token already has this name (names say who acted in the audit trail).
        public static let nameTaken = Code("name_taken")
        /// `control.db` is missing from an initialized data directory (deleted): only
        /// `cordon init` creates it, so it is never silently recreated empty.
        public static let missing = Code("control_missing")
    }

    /// What kind of failure this is.
    public let code: Code
    /// One or two sentences safe to print: what is wrong and what to do.
    public let message: String
    /// The error that caused this one, such as a `StoreError`, if any.
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
