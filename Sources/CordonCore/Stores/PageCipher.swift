import CordonStore

/// The AEAD that seals every page of a store, as callers choose it (`cordon init
/// --page-cipher`, `cordon keys rotate --cipher`); the raw values are what `cordon.json`
/// records. The store layer's own type stays inside the core (decision 0004).
public enum PageCipher: String, Sendable, Hashable, CaseIterable, Codable {
    /// XChaCha20-Poly1305, the default: runs on every CPU.
    case xChaCha20Poly1305 = "xchacha20-poly1305"
    /// AES-256-GCM, on CPUs with AES-NI and CLMUL only.
    case aes256GCM = "aes-256-gcm"

    /// Whether this CPU can seal and open pages with the cipher.
    public var isAvailable: Bool { algorithm.isAvailable }

    /// The store layer's algorithm.
    var algorithm: PageEncryption.Algorithm {
        switch self {
        case .xChaCha20Poly1305: .xChaCha20Poly1305
        case .aes256GCM: .aes256GCM
        }
    }

    init(_ algorithm: PageEncryption.Algorithm) {
        switch algorithm {
        case .xChaCha20Poly1305: self = .xChaCha20Poly1305
        case .aes256GCM: self = .aes256GCM
        }
    }
}
