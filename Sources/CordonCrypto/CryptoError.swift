/// An error from a cryptographic operation: safe to log, never carries key bytes or plaintext.
public struct CryptoError: CordonError, Equatable {
    /// What went wrong, as a stable, extensible code.
    public struct Code: CordonErrorCode {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A ciphertext, tag, associated data or key did not authenticate.
        public static let authenticationFailed = Code("authentication_failed")
        /// A key, nonce, salt or signature had the wrong size.
        public static let invalidSize = Code("invalid_size")
        /// An envelope was truncated or its header is not one we write.
        public static let malformedEnvelope = Code("malformed_envelope")
        /// An envelope names an algorithm version this build does not know.
        public static let unsupportedVersion = Code("unsupported_version")
        /// Input that cannot be processed (empty passphrase, invalid context, ...).
        public static let invalidInput = Code("invalid_input")
        /// A public key that is not a valid point.
        public static let invalidPublicKey = Code("invalid_public_key")
        /// Guarded memory or a password hash could not get the memory it needs.
        public static let outOfMemory = Code("out_of_memory")
    }

    public let code: Code
    /// A sentence safe to show and log.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
