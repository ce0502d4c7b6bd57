public import CordonCrypto
import Foundation

extension KeyHierarchy {
    /// What a rotation did, for the CLI and the audit trail.
    public struct RotationReport: Sendable, Codable {
        public var keyring: String
        public var kind: String
        public var newVersion: Int?
        public var rewrapped: Int
        public var newMasterKeyID: String?
    }

    /// Replaces the master key and rewraps every KEK under the new one.
    ///
    /// Order (each step atomic and durable): write the new key beside the old one; rewrap
    /// each keyring file; record the new key id in `cordon.json`; rename the new key over
    /// the old. A crash anywhere is finished by the next `open` (roll forward).
    ///
    /// The rotation starts from the files, not from this hierarchy's key: an earlier
    /// rotation that failed part way (a full or failing disk) left a pending key that may
    /// already wrap some keyrings, so it is finished first, exactly as `open` would finish
    /// it. Replacing that pending key with a new one would destroy the only key those
    /// keyrings open under.
    public func rotateMaster(
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate
    ) throws
        -> (KeyHierarchy, RotationReport)
    {
        let (current, _) = try KeyHierarchy.open(
            dataDirectory: dataDirectory,
            source: source,
            expectedMasterKeyID: try InstanceConfiguration.read(from: dataDirectory).masterKey.id,
            passphraseParameters: passphraseParameters
        )
        var material = MasterKeyMaterial(source: source, dataDirectory: dataDirectory)
        material.passphraseParameters = passphraseParameters
        let newKey = try material.createPending()
        let count = try rewrapAll(from: current.masterKey, to: newKey)
        try InstanceConfiguration.update(in: dataDirectory) { $0.masterKey.id = MasterKeyID.of(newKey) }
        try material.commitPending()
        let rotated = KeyHierarchy(dataDirectory: dataDirectory, masterKey: newKey, warnings: [])
        return (
            rotated,
            RotationReport(
                keyring: "*",
                kind: "master",
                newVersion: nil,
                rewrapped: count,
                newMasterKeyID: rotated.masterKeyID
            )
        )
    }

    /// Rewraps every keyring's KEKs from `old` to `new`; skips files already moved.
    @discardableResult
    func rewrapAll(from old: MasterKey, to new: MasterKey) throws -> Int {
        let newID = MasterKeyID.of(new)
        var count = 0
        for id in KeyringID.present(in: dataDirectory) {
            let url = id.url(in: dataDirectory)
            var file = try KeyringFile.read(url)
            if file.masterKeyID == newID { continue }
            for index in file.keks.indices {
                let kek = try unwrapKEK(file.keks[index], keyring: file.keyring, url: url, under: old)
                file.keks[index].wrapped = try wrapKEK(
                    kek,
                    keyring: file.keyring,
                    version: file.keks[index].version,
                    under: new
                )
                count += 1
            }
            file.masterKeyID = newID
            try file.write(to: url)
        }
        return count
    }

    /// Adds a new KEK version to `id`, makes it active and rewraps the keyring's data keys
    /// under it. Older KEK versions stay, because subject DEKs may still be wrapped by them.
    public func rotateKEK(_ id: KeyringID) throws -> RotationReport {
        let keyring = try keyring(id)
        let url = id.url(in: dataDirectory)
        var file = keyring.file
        let version = (keyring.kekVersions.last ?? 0) + 1
        let newKEK = RegionKEK()
        file.keks.append(
            .init(
                version: version,
                createdAt: Timestamp.now(),
                wrapped: try wrapKEK(newKEK, keyring: file.keyring, version: version, under: masterKey)
            )
        )
        var count = 0
        for (name, entries) in file.keys {
            guard let dataKey = Keyring.DataKeyName(rawValue: name) else {
                throw KeyError(.damagedKeyFile, "\(url.path): unknown data key '\(name)'")
            }
            file.keys[name] = try entries.map { entry in
                var moved = entry
                let context = KeyContext.dataKey(keyring: file.keyring, name: name, version: entry.version)
                guard let wrapped = Data(base64Encoded: entry.wrapped) else {
                    throw KeyError(.damagedKeyFile, "\(url.path): \(name) v\(entry.version) is not base64")
                }
                moved.wrapped = base64(
                    try dataKey.rewrap(
                        [UInt8](wrapped),
                        from: try keyring.kek(version: entry.kekVersion),
                        to: newKEK,
                        context: context
                    )
                )
                moved.kekVersion = version
                count += 1
                return moved
            }
        }
        file.activeKEKVersion = version
        try file.write(to: url)
        return RotationReport(
            keyring: file.keyring,
            kind: "kek",
            newVersion: version,
            rewrapped: count,
            newMasterKeyID: nil
        )
    }

    /// Adds a new version of data key `name` (e.g. a new page key) wrapped under the active
    /// KEK; earlier versions stay until their data has been re-encrypted.
    public func addDataKeyVersion(_ name: Keyring.DataKeyName, to id: KeyringID) throws -> Int {
        let keyring = try keyring(id)
        var file = keyring.file
        let version = (keyring.versions(of: name).last ?? 0) + 1
        let wrapped = try name.generateWrapped(
            under: keyring.activeKEK,
            context: KeyContext.dataKey(keyring: file.keyring, name: name.rawValue, version: version)
        )
        file.keys[name.rawValue, default: []].append(
            .init(
                version: version,
                kekVersion: keyring.activeKEKVersion,
                createdAt: Timestamp.now(),
                wrapped: base64(wrapped)
            )
        )
        try file.write(to: id.url(in: dataDirectory))
        return version
    }
}
