import CordonCore
import Foundation

/// `cordon restore DIR`: bring a vault back from a backup, replaying what must stay gone.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract:
            "Bring the vault back from a backup, then replay the erasures, rectifications and withdrawals made since.",
        discussion: """
            Verifies the backup, then restores it into --data. Into a new or empty directory it lays \
            down the backup's cordon.json, keyrings and audit trail. Over a live data directory it \
            needs --force: it keeps that directory's keyrings and audit trail (which must extend the \
            backup's checkpoint) and replaces control.db and every region store. Then every erasure \
            the trail records is erased again, and every rectification and consent withdrawal recorded \
            after the backup began is applied again, so nobody erased comes back; the restore is \
            audited (backup.restore) with the counts. Needs the master key of the backup's keyrings \
            (CORDON_MASTER_KEY_FILE, CORDON_PASSPHRASE or <data>/master.key); stop any server first.

            Example: cordon restore /backups/cordon-2026-12-05 --data /var/lib/cordon --force
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("dir", help: "The backup directory."),
            .flag(.force, help: "Restore over a live data directory (its audit trail is kept and extended)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let backup: URL
    let force: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        backup = URL(fileURLWithPath: parsed.positional(0)!).standardizedFileURL
        force = parsed.flag(.force)
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        let source = MasterKeySource.fromEnvironment(dataDirectory: global.dataDirectory)
        if case .keyFile(let url) = source, !FileManager.default.fileExists(atPath: url.path) {
            throw CLIError(
                "the backup's keyrings open with the master key of the vault, and \(url.path) does not exist: set CORDON_MASTER_KEY_FILE to the key file (or CORDON_PASSPHRASE), or put master.key into \(global.dataDirectory.path) first"
            )
        }
        let report = try Vault.restoreBackup(
            from: backup,
            into: global.dataDirectory,
            configuration: configuration,
            source: source,
            force: force,
            context: .commandLine(role: .admin),
            passphraseParameters: PassphraseCost.fromEnvironment(),
            logger: .progress("restore")
        )
        report.warnings.forEach(Output.warning)
        if global.json {
            try Output.json(report)
            return
        }
        Output.line(
            "Restored backup \(report.backupID) into \(report.dataDirectory)\(report.overLiveDirectory ? " (over the live directory; its audit trail kept)" : ""); replayed \(report.erasuresReplayed) erasures, \(report.rectificationsReplayed) rectifications and \(report.consentChangesReplayed) consent changes (backup.restore is entry \(report.auditSequence))."
        )
        if !report.rectificationsNotReplayed.isEmpty {
            Output.warning(
                "\(report.rectificationsNotReplayed.count) rectifications after the backup could not be replayed (the live store did not open); redo them for: \(report.rectificationsNotReplayed.joined(separator: ", "))"
            )
        }
        Output.line("Check the vault with: cordon store verify --data \(report.dataDirectory)")
    }
}
