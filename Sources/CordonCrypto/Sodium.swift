internal import CSodium

/// One-time libsodium initialization, checked by every entry point of CordonCrypto.
enum Sodium {
    /// `sodium_init()` "can be called multiple times" and is thread-safe; it returns -1
    /// only when the library cannot initialize (for instance, no entropy source).
    static let isReady: Bool = sodium_init() >= 0

    /// Traps when libsodium could not initialize: without a CSPRNG nothing here is safe,
    /// and this is an environment failure no caller can recover from.
    static func ensureReady() {
        precondition(isReady, "libsodium failed to initialize (sodium_init() < 0): no secure randomness available")
    }
}

extension Sodium {
    /// The one place a libsodium return code becomes a typed error: libsodium returns 0 on
    /// success and -1 on failure, with no further detail, so the caller names the failure.
    static func check(_ result: Int32, or error: @autoclosure () -> CryptoError) throws {
        guard result == 0 else { throw error() }
    }
}
