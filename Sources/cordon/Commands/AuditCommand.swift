import CordonAudit
import CordonCore
import Foundation

/// `cordon audit`: read and verify the tamper-evident audit trail.
struct AuditCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, read and prove entries of the audit trail.",
        discussion:
            "A DPO can verify without Cordon's code: python3 audit/verify.py <data>/audit --pubkey FILE, where FILE holds what `cordon audit pubkey` prints.",
        subcommands: [
            AuditVerifyCommand.self, AuditTailCommand.self, AuditSearchCommand.self, AuditCheckpointCommand.self,
            AuditProveCommand.self, AuditPubkeyCommand.self, AuditWitnessCommand.self, AuditWitnessesCommand.self,
        ]
    )
}

/// Encodes an audit entry as one compact JSON line (its fields, not its canonical bytes).
private func entryLine(_ entry: AuditEntry) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(entry), as: UTF8.self)
}

private func humanLine(_ entry: AuditEntry) -> String {
    var parts = [
        "#\(entry.sequence)", entry.time.description,
        entry.actorName.map { "\(entry.actor) \"\($0)\"" } ?? entry.actor, "(\(entry.role))", entry.action,
        entry.outcome.rawValue,
    ]
    if !entry.regions.isEmpty { parts.append("regions=\(entry.regions.joined(separator: ","))") }
    if let purpose = entry.purpose { parts.append("purpose=\(purpose)") }
    if let reason = entry.reason { parts.append("reason=\(reason)") }
    if !entry.subjects.isEmpty { parts.append("subjects=\(entry.subjects.count)") }
    return parts.joined(separator: " ")
}

/// `cordon audit verify [--pubkey FILE]`.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every leaf and root, check every checkpoint signature; exit 1 on any problem.",
        discussion: """
            With --pubkey FILE no master key is needed (the verifier key line from `cordon audit pubkey`). \
            With --checkpoint FILE (a checkpoint you fetched earlier, `GET /v1/audit/checkpoint` or `cordon audit \
            checkpoint`, and kept off this machine) it also proves the log still extends it, or says it was rolled \
            back ("the saved checkpoint has N entries, the log has M") or rewritten. Files on one machine cannot \
            prove the whole data directory was not replaced by an older copy; a saved checkpoint can. Without \
            --pubkey the vault is opened, which refuses a trail shorter than the checkpoint it last witnessed and \
            never signs a new checkpoint over it.
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(
            .pubkey,
            valueName: "FILE",
            help: "Verifier key file; default: derive it from the data directory's keys."
        ),
        .option(
            .checkpoint,
            valueName: "FILE",
            help: "A checkpoint kept elsewhere: prove the log is consistent with it."
        ),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let pubkey: String?
    let checkpointPath: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        pubkey = parsed.option(.pubkey)
        checkpointPath = parsed.option(.checkpoint)
    }

    struct Report: Encodable {
        var ok: Bool
        var treeSize: UInt64
        var rootHash: String
        var checkpointsChecked: Int
        var latestCheckpointSize: UInt64?
        var warnings: [String]
        var problem: String?
        var problemSequence: UInt64?
        var consistentWithSavedCheckpoint: UInt64?
    }

    func run() throws {
        let key: NoteVerifierKey
        if let pubkey {
            let text = try String(contentsOfFile: pubkey, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines
            )
            do { key = try NoteVerifierKey(parsing: text) } catch {
                throw CLIError("\(pubkey) is not a verifier key: \(error)")
            }
        } else {
            key = try withVault(global) { $0.auditVerifierKey }
        }
        let saved: Checkpoint? = try checkpointPath.map { path in
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw CLIError("cannot read the checkpoint \(path): \(error.localizedDescription)")
            }
            do throws(AuditError) { return try Checkpoint.parse(text) } catch {
                throw CLIError("\(path) is not a checkpoint: \(error.message)")
            }
        }
        let report = AuditVerifier.verify(
            directory: global.dataDirectory.appendingPathComponent("audit"),
            publicKey: key,
            savedCheckpoint: saved
        )
        if global.json {
            try Output.json(
                Report(
                    ok: report.isValid,
                    treeSize: report.treeSize,
                    rootHash: report.rootHex,
                    checkpointsChecked: report.checkpointsChecked,
                    latestCheckpointSize: report.latestCheckpointSize,
                    warnings: report.warnings,
                    problem: report.problem?.message,
                    problemSequence: report.problem?.sequence,
                    consistentWithSavedCheckpoint: report.consistentWithSavedCheckpoint
                )
            )
        } else {
            Output.line(
                "tree size \(report.treeSize), root \(report.rootHex), \(report.checkpointsChecked) checkpoints verified"
            )
            if let size = report.consistentWithSavedCheckpoint {
                Output.line("consistent with the saved checkpoint of \(size) entries")
            }
            report.warnings.forEach(Output.warning)
        }
        if let problem = report.problem {
            throw CLIError("audit trail does not verify: \(problem.message)")
        }
        if !global.json { Output.line("ok: every entry and checkpoint verifies") }
    }
}

/// `cordon audit tail [-n N]`.
struct AuditTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tail", abstract: "Show the newest audit entries.")
    static let arguments: [ArgumentSpec] = [
        .option(.lines, short: "n", valueName: "N", help: "How many entries (default 20)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let count: Int

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        count = try parsed.integer(.lines, in: 1...100_000) ?? 20
    }

    func run() throws {
        let entries = try withVault(global) { try $0.newestAuditEntries(count) }
        if global.json {
            try Output.json(entries)
        } else {
            for entry in entries { Output.line(humanLine(entry)) }
        }
    }
}

/// `cordon audit search --subject ID | --actor A | --action X [--since T] [--until T]`.
struct AuditSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find audit entries by subject, actor, action and time.",
        discussion: "--subject takes a subject id and searches by its pseudonym (the trail never holds the id itself)."
    )
    static let arguments: [ArgumentSpec] = [
        .option(.subject, valueName: "ID", help: "A subject id."),
        .option(.actor, valueName: "ACTOR", help: "e.g. cli:root or a token id."),
        .option(.action, valueName: "ACTION", help: "e.g. subject.export, ingest.events."),
        .option(.since, valueName: "TIME", help: "RFC 3339, inclusive."),
        .option(.until, valueName: "TIME", help: "RFC 3339, exclusive."),
        .option(.limit, valueName: "N", help: "At most N entries (default 1000)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let subject: SubjectID?
    let query: AuditQuery

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        subject = try parsed.option(.subject).map { try subjectID($0, for: Self.self) }
        query = AuditQuery(
            actor: parsed.option(.actor),
            action: parsed.option(.action),
            since: try parsed.date(.since).map(AuditTimestamp.init),
            until: try parsed.date(.until).map(AuditTimestamp.init),
            limit: try parsed.integer(.limit, in: 1...10_000_000) ?? 1000
        )
    }

    func run() throws {
        let entries = try withVault(global) { vault in
            var query = query
            query.subject = subject.map(vault.pseudonym)
            return try vault.searchAudit(query)
        }
        if global.json {
            try Output.json(entries)
        } else {
            for entry in entries { Output.line(humanLine(entry)) }
            Output.standardError("\(entries.count) entries")
        }
    }
}

/// `cordon audit checkpoint`.
struct AuditCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of the current tree now and print it (C2SP signed note).",
        discussion: """
            Keep checkpoints off this machine (a DPO's archive, a ticket, another region's node): \
            `cordon audit verify --checkpoint FILE` later proves the log still extends each one, which \
            no file on this machine can prove by itself. With --json: {"treeSize", "rootHash" (base64), "checkpoint" (the note)}.
            """
    )
    static let arguments = [GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec]

    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    struct Report: Encodable {
        var treeSize: UInt64
        var rootHash: String
        var checkpoint: String
    }

    func run() throws {
        let checkpoint = try withVault(global) { try $0.signAuditCheckpoint() }
        if global.json {
            try Output.json(
                Report(
                    treeSize: checkpoint.treeSize,
                    rootHash: Data(checkpoint.rootHash).base64EncodedString(),
                    checkpoint: checkpoint.text
                )
            )
        } else {
            Output.standardOutput(checkpoint.text)
        }
    }
}
