import CordonAudit
import CordonCore
import Foundation

/// `cordon backup --out DIR`: a consistent, sealed, signed backup of the whole vault.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, sealed and signed backup of the vault into a new directory.",
        discussion: """
            Copies every region store and control.db with SQLite's online backup API through the \
            sealing VFS (each copy sealed page by page, as on disk), the keyrings (wrapped, as on \
            disk), cordon.json, and the audit trail up to a checkpoint signed for the backup; writes \
            manifest.json (every file's SHA-256, the checkpoint) signed with the audit key, and records \
            backup.create in the live trail. Progress goes to stderr. Needs the master key, like every \
            command that opens the vault. While `cordon serve` runs (it holds the data directory), \
            make the backup online through it instead: start it with --backup-dir DIR and POST \
            /v1/backups with an admin or DPO token.

            Example: cordon backup --out /backups/cordon-2026-12-05
            Then: cordon backup verify /backups/cordon-2026-12-05
            """,
        subcommands: [BackupVerifyCommand.self]
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(.out, valueName: "DIR", help: "The new (or empty) directory to write the backup into.")
        ] + GlobalOptions.all

    let global: GlobalOptions
    let out: URL

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let out = parsed.option(.out) else {
            throw UsageError("--out DIR is required: the new directory to write the backup into", command: Self.self)
        }
        self.out = URL(fileURLWithPath: out).standardizedFileURL
    }

    func run() throws {
        let report = try withVault(global) { vault in
            try vault.backup(to: out, context: .commandLine(role: .admin), logger: .progress("backup"))
        }
        if global.json {
            try Output.json(report)
            return
        }
        Output.line(
            "Backed up \(report.files) files (\(report.byteCount) bytes) into \(report.directory) as \(report.backupID); the trail is copied up to its signed checkpoint at \(report.checkpointSize) entries (backup.create is entry \(report.auditSequence))."
        )
        Output.line("Check it with: cordon backup verify \(report.directory)")
    }
}

/// `cordon backup verify DIR`.
struct BackupVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check a backup: structure, hashes, signatures and trail; with --full, every page under the master key.",
        discussion: """
            Without the master key: manifest.sig over manifest.json under the audit key (pin the key \
            with --pubkey, from `cordon audit pubkey`), every file present with its SHA-256, no file \
            the manifest does not list, every store sealed, and the copied audit trail verified up to \
            the manifest's checkpoint. With --full it also opens the backup's keyrings with the master \
            key (CORDON_MASTER_KEY_FILE, CORDON_PASSPHRASE or <data>/master.key) and authenticates \
            every page of every store. A problem names the file; exit status 1.
            """
    )
    static let arguments: [ArgumentSpec] = [
        .positional("dir", help: "The backup directory."),
        .option(.pubkey, valueName: "KEY", help: "The audit verifier key the manifest must be signed with."),
        .flag(.full, help: "Also authenticate every page with the master key."),
        GlobalOptions.dataSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let directory: URL
    let pubkey: NoteVerifierKey?
    let full: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        directory = URL(fileURLWithPath: parsed.positional(0)!).standardizedFileURL
        full = parsed.flag(.full)
        if let text = parsed.option(.pubkey) {
            do { pubkey = try NoteVerifierKey(parsing: text) } catch {
                throw UsageError(
                    "--pubkey is not a verifier key (\(error.message)); print one with `cordon audit pubkey`",
                    command: Self.self
                )
            }
        } else {
            pubkey = nil
        }
    }

    func run() throws {
        let report: BackupVerifier.Report
        if full {
            report = try BackupVerifier.verify(
                directory,
                source: .fromEnvironment(dataDirectory: global.dataDirectory),
                pinnedVerifierKey: pubkey,
                passphraseParameters: PassphraseCost.fromEnvironment()
            )
        } else {
            report = try BackupVerifier.verify(directory, pinnedVerifierKey: pubkey).1
        }
        if global.json {
            try Output.json(report)
            return
        }
        Output.line(
            "Backup \(report.backupID) of \(report.createdAt) is intact: \(report.files) files match their hashes, the manifest's signature verifies\(report.pinnedKey ? " under the pinned key" : " (pin the key with --pubkey)"), and the audit trail verifies up to its checkpoint at \(report.checkpointSize) entries."
        )
        if report.withMasterKey {
            let pages = report.pagesAuthenticated.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            Output.line(
                "Every page authenticates under the master key's keyrings: \(pages.joined(separator: ", ")) pages."
            )
        } else {
            Output.line("Add --full to authenticate every page with the master key.")
        }
    }
}
