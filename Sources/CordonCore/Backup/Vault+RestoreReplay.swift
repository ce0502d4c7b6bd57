import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Copies the backup's store files into a staging directory inside `dataDirectory`.
    static func stageStores(_ manifest: BackupManifest, from backup: URL, in dataDirectory: URL) throws -> URL {
        let staging = dataDirectory.appendingPathComponent("restore-\(manifest.backupID)")
        try? FileManager.default.removeItem(at: staging)
        try DurableFile.makeDirectory(staging.appendingPathComponent("regions"))
        for file in manifest.files where file.path.hasSuffix(".db") {
            try DurableFile.copy(
                backup.appendingPathComponent(file.path),
                to: staging.appendingPathComponent(file.path)
            )
        }
        return staging
    }

    /// The live vault's values of the people rectified after the backup began (and the
    /// pseudonyms it could not read), with a warning when the live vault does not open.
    static func carriedFromLive(
        _ live: Bool,
        _ manifest: BackupManifest,
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters
    ) throws -> (carried: (rectified: [RegionID: [SubjectID: [String: String]]], lost: [String]), warnings: [String]) {
        var carried: (rectified: [RegionID: [SubjectID: [String: String]]], lost: [String]) = ([:], [])
        var warnings: [String] = []
        guard live else { return (carried, warnings) }
        do {
            let vault = try Vault.open(
                dataDirectory: dataDirectory,
                configuration: configuration,
                source: source,
                passphraseParameters: passphraseParameters
            )
            defer { try? vault.close() }
            try vault.checkBackupBelongs(manifest)
            carried = try vault.rectifiedValues(after: manifest.replayFrom)
        } catch let error as BackupError {
            throw error
        } catch {
            // A vault that does not open is what restores are for; its trail is still
            // checked by the restores below, but rectified values cannot be read.
            warnings.append(
                "the live vault did not open (\(error)); rectifications recorded after the backup could not be read and are not replayed"
            )
        }
        return (carried, warnings)
    }

    /// Restores every region store from `staging` (replaying erasures), then the consent
    /// changes and rectifications the live trail recorded after the backup began.
    func replayAfterRestore(
        _ manifest: BackupManifest,
        staging: URL,
        carried: [RegionID: [SubjectID: [String: String]]],
        into report: inout BackupRestoreReport,
        context: AccessContext,
        logger: Logger
    ) throws {
        for region in manifest.regions.map(RegionID.init(rawValue:))
        where configuration.regions[region] != nil {
            let (replayed, _) = try restore(
                region,
                from: staging.appendingPathComponent("regions/\(region.rawValue).db"),
                context: context
            )
            report.erasuresReplayed += replayed
            logger.info("regions/\(region.rawValue).db restored; \(replayed) erasures replayed")
        }
        report.consentChangesReplayed = try replayConsentChanges(
            after: manifest.replayFrom,
            backupID: manifest.backupID,
            context: context
        )
        for (_, subjects) in carried {
            for (id, values) in subjects.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try rectify(id, set: values, context: context)
                report.rectificationsReplayed += 1
            }
        }
    }

    /// The `backup.restore` entry counting what was replayed.
    func recordRestore(
        _ manifest: BackupManifest,
        live: Bool,
        _ report: BackupRestoreReport,
        context: AccessContext
    ) throws -> AuditReceipt {
        try record(
            context,
            action: .backupRestore,
            regions: manifest.regions.map(RegionID.init(rawValue:)),
            details: [
                "backupId": .string(manifest.backupID),
                "checkpointSize": .integer(Int64((try? Checkpoint.parse(manifest.checkpoint))?.treeSize ?? 0)),
                "replayFrom": .integer(Int64(manifest.replayFrom)),
                "overLiveDirectory": .integer(live ? 1 : 0),
                "erasuresReplayed": .integer(Int64(report.erasuresReplayed)),
                "rectificationsReplayed": .integer(Int64(report.rectificationsReplayed)),
                "rectificationsNotReplayed": .integer(Int64(report.rectificationsNotReplayed.count)),
                "consentChangesReplayed": .integer(Int64(report.consentChangesReplayed)),
                "replayedOperations": .integer(
                    Int64(report.erasuresReplayed + report.rectificationsReplayed + report.consentChangesReplayed)
                ),
            ]
        )
    }
}

extension Vault.BackupRestoreReport {
    /// The report of a restore whose stores are about to be replaced: nothing replayed yet.
    static func starting(
        _ manifest: BackupManifest,
        dataDirectory: URL,
        live: Bool,
        notReplayed: [String],
        warnings: [String],
        control: ControlRestoreReport
    ) -> Vault.BackupRestoreReport {
        Vault.BackupRestoreReport(
            backupID: manifest.backupID,
            dataDirectory: dataDirectory.path,
            overLiveDirectory: live,
            erasuresReplayed: 0,
            rectificationsReplayed: 0,
            consentChangesReplayed: 0,
            rectificationsNotReplayed: notReplayed,
            warnings: warnings,
            control: control,
            auditSequence: 0
        )
    }
}
