public import CordonAudit
public import CordonCrypto
import CordonStore
public import Foundation

/// Checks a backup directory (`cordon backup verify`), read-only (decision 0020).
///
/// Without the master key: the manifest's signature under the audit key it names (or the
/// key the caller pins), every file's presence and SHA-256, no file the manifest does not
/// list, every store sealed (no plaintext SQLite header), and the copied audit trail —
/// canonical entries, every checkpoint signed, ending exactly at the manifest's
/// checkpoint. With the master key, also: the keyrings open, the audit key is the one
/// that signed, and every page of every store authenticates under its page key.
public enum BackupVerifier {
    /// What a verification found (it throws ``BackupError`` at the first problem).
    public struct Report: Sendable, Codable {
        public var backupID: String
        public var createdAt: String
        public var regions: [String]
        public var files: Int
        public var checkpointSize: UInt64
        /// Pages checked per store (`regions/eu.db`, `control.db`) when the key was given.
        public var pagesAuthenticated: [String: Int]
        /// Whether the master key was used (every page checked).
        public var withMasterKey: Bool
        /// Whether the signing key was pinned by the caller (else the manifest's own).
        public var pinnedKey: Bool
    }

    /// Files a backup may hold besides those its manifest lists.
    static let unlisted: Set<String> = [BackupManifest.fileName, BackupManifest.signatureFileName]

    /// Checks structure, hashes, signatures and the audit trail; returns the manifest.
    public static func verify(
        _ directory: URL,
        pinnedVerifierKey: NoteVerifierKey? = nil
    ) throws -> (BackupManifest, Report) {
        let manifestURL = directory.appendingPathComponent(BackupManifest.fileName)
        let signatureURL = directory.appendingPathComponent(BackupManifest.signatureFileName)
        for (name, url) in [(BackupManifest.fileName, manifestURL), (BackupManifest.signatureFileName, signatureURL)]
        where !FileManager.default.fileExists(atPath: url.path) {
            throw BackupError(
                name,
                "\(directory.path) has no \(name): it is not a Cordon backup, or the backup did not finish"
            )
        }
        let manifestBytes = try DurableFile.read(manifestURL)
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(manifestBytes))
        } catch {
            throw BackupError(
                BackupManifest.fileName,
                "manifest.json is not a backup manifest (\(error))",
                underlying: error
            )
        }
        guard manifest.format == BackupManifest.currentFormat else {
            throw BackupError(
                BackupManifest.fileName,
                "manifest.json has format \(manifest.format); this build reads \(BackupManifest.currentFormat)"
            )
        }
        let key: NoteVerifierKey
        do { key = try NoteVerifierKey(parsing: manifest.verifierKey) } catch {
            throw BackupError(
                BackupManifest.fileName,
                "manifest.json names no valid verifier key (\(error.message))",
                underlying: error
            )
        }
        if let pinnedVerifierKey, pinnedVerifierKey != key {
            throw BackupError(
                BackupManifest.fileName,
                "manifest.json is signed by \(key.name)+\(Hex.encode(key.keyHash)), not by the key you gave: this backup is from another vault, or was forged"
            )
        }
        let signatureText = String(decoding: try DurableFile.read(signatureURL), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signature = Data(base64Encoded: signatureText),
            key.publicKey.isValidSignature([UInt8](signature), for: manifestBytes)
        else {
            throw BackupError(
                BackupManifest.signatureFileName,
                "manifest.sig does not verify manifest.json under the audit key: one of them was altered or replaced"
            )
        }
        try checkFiles(manifest, in: directory)
        try checkAuditTrail(manifest, key: key, in: directory)
        let checkpoint = try Checkpoint.parse(manifest.checkpoint)
        return (
            manifest,
            Report(
                backupID: manifest.backupID,
                createdAt: manifest.createdAt,
                regions: manifest.regions,
                files: manifest.files.count,
                checkpointSize: checkpoint.treeSize,
                pagesAuthenticated: [:],
                withMasterKey: false,
                pinnedKey: pinnedVerifierKey != nil
            )
        )
    }

    /// ``verify(_:pinnedVerifierKey:)``, then with the master key `source` gives: the
    /// keyrings, the audit key and every page of every store.
    public static func verify(
        _ directory: URL,
        source: MasterKeySource,
        pinnedVerifierKey: NoteVerifierKey? = nil,
        passphraseParameters: PasswordKDF.Parameters = .moderate
    ) throws -> Report {
        var (manifest, report) = try verify(directory, pinnedVerifierKey: pinnedVerifierKey)
        let keys: KeyHierarchy
        do {
            keys = try DataDirectory.openKeys(at: directory, source: source, passphraseParameters: passphraseParameters)
        } catch let error as KeyError {
            throw BackupError(
                InstanceConfiguration.fileName,
                "the master key does not open this backup's keyrings: \(error.message) (a backup opens with the master key in use when it was made)",
                underlying: error
            )
        }
        let audit = try keys.keyring(.audit)
        let signing = try Ed25519.SigningKey(seed: try audit.dataKey(.auditSigningSeed, as: SigningSeedRole.self))
        guard signing.publicKey == (try NoteVerifierKey(parsing: manifest.verifierKey)).publicKey else {
            throw BackupError(
                "audit.keys",
                "audit.keys holds another signing key than the one that signed the manifest"
            )
        }
        for region in manifest.regions {
            let name = "regions/\(region).db"
            report.pagesAuthenticated[name] = try authenticate(
                name,
                in: directory,
                keyring: try keys.keyring(.region(region))
            )
        }
        report.pagesAuthenticated[ControlStore.fileName] = try authenticate(
            ControlStore.fileName,
            in: directory,
            keyring: try keys.keyring(.control)
        )
        report.withMasterKey = true
        return report
    }

    /// Every page of store `name` under one of the keyring's page keys; the page count.
    private static func authenticate(_ name: String, in directory: URL, keyring: Keyring) throws -> Int {
        let path = directory.appendingPathComponent(name).path
        var closest: StoreVerifier.Report?
        for version in keyring.versions(of: .page).reversed() {
            let encryption = PageEncryption(key: try keyring.dataKey(.page, as: PageKeyRole.self, version: version))
            guard let report = try? StoreVerifier.verify(path: path, encryption: encryption) else { continue }
            if report.isIntact { return report.pageCount }
            closest = report
        }
        guard let closest else {
            throw BackupError(
                name,
                "\(name) does not open under any page key of \(keyring.name): it is damaged or from another vault"
            )
        }
        throw BackupError(
            name,
            "\(name): \(closest.badPages.count) of \(closest.pageCount) pages fail authentication (pages \(closest.badPages.prefix(10).map(String.init).joined(separator: ", ")))"
        )
    }

    /// Presence, hashes and sizes; nothing unlisted; every store sealed; the files a backup
    /// must have.
    private static func checkFiles(_ manifest: BackupManifest, in directory: URL) throws {
        let listed = Set(manifest.files.map(\.path))
        var required = ["cordon.json", "control.db", "control.keys", "audit.keys", "audit/checkpoints/latest"]
        for region in manifest.regions { required += ["regions/\(region).db", "regions/\(region).keys"] }
        for name in required where !listed.contains(name) {
            throw BackupError(name, "manifest.json does not list \(name), which every backup holds")
        }
        for file in manifest.files {
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                throw BackupError(file.path, "manifest.json lists a path outside the backup: \(file.path)")
            }
            let url = directory.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw BackupError(file.path, "the backup file \(file.path) is missing")
            }
            let (digest, count) = try BackupWriter.digest(of: url, name: file.path)
            guard digest == file.sha256, count == file.byteCount else {
                throw BackupError(
                    file.path,
                    "the backup file \(file.path) does not match its SHA-256 in the manifest: it was changed or damaged"
                )
            }
            // The sealing VFS keeps page 1's 100-byte database header in clear and stamps
            // "Cdn" into its bytes 72...74 (cordon_vfs.c); a store without it is plaintext.
            if file.path.hasSuffix(".db") {
                let header = try DurableFile.read(url).prefix(100)
                guard header.count == 100, Array(header[72..<75]) == Array("Cdn".utf8) else {
                    throw BackupError(
                        file.path,
                        "\(file.path) is not a sealed store (no page-seal stamp in its header)"
                    )
                }
            }
        }
        for name in try allFiles(in: directory) where !listed.contains(name) && !unlisted.contains(name) {
            throw BackupError(name, "\(name) is in the backup directory but not in its manifest")
        }
    }

    /// The copied trail verifies on its own and ends at the manifest's checkpoint.
    private static func checkAuditTrail(_ manifest: BackupManifest, key: NoteVerifierKey, in directory: URL) throws {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.parse(manifest.checkpoint)
            try checkpoint.verify(publicKey: key.publicKey, keyName: key.name)
        } catch {
            throw BackupError(
                BackupManifest.fileName,
                "the manifest's checkpoint does not verify: \(error.message)",
                underlying: error
            )
        }
        guard checkpoint.origin == manifest.auditOrigin else {
            throw BackupError(BackupManifest.fileName, "the manifest's checkpoint is from another audit trail")
        }
        let report = AuditVerifier.verify(
            directory: directory.appendingPathComponent("audit"),
            publicKey: key,
            savedCheckpoint: checkpoint
        )
        if let problem = report.problem {
            throw BackupError("audit/", "the backup's audit trail does not verify: \(problem.message)")
        }
        guard report.treeSize == checkpoint.treeSize else {
            throw BackupError(
                "audit/",
                "the backup's audit trail has \(report.treeSize) entries; its checkpoint covers \(checkpoint.treeSize)"
            )
        }
    }

    /// Every regular file under `directory`, relative to it.
    private static func allFiles(in directory: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: directory.appendingPathComponent(path).path,
                isDirectory: &isDirectory
            ),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }
}
