public import CordonCrypto

/// An error from the audit trail: safe to log, names the file and sequence number involved.
///
/// The vault fails the operation it was auditing whenever an audit call throws, so every
/// message says what to look at (a file, a sequence number, an `errno` text).
public struct AuditError: CordonError, Equatable {
    /// What went wrong, as a stable, extensible code.
    public struct Code: CordonErrorCode {
        /// The code's stable name (`write_failed`, `tampered`, ...).
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A write, fsync, open, rename or truncate failed; nothing was acknowledged.
        public static let writeFailed = Code("write_failed")
        /// Reading a file of the log failed.
        public static let readFailed = Code("read_failed")
        /// The files do not verify: an edited, deleted, reordered or non-canonical entry,
        /// or a checkpoint that disagrees with the entries.
        public static let tampered = Code("tampered")
        /// The last segment ends with an incomplete line (a crash during a write).
        public static let tornTail = Code("torn_tail")
        /// A checkpoint signature does not verify under the given key.
        public static let signatureInvalid = Code("signature_invalid")
        /// A directory, file, entry or checkpoint does not exist.
        public static let notFound = Code("not_found")
        /// Text that is not a well-formed entry, checkpoint, key or proof.
        public static let malformed = Code("malformed")
        /// An argument outside its domain (an index past the tree size, an empty origin).
        public static let invalidArgument = Code("invalid_argument")
        /// A proof that does not verify against the given root(s).
        public static let proofInvalid = Code("proof_invalid")
        /// The log refuses appends after a write, fsync or checkpoint write failed, until it
        /// recovers (on its own, or through ``AuditLog/recover()``); ``AuditLog/health`` says why.
        public static let unavailable = Code("unavailable")
        /// The log was closed; it accepts no more appends.
        public static let closed = Code("closed")
        /// The log is shorter than a checkpoint signed over it: entries were cut (or the
        /// whole directory replaced by an older copy).
        public static let rolledBack = Code("rolled_back")
        /// The log's root at a checkpoint's size differs from the checkpoint's: its first
        /// entries were rewritten.
        public static let forked = Code("forked")
    }

    /// The stable code.
    public let code: Code
    /// A sentence safe to show and log.
    public let message: String
    /// The first sequence number involved, when there is one.
    public let sequence: UInt64?
    /// The file involved (path relative to the audit directory when possible).
    public let file: String?

    /// Makes an error; `message` must not contain personal data or key bytes.
    public init(_ code: Code, _ message: String, sequence: UInt64? = nil, file: String? = nil) {
        self.code = code
        self.message = message
        self.sequence = sequence
        self.file = file
    }

    public var description: String { "\(message) [\(code)]" }
}
