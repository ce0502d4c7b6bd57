public import CordonCrypto

/// A backup that cannot be made or used: which file, and why. Messages never hold key bytes.
public struct BackupError: CordonError {
    /// A stable, extensible code; compare with `==`.
    public struct Code: CordonErrorCode {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The backup does not verify or cannot be restored (a missing, altered or foreign file).
        public static let unusable = Code("backup_unusable")
        /// A file of the backup could not be created or written; ``BackupError/underlying``
        /// has the cause.
        public static let writeFailed = Code("backup_write_failed")
    }

    /// What kind of failure this is.
    public let code: Code
    /// The file at fault, relative to the backup directory (nil: the backup as a whole).
    public let file: String?
    public let message: String
    /// The error that caused this one (a copy, a decoding, a key that does not open), if any.
    public let underlying: (any Error & Sendable)?

    init(
        _ file: String?,
        _ message: String,
        code: Code = .unusable,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.file = file
        self.message = message
        self.underlying = underlying
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
