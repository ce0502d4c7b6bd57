import CordonAudit
public import CordonCrypto
import CordonStore
public import Foundation

extension Vault {
    /// What ``restoreBackup(from:into:configuration:source:force:context:passphraseParameters:logger:)`` did.
    public struct BackupRestoreReport: Sendable, Codable {
        public var backupID: String
        public var dataDirectory: String
        /// Whether it restored over a live data directory (`--force`), keeping its trail.
        public var overLiveDirectory: Bool
        /// Subjects erased again in the restored stores (the trail's erasures, tombstones).
        public var erasuresReplayed: Int
        public var rectificationsReplayed: Int
        public var consentChangesReplayed: Int
        /// Rectifications after the backup that could not be replayed: the live store that
        /// held the new values did not open (their pseudonyms, for the DPO to redo).
        public var rectificationsNotReplayed: [String]
        /// What the DPO should know (a live vault that did not open before the restore).
        public var warnings: [String]
        public var control: ControlRestoreReport
        /// The sequence of the `backup.restore` entry.
        public var auditSequence: UInt64
    }

    /// Brings back the vault of backup `backup` into `dataDirectory` (decision 0020).
    ///
    /// The backup is verified first (``BackupVerifier``). Into an empty or new directory it
    /// lays down the backup's `cordon.json`, keyrings and audit trail. Over a live data
    /// directory it needs `force`, keeps the live keyrings and the live trail — which must
    /// extend the backup's checkpoint — and replaces the stores. Then, through the existing
    /// restores, `control.db` and every region store are put back, and what the *trail*
    /// recorded after the backup began is replayed so nothing comes back that must not:
    ///
    /// - every erasure in the trail (and every tombstone) is erased again;
    /// - every consent withdrawal, restriction or objection recorded after `replayFrom` is
    ///   recorded again (the trail names purpose and state);
    /// - every rectification after `replayFrom` is applied again with the values the live
    ///   store holds now (the trail names only the fields; values never enter it) — when
    ///   that store does not open, the report lists the pseudonyms instead.
    ///
    /// It ends with one `backup.restore` entry counting what was replayed.
    public static func restoreBackup(
        from backup: URL,
        into dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        force: Bool,
        context: AccessContext,
        passphraseParameters: PasswordKDF.Parameters = PasswordKDF.Parameters.moderate,
        logger: Logger = .discarding()
    ) throws -> BackupRestoreReport {
        let (manifest, _) = try BackupVerifier.verify(backup)
        logger.info("backup \(manifest.backupID) verified: \(manifest.files.count) files, hashes and signatures")
        let live = InstanceConfiguration.exists(in: dataDirectory)
        if live {
            guard force else {
                throw BackupError(
                    nil,
                    "\(dataDirectory.path) is a live data directory; restoring replaces its stores (its audit trail is kept and extended). Stop any server using it and run again with --force"
                )
            }
        } else {
            try layDown(manifest, from: backup, into: dataDirectory)
            logger.info("laid down cordon.json, the keyrings and the audit trail into \(dataDirectory.path)")
        }
        let staging = try stageStores(manifest, from: backup, in: dataDirectory)
        defer { try? FileManager.default.removeItem(at: staging) }

        // What the live trail recorded after the backup began, and the live values of rectified people.
        let (carried, warnings) = try carriedFromLive(
            live,
            manifest,
            dataDirectory: dataDirectory,
            configuration: configuration,
            source: source,
            passphraseParameters: passphraseParameters
        )

        let control = try Vault.restoreControl(
            dataDirectory: dataDirectory,
            configuration: configuration,
            source: source,
            from: staging.appendingPathComponent(ControlStore.fileName),
            context: context,
            passphraseParameters: passphraseParameters
        )
        logger.info(
            "control.db restored; \(control.tombstonesReplayed) tombstones and \(control.tokensRevoked.count) revocations replayed"
        )
        let vault = try Vault.open(
            dataDirectory: dataDirectory,
            configuration: configuration,
            source: source,
            passphraseParameters: passphraseParameters
        )
        do {
            var report = BackupRestoreReport.starting(
                manifest,
                dataDirectory: dataDirectory,
                live: live,
                notReplayed: carried.lost,
                warnings: warnings,
                control: control
            )
            try vault.replayAfterRestore(
                manifest,
                staging: staging,
                carried: carried.rectified,
                into: &report,
                context: context,
                logger: logger
            )
            let receipt = try vault.recordRestore(manifest, live: live, report, context: context)
            report.auditSequence = receipt.sequence
            try vault.close()
            return report
        } catch {
            try? vault.close()
            throw error
        }
    }

    /// Copies the backup's `cordon.json`, keyrings, custody record and audit trail into a
    /// new (or empty) data directory.
    private static func layDown(_ manifest: BackupManifest, from backup: URL, into dataDirectory: URL) throws {
        if FileManager.default.fileExists(atPath: dataDirectory.path) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
            guard contents.isEmpty else {
                throw BackupError(
                    nil,
                    "\(dataDirectory.path) is not empty and not a Cordon data directory; restore into a new directory"
                )
            }
        }
        for file in manifest.files where !file.path.hasSuffix(".db") {
            let target = dataDirectory.appendingPathComponent(file.path)
            try DurableFile.makeDirectory(target.deletingLastPathComponent())
            try DurableFile.copy(backup.appendingPathComponent(file.path), to: target)
        }
    }

    /// Refuses a backup of another vault, or one whose trail the live trail does not extend.
    func checkBackupBelongs(_ manifest: BackupManifest) throws {
        guard manifest.auditOrigin == audit.origin else {
            throw BackupError(
                BackupManifest.fileName,
                "this backup is of another vault (audit origin \(manifest.auditOrigin), this vault's is \(audit.origin))"
            )
        }
        let checkpoint = try Checkpoint.parse(manifest.checkpoint)
        guard audit.treeSize >= checkpoint.treeSize,
            (try? audit.rootHash(treeSize: checkpoint.treeSize)) == checkpoint.rootHash
        else {
            throw BackupError(
                BackupManifest.fileName,
                "this vault's audit trail does not extend the backup's checkpoint (size \(checkpoint.treeSize)): the trail or the backup is not what it claims"
            )
        }
    }

    /// The live PII fields of everyone rectified after `sequence`, by region, read from
    /// the stores before they are replaced; pseudonyms whose store did not open are `lost`.
    ///
    /// - Warning: holds personal data in memory for the length of the restore.
    func rectifiedValues(after sequence: UInt64) throws -> ([RegionID: [SubjectID: [String: String]]], [String]) {
        var wanted: [RegionID: [String: Set<String>]] = [:]
        for entry in try trailEntries(action: .subjectRectify)
        where entry.outcome == .ok && entry.sequence >= sequence {
            guard case .string(let fields)? = entry.details["fields"] else { continue }
            for region in entry.regions.map(RegionID.init(rawValue:)) {
                for subject in entry.subjects {
                    wanted[region, default: [:]][subject, default: []].formUnion(
                        fields.split(separator: ",").map(String.init)
                    )
                }
            }
        }
        var found: [RegionID: [SubjectID: [String: String]]] = [:]
        var lost: [String] = []
        for (region, pseudonyms) in wanted {
            guard let store = try? store(region) else {
                lost += pseudonyms.keys.sorted()
                continue
            }
            let values = try store.read { db -> [(SubjectID, [String: String])] in
                var values: [(SubjectID, [String: String])] = []
                for text in try db.query("SELECT id FROM subjects").map({ try $0.get(String.self, at: 0) }) {
                    guard let id = SubjectID(rawValue: text), let fields = pseudonyms[pseudonym(id)],
                        let subject = try store.subject(id: id, in: db)
                    else { continue }
                    let pii = try store.unseal(subject.sealedPII, for: id, using: try store.dek(of: subject))
                    values.append((id, Dictionary(uniqueKeysWithValues: fields.map { ($0, pii[$0] ?? "") })))
                }
                return values
            }
            found[region] = Dictionary(values, uniquingKeysWith: { first, _ in first })
        }
        return (found, lost)
    }

    /// Records again every consent withdrawal, restriction or objection the trail holds
    /// after `sequence`, for the subjects the restored stores hold; returns how many.
    func replayConsentChanges(after sequence: UInt64, backupID: String, context: AccessContext) throws -> Int {
        let changes = try trailEntries(action: .subjectConsent).filter { entry in
            guard entry.outcome == .ok, entry.sequence >= sequence, case .string(let state)? = entry.details["state"]
            else { return false }
            return state != ConsentState.granted.rawValue
        }
        guard !changes.isEmpty else { return 0 }
        var ids: [String: SubjectID] = [:]
        for region in regionIDs {
            guard let store = try? store(region) else { continue }
            let held = try store.read { db in
                try db.query("SELECT id FROM subjects").compactMap {
                    SubjectID(rawValue: try $0.get(String.self, at: 0))
                }
            }
            for id in held { ids[pseudonym(id)] = id }
        }
        var count = 0
        for entry in changes {
            guard case .string(let text)? = entry.details["state"], let state = ConsentState(rawValue: text),
                let purpose = entry.purpose
            else { continue }
            for subject in entry.subjects {
                guard let id = ids[subject] else { continue }
                try recordConsent(
                    id,
                    purpose: Purpose(rawValue: purpose),
                    state: state,
                    source: "restore of \(backupID): audit entry \(entry.sequence)",
                    context: context,
                    now: entry.time.millisecondsSince1970 / 1000
                )
                count += 1
            }
        }
        return count
    }
}
