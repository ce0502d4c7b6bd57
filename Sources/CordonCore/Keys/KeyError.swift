public import CordonCrypto

/// A key-hierarchy failure: wrong master key, missing or damaged key files, bad setup.
///
/// Messages say what is wrong and what to do; they never contain key material.
public struct KeyError: CordonError {
    /// A stable, extensible code.
    public struct Code: CordonErrorCode {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The master key does not open this data directory.
        public static let wrongMasterKey = Code("wrong_master_key")
        /// No master key could be obtained (file missing, no passphrase given).
        public static let masterKeyUnavailable = Code("master_key_unavailable")
        /// A key file is missing, unreadable or not in the expected format.
        public static let damagedKeyFile = Code("damaged_key_file")
        /// A key file authenticates but does not belong here (wrong region, wrong version).
        public static let inconsistent = Code("inconsistent")
        /// The data directory is not initialized.
        public static let notInitialized = Code("not_initialized")
        /// A region, key name or version that does not exist.
        public static let unknownKey = Code("unknown_key")
    }

    public let code: Code
    public let message: String
    /// The error that caused this one (a damaged file's decoding error), if any.
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message (declared here so callers need not import CordonCrypto to read it).
    public var description: String { message }
}
