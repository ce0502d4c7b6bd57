public import CordonCrypto
public import Foundation

/// Where a data directory's master key comes from (DESIGN.md, Keys).
///
/// Resolution from the environment, in order: `CORDON_MASTER_KEY_FILE` (a 32-byte file you
/// manage), `CORDON_PASSPHRASE` (Argon2id with a salt stored in the data directory), or the
/// data directory's own `master.key`.
public enum MasterKeySource: Sendable, Equatable {
    /// A file holding the 32 raw key bytes (or 64 hex digits).
    case keyFile(URL)
    /// A passphrase stretched with Argon2id (`crypto_pwhash`); the salt and cost live in
    /// `<data>/master.kdf`.
    case passphrase([UInt8])
    /// A key already in guarded memory: combined from key shares (`cordon unseal`), never
    /// read from or written to a file. Recorded as kind `file` (the key a file would hold).
    case key(MasterKey)

    /// The kind recorded in `cordon.json`, so a later open with the other kind fails clearly.
    public var kind: String {
        switch self {
        case .keyFile, .key: "file"
        case .passphrase: "passphrase"
        }
    }

    /// The source the environment asks for, defaulting to `<data>/master.key`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        dataDirectory: URL
    ) -> MasterKeySource {
        if let path = environment["CORDON_MASTER_KEY_FILE"], !path.isEmpty {
            return .keyFile(URL(fileURLWithPath: path))
        }
        if let passphrase = environment["CORDON_PASSPHRASE"], !passphrase.isEmpty {
            return .passphrase(Array(passphrase.utf8))
        }
        return .keyFile(dataDirectory.appendingPathComponent("master.key"))
    }

    /// Where a pending (mid-rotation) key or salt is kept until the rotation commits.
    func pendingURL(dataDirectory: URL) -> URL {
        switch self {
        case .keyFile(let url): url.appendingPathExtension("new")
        case .passphrase: dataDirectory.appendingPathComponent("master.kdf.new")
        case .key: dataDirectory.appendingPathComponent("master.key.new")
        }
    }

    func currentURL(dataDirectory: URL) -> URL {
        switch self {
        case .keyFile(let url): url
        case .passphrase: dataDirectory.appendingPathComponent("master.kdf")
        case .key: dataDirectory.appendingPathComponent("master.key")
        }
    }
}

/// A short public identifier of a master key: the first 8 bytes of a keyed BLAKE2b of a
/// fixed label. It tells which key wrapped a key file without revealing the key.
enum MasterKeyID {
    static func of(_ key: MasterKey) -> String {
        Hex.encode(KeyedHash.hash(Array("cordon master key id v1".utf8), key: key, byteCount: 16).prefix(8))
    }
}
