import CordonCrypto
public import Foundation

/// The unsealed key hierarchy of a data directory: the master key and every keyring.
///
/// Opening checks the master key against the id recorded at init, so a wrong key fails
/// with one sentence before anything is written. Rotations write new files beside the old
/// ones and switch with atomic renames; an interrupted master rotation is finished on the
/// next open (roll forward), never left half-done.
public final class KeyHierarchy: Sendable {
    public let dataDirectory: URL
    let masterKey: MasterKey
    /// Warnings worth showing (loose key-file permissions, a resumed rotation).
    public let warnings: [String]

    init(dataDirectory: URL, masterKey: MasterKey, warnings: [String]) {
        self.dataDirectory = dataDirectory
        self.masterKey = masterKey
        self.warnings = warnings
    }

    /// The public id of the master key in use.
    public var masterKeyID: String { MasterKeyID.of(masterKey) }

    /// Opens with the key `source` gives, checking it against `expectedMasterKeyID`.
    static func open(
        dataDirectory: URL,
        source: MasterKeySource,
        expectedMasterKeyID: String,
        passphraseParameters: PasswordKDF.Parameters = .moderate
    ) throws -> (KeyHierarchy, resumedRotation: Bool) {
        var material = MasterKeyMaterial(source: source, dataDirectory: dataDirectory)
        material.passphraseParameters = passphraseParameters
        let current = try material.loadCurrent()
        let pending = try material.loadPending()
        var warnings = material.warnings()
        let currentID = MasterKeyID.of(current)

        if currentID == expectedMasterKeyID, pending == nil {
            return (KeyHierarchy(dataDirectory: dataDirectory, masterKey: current, warnings: warnings), false)
        }
        if let pending, currentID == expectedMasterKeyID || MasterKeyID.of(pending) == expectedMasterKeyID {
            // A rotation was interrupted: finish it with the keys we can prove are ours.
            let hierarchy = KeyHierarchy(dataDirectory: dataDirectory, masterKey: current, warnings: [])
            try hierarchy.rewrapAll(from: current, to: pending)
            try InstanceConfiguration.update(in: dataDirectory) { $0.masterKey.id = MasterKeyID.of(pending) }
            try material.commitPending()
            warnings.append("finished an interrupted master-key rotation")
            return (KeyHierarchy(dataDirectory: dataDirectory, masterKey: pending, warnings: warnings), true)
        }
        throw KeyError(
            .wrongMasterKey,
            "the master key from \(source.describe()) does not open \(dataDirectory.path) (key id \(currentID), expected \(expectedMasterKeyID)); nothing was changed"
        )
    }

    /// Creates the keyring `id` if it does not exist yet; returns whether it was created.
    @discardableResult
    func createKeyringIfMissing(_ id: KeyringID) throws -> Bool {
        let url = id.url(in: dataDirectory)
        guard !FileManager.default.fileExists(atPath: url.path) else { return false }
        try DurableFile.makeDirectory(url.deletingLastPathComponent())
        let name = id.description
        let kek = RegionKEK()
        let now = Timestamp.now()
        var file = KeyringFile(
            format: KeyringFile.currentFormat,
            keyring: name,
            masterKeyID: masterKeyID,
            activeKEKVersion: 1,
            keks: [
                .init(
                    version: 1,
                    createdAt: now,
                    wrapped: try wrapKEK(kek, keyring: name, version: 1, under: masterKey)
                )
            ],
            keys: [:]
        )
        for dataKey in id.initialDataKeys {
            let wrapped = try dataKey.generateWrapped(
                under: kek,
                context: KeyContext.dataKey(keyring: name, name: dataKey.rawValue, version: 1)
            )
            file.keys[dataKey.rawValue] = [.init(version: 1, kekVersion: 1, createdAt: now, wrapped: base64(wrapped))]
        }
        try file.write(to: url)
        return true
    }

    /// The keyring `id`, unwrapped; a KEK that fails to authenticate is a clear error.
    public func keyring(_ id: KeyringID) throws -> Keyring {
        let url = id.url(in: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw KeyError(
                .unknownKey,
                "no keyring \(id) in \(dataDirectory.path) (expected \(url.path)); run `cordon init`"
            )
        }
        let file = try KeyringFile.read(url)
        guard file.keyring == id.description else {
            throw KeyError(.inconsistent, "\(url.path) holds keyring \(file.keyring), not \(id)")
        }
        var keks: [Int: RegionKEK] = [:]
        for entry in file.keks {
            keks[entry.version] = try unwrapKEK(entry, keyring: file.keyring, url: url, under: masterKey)
        }
        guard keks[file.activeKEKVersion] != nil else {
            throw KeyError(.inconsistent, "\(url.path): active KEK version \(file.activeKEKVersion) is missing")
        }
        return Keyring(name: file.keyring, activeKEKVersion: file.activeKEKVersion, keks: keks, file: file)
    }

    func wrapKEK(_ kek: RegionKEK, keyring: String, version: Int, under master: MasterKey) throws -> String {
        base64(try KeyWrap.wrap(kek, using: master, context: KeyContext.kek(keyring: keyring, version: version)))
    }

    func unwrapKEK(
        _ entry: KeyringFile.WrappedKEK,
        keyring: String,
        url: URL,
        under master: MasterKey
    ) throws -> RegionKEK {
        guard let wrapped = Data(base64Encoded: entry.wrapped) else {
            throw KeyError(.damagedKeyFile, "\(url.path): KEK v\(entry.version) is not base64")
        }
        do {
            return try KeyWrap.unwrap(
                [UInt8](wrapped),
                as: RegionKEKRole.self,
                using: master,
                context: KeyContext.kek(keyring: keyring, version: entry.version)
            )
        } catch is CryptoError {
            throw KeyError(
                .damagedKeyFile,
                "\(url.path): KEK v\(entry.version) does not authenticate under the master key (file damaged or from another data directory)"
            )
        }
    }

    func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}

extension MasterKeySource {
    /// Where the key came from, for messages (never the key).
    func describe() -> String {
        switch self {
        case .keyFile(let url): url.path
        case .passphrase: "CORDON_PASSPHRASE"
        case .key: "the key shares"
        }
    }
}
