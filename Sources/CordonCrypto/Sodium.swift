internal import CSodium

/// One-time libsodium initialization; every public entry point of CordonCrypto calls it.
enum Sodium {
    /// `sodium_init()` is idempotent and thread-safe ("can be called multiple times"); it
    /// returns -1 only when the library cannot initialize (no entropy source).
    static let isReady: Bool = sodium_init() >= 0
}
