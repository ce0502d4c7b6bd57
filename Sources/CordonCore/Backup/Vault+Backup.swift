import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

extension Vault {
    /// What ``backup(to:context:logger:)`` wrote.
    public struct BackupReport: Sendable, Codable {
        public var directory: String
        public var backupID: String
        /// The size of the signed checkpoint the copied trail ends at.
        public var checkpointSize: UInt64
        public var files: Int
        public var byteCount: Int
        /// The sequence of the `backup.create` entry in the live trail.
        public var auditSequence: UInt64
    }

    /// Writes a consistent backup of this vault into the new directory `directory` while it
    /// keeps serving (decision 0020):
    ///
    /// 1. every region store and `control.db`, copied with SQLite's online backup API
    ///    through the sealing VFS, so each copy is sealed page by page as on disk;
    /// 2. the keyrings (wrapped under the master key, as on disk), `cordon.json` and
    ///    `custody.json`;
    /// 3. the audit trail up to a checkpoint signed after the copies (so the trail holds
    ///    every store anchor the copies reached);
    /// 4. `manifest.json` — each file's SHA-256, the checkpoint, and `replayFrom`, the trail
    ///    size before the first copy — signed with the audit key (`manifest.sig`);
    ///
    /// then records `backup.create` in the live trail, naming the checkpoint and the
    /// manifest's hash. `logger` gets one `info` record per step and store.
    public func backup(
        to directory: URL,
        context: AccessContext,
        logger: Logger = .discarding()
    ) throws -> BackupReport {
        let writer = try Self.newBackupWriter(from: dataDirectory, to: directory)
        let replayFrom = audit.treeSize
        try copyFiles(with: writer, logger: logger)
        let checkpoint: Checkpoint
        do {
            checkpoint = try audit.checkpoint()
        } catch {
            throw VaultError(
                .auditUnavailable,
                "cannot sign the backup's audit checkpoint: \(error.message)",
                underlying: error
            )
        }
        logger.info("audit trail: \(checkpoint.treeSize) entries up to the signed checkpoint")
        try writer.copyAuditTrail(upTo: checkpoint)
        let manifest = BackupManifest(
            format: BackupManifest.currentFormat,
            backupID: "bk-" + Hex.encode(SecureRandom.randomID(byteCount: 8)),
            createdAt: Timestamp.now(),
            auditOrigin: audit.origin,
            verifierKey: audit.verifierKey.description,
            masterKeyID: keys.masterKeyID,
            regions: regionIDs.map(\.rawValue),
            checkpoint: checkpoint.text,
            replayFrom: replayFrom,
            files: writer.files.sorted { $0.path < $1.path }
        )
        let manifestBytes = try writeManifest(manifest, in: directory)
        let receipt = try record(
            context,
            action: .backupCreate,
            regions: regionIDs,
            details: [
                "backupId": .string(manifest.backupID),
                "checkpointSize": .integer(Int64(checkpoint.treeSize)),
                "checkpointRoot": .string(Data(checkpoint.rootHash).base64EncodedString()),
                "replayFrom": .integer(Int64(replayFrom)),
                "files": .integer(Int64(manifest.files.count)),
                "manifestSha256": .string(Hex.encode(SHA256.hash(manifestBytes))),
            ]
        )
        return BackupReport(
            directory: directory.path,
            backupID: manifest.backupID,
            checkpointSize: checkpoint.treeSize,
            files: manifest.files.count,
            byteCount: manifest.files.reduce(0) { $0 + $1.byteCount },
            auditSequence: receipt.sequence
        )
    }

    /// A writer into `directory`, which must be new or empty.
    private static func newBackupWriter(from dataDirectory: URL, to directory: URL) throws -> BackupWriter {
        if FileManager.default.fileExists(atPath: directory.path) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            guard contents.isEmpty else {
                throw BackupError(
                    nil,
                    "\(directory.path) exists and is not empty; give a new directory for the backup",
                    code: .writeFailed
                )
            }
        }
        do {
            try DurableFile.makeDirectory(directory.appendingPathComponent("regions"))
        } catch {
            throw BackupError(nil, "cannot create \(directory.path): \(error)", code: .writeFailed, underlying: error)
        }
        return BackupWriter(source: dataDirectory, destination: directory)
    }

    /// Copies every region store, `control.db`, the keyrings, `cordon.json` and
    /// `custody.json` (when present).
    private func copyFiles(with writer: BackupWriter, logger: Logger) throws {
        for region in regionIDs {
            let store = try self.store(region)
            let encryption = try RegionStore.pageEncryption(
                for: RegionStore.url(for: region, in: dataDirectory).path,
                keyring: keys.keyring(.region(region.rawValue)),
                algorithm: pageAlgorithm
            )
            let name = "regions/\(region.rawValue).db"
            try writer.copyStore(name, from: store.pool, encryption: encryption, logger: logger)
        }
        try writer.copyStore(
            ControlStore.fileName,
            from: control.queue,
            encryption: try Self.controlConfiguration(keys: keys, algorithm: pageAlgorithm).encryption,
            logger: logger
        )
        for id in KeyringID.present(in: dataDirectory) {
            try writer.copyFile(relativePath(id.url(in: dataDirectory)))
        }
        try writer.copyFile(InstanceConfiguration.fileName)
        if FileManager.default.fileExists(atPath: KeyCustody.url(in: dataDirectory).path) {
            try writer.copyFile(KeyCustody.fileName)
        }
    }

    /// Writes `manifest.json` and its signature durably; returns the manifest's bytes.
    private func writeManifest(_ manifest: BackupManifest, in directory: URL) throws -> [UInt8] {
        let manifestBytes = try manifest.encoded()
        let signature = signingKey.signature(for: manifestBytes)
        do {
            try DurableFile.create(manifestBytes, at: directory.appendingPathComponent(BackupManifest.fileName))
            try DurableFile.create(
                Array((Data(signature).base64EncodedString() + "\n").utf8),
                at: directory.appendingPathComponent(BackupManifest.signatureFileName)
            )
        } catch {
            throw BackupError(
                BackupManifest.fileName,
                "cannot write the backup's manifest: \(error)",
                code: .writeFailed,
                underlying: error
            )
        }
        return manifestBytes
    }

    /// `url`'s path relative to the data directory.
    func relativePath(_ url: URL) -> String {
        let base = dataDirectory.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent
    }
}
