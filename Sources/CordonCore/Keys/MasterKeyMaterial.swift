import CordonCrypto
import Foundation

/// Reads, creates and replaces the on-disk material behind a `MasterKeySource`: the key
/// file itself, or the Argon2id salt and cost of a passphrase.
struct MasterKeyMaterial {
    let source: MasterKeySource
    let dataDirectory: URL
    /// Argon2id cost for new passphrase salts (tests use the minimum).
    var passphraseParameters: PasswordKDF.Parameters = .moderate

    /// The key the source gives now.
    func loadCurrent() throws -> MasterKey {
        if case .key(let key) = source { return key }
        return try load(from: source.currentURL(dataDirectory: dataDirectory), pending: false)
    }

    /// The key of an interrupted rotation, if one was left behind.
    func loadPending() throws -> MasterKey? {
        if case .key = source { return nil }  // a rotation in progress needs its key file
        let url = source.pendingURL(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try load(from: url, pending: true)
    }

    /// Whether the source already has material on disk.
    var exists: Bool {
        if case .key = source { return true }
        return FileManager.default.fileExists(atPath: source.currentURL(dataDirectory: dataDirectory).path)
    }

    /// Creates material for a new data directory (never overwrites).
    func createCurrent() throws -> MasterKey {
        try create(at: source.currentURL(dataDirectory: dataDirectory))
    }

    /// Writes a new key (or salt) beside the current one, for a rotation.
    func createPending() throws -> MasterKey {
        let url = source.pendingURL(dataDirectory: dataDirectory)
        try DurableFile.remove(url)  // a stale pending file from an aborted start is never used
        return try create(at: url)
    }

    /// Makes the pending key current (the last, atomic step of a rotation).
    func commitPending() throws {
        try DurableFile.move(
            source.pendingURL(dataDirectory: dataDirectory),
            to: source.currentURL(dataDirectory: dataDirectory)
        )
    }

    /// Permission problems worth a warning (a key file others can read).
    func warnings() -> [String] {
        guard case .keyFile(let url) = source,
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let mode = attributes[.posixPermissions] as? Int
        else { return [] }
        return mode & 0o077 != 0
            ? ["\(url.path) is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(url.path)"] : []
    }

    private func create(at url: URL) throws -> MasterKey {
        switch source {
        case .key:
            throw KeyError(
                .masterKeyUnavailable,
                "a master key combined from shares is held in memory only; rotate it with the key file (CORDON_MASTER_KEY_FILE), then split it again"
            )
        case .keyFile:
            let key = MasterKey()
            try key.withUnsafeBytes { try DurableFile.create(Array($0), at: url) }
            return key
        case .passphrase(let passphrase):
            let salt = SecureRandom.bytes(count: PasswordKDF.saltByteCount)
            let record = PassphraseRecord(
                algorithm: "argon2id13",
                salt: Data(salt).base64EncodedString(),
                opsLimit: passphraseParameters.opsLimit,
                memLimit: passphraseParameters.memLimit
            )
            let key = try PasswordKDF.deriveKey(
                MasterKeyRole.self,
                passphrase: passphrase,
                salt: salt,
                parameters: passphraseParameters
            )
            try DurableFile.create(Array(try JSONEncoder().encode(record)), at: url)
            return key
        }
    }

    private func load(from url: URL, pending: Bool) throws -> MasterKey {
        let what = pending ? "pending master key" : "master key"
        guard FileManager.default.fileExists(atPath: url.path) else {
            // After `keys split --remove-key-file` the key is only in shares: say how to use them.
            let custody = pending ? nil : (try? KeyCustody.read(from: dataDirectory)) ?? nil
            let hint =
                custody?.keyFileRemoved == true
                ? "; the key is held as \(custody!.shares) shares (custody.json): unseal a running server with `cordon unseal --share -`, or stage the key with `cordon keys combine --out /dev/shm/cordon.key` and set CORDON_MASTER_KEY_FILE"
                : ""
            throw KeyError(.masterKeyUnavailable, "\(what) file \(url.path) does not exist\(hint)")
        }
        let bytes = try DurableFile.read(url)
        switch source {
        case .key(let key):
            return key
        case .keyFile:
            if bytes.count == MasterKey.byteCount {
                return try MasterKey(copying: bytes)
            }
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.count == 64, var decoded = Hex.decode(text) {
                defer { for index in decoded.indices { decoded[index] = 0 } }
                return try MasterKey(copying: decoded)
            }
            throw KeyError(
                .damagedKeyFile,
                "\(url.path) must hold a 32-byte key (raw, or 64 hex digits); it holds \(bytes.count) bytes"
            )
        case .passphrase(let passphrase):
            guard let record = try? JSONDecoder().decode(PassphraseRecord.self, from: Data(bytes)),
                record.algorithm == "argon2id13", let salt = Data(base64Encoded: record.salt)
            else {
                throw KeyError(.damagedKeyFile, "\(url.path) is not a valid Argon2id salt record")
            }
            return try PasswordKDF.deriveKey(
                MasterKeyRole.self,
                passphrase: passphrase,
                salt: [UInt8](salt),
                parameters: PasswordKDF.Parameters(opsLimit: record.opsLimit, memLimit: record.memLimit)
            )
        }
    }
}

/// The salt and Argon2id cost of a passphrase-derived master key (`<data>/master.kdf`).
struct PassphraseRecord: Codable {
    var algorithm: String
    var salt: String
    var opsLimit: UInt64
    var memLimit: Int
}
