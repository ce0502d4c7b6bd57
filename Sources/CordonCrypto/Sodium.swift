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
