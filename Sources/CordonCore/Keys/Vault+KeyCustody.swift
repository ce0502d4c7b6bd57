import CordonAudit
public import CordonCrypto
import Foundation

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
            action: "keys.split",
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
        try record(context, action: "keys.keyfile.remove", details: ["masterKeyId": .string(custody.masterKeyID)])
        do {
            try DurableFile.remove(url)
            custody.keyFileRemoved = true
            try custody.write(to: dataDirectory)
        } catch {
            throw VaultError.administrative(error, while: "removing \(url.path)", in: .control)
        }
    }
}
