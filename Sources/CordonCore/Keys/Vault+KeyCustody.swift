import CordonAudit
public import CordonCrypto
public import Foundation

extension Vault {
    /// Splits the master key in use into `count` shares, any `threshold` of which recover
    /// it (Shamir's scheme, decision 0020), records `keys.split` (never a share) and writes
    /// `custody.json`. The shares are returned once, in guarded memory; nothing keeps them.
    ///
    /// Before returning, every share is checked: the first and the last `threshold` of them
    /// each recover the key. The key file stays; ``removeMasterKeyFile(source:context:)``
    /// removes it once the shares are safely with their holders.
    public func splitMasterKey(count: Int, threshold: Int, context: AccessContext) throws -> [KeyShare] {
        let instance = try InstanceConfiguration.read(from: dataDirectory)
        guard instance.masterKey.kind == "file" else {
            throw KeyError(
                .inconsistent,
                "this data directory's master key is derived from a passphrase; only a key-file master key is split into shares (the passphrase itself is what its holders keep)"
            )
        }
        let master = keys.masterKey
        let shares: [KeyShare]
        do {
            shares = try Shamir.split(master, count: count, threshold: threshold)
        } catch let error as CryptoError {
            throw VaultError(.invalidRequest, error.message)
        }
        for subset in [Array(shares.prefix(threshold)), Array(shares.suffix(threshold))] {
            guard try Shamir.combine(subset, as: MasterKeyRole.self) == master else {
                throw KeyError(.inconsistent, "the shares did not recover the key; nothing was recorded")
            }
        }
        let custody = KeyCustody(
            format: KeyCustody.currentFormat,
            scheme: "shamir-gf256",
            shares: count,
            threshold: threshold,
            masterKeyID: keys.masterKeyID,
            splitAt: Timestamp.now(),
            keyFileRemoved: false
        )
        try record(
            context,
            action: .keysSplit,
            details: [
                "shares": .integer(Int64(count)),
                "threshold": .integer(Int64(threshold)),
                "masterKeyId": .string(custody.masterKeyID),
            ]
        )
        do {
            try custody.write(to: dataDirectory)
        } catch {
            throw VaultError.administrative(error, while: "writing \(KeyCustody.fileName)", in: .control)
        }
        return shares
    }

    /// Removes the master key file `source` names, once its key is held as shares: from
    /// then on only `threshold` shares open the vault (`cordon unseal`). Audited first
    /// (`keys.keyfile.remove`).
    ///
    /// - Warning: with the file gone, losing more than `shares − threshold` shares loses
    ///   every record in this data directory.
    public func removeMasterKeyFile(source: MasterKeySource, context: AccessContext) throws {
        guard var custody = try KeyCustody.read(from: dataDirectory), custody.masterKeyID == keys.masterKeyID else {
            throw KeyError(
                .inconsistent,
                "the master key in use is not held as shares; run `cordon keys split` first"
            )
        }
        guard case .keyFile(let url) = source else {
            throw KeyError(.inconsistent, "the master key does not come from a key file; there is nothing to remove")
        }
        try record(context, action: .keysKeyFileRemove, details: ["masterKeyId": .string(custody.masterKeyID)])
        do {
            try DurableFile.remove(url)
            custody.keyFileRemoved = true
            try custody.write(to: dataDirectory)
        } catch {
            throw VaultError.administrative(error, while: "removing \(url.path)", in: .control)
        }
    }
}

extension Vault {
    /// Combines key shares into the master key of `dataDirectory`, proves it with the
    /// master-key check by opening the vault (audited `keys.combine`), and writes it to the
    /// new file `url` (mode 0600) for commands that read a key file — `keys rotate --master`
    /// removes it again. Put it on memory-backed storage (`/dev/shm`).
    ///
    /// - Warning: the key is on disk from here until the file is removed.
    public static func stageMasterKey(
        from shares: [KeyShare],
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        to url: URL,
        context: AccessContext
    ) throws {
        guard let custody = try KeyCustody.read(from: dataDirectory) else {
            throw KeyError(.inconsistent, "\(dataDirectory.path)'s master key is not held as shares (no custody.json)")
        }
        guard shares.count >= custody.threshold else {
            throw KeyError(
                .masterKeyUnavailable,
                "\(shares.count) of \(custody.threshold) shares given; \(custody.threshold) are needed"
            )
        }
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw KeyError(.inconsistent, "\(url.path) already exists; give a new file")
        }
        let key = try Shamir.combine(shares, as: MasterKeyRole.self)
        let vault: Vault
        do {
            vault = try Vault.open(dataDirectory: dataDirectory, configuration: configuration, source: .key(key))
        } catch let error as KeyError where error.code == .wrongMasterKey {
            throw KeyError(
                .wrongMasterKey,
                "the key combined from \(shares.count) shares fails the master-key check (its id is not the masterKey.id in cordon.json): a share is wrong or from another split; nothing was written"
            )
        }
        defer { try? vault.close() }
        try vault.record(
            context,
            action: .keysCombine,
            details: ["shares": .integer(Int64(shares.count)), "masterKeyId": .string(custody.masterKeyID)]
        )
        try key.withUnsafeBytes { bytes in
            var copy = Array(bytes)
            defer { for index in copy.indices { copy[index] = 0 } }
            try DurableFile.create(copy, at: url)
        }
    }
}
