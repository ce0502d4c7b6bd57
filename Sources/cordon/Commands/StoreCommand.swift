import CordonCore
import Foundation

/// `cordon store`: the encrypted region stores.
struct StoreCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check and restore the encrypted region stores.",
        subcommands: [StoreVerifyCommand.self, StoreRestoreCommand.self]
    )
}

/// `cordon store verify [--region ID]`.
struct StoreVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Authenticate every page of each region's store, control.db and their WALs; exit 1 if any fails."
    )
    static let arguments: [ArgumentSpec] = [
        .option(.region, valueName: "ID", help: "Only this region (default: all)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let region: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        region = parsed.option(.region)
    }

    func run() throws {
        if let region {
            try KnownValues.regions(try PolicyBundle.load(global)).check(region, option: "region", command: Self.self)
        }
        let checks = try withVault(global) { vault in
            try vault.verifyStores(region.map { [RegionID(rawValue: $0)] }, context: .commandLine(role: .admin))
        }
        if global.json {
            try Output.json(checks)
        } else {
            for check in checks {
                let commit = check.commit.map { ", commit \($0)" } ?? ""
                Output.line(
                    "\(check.region): \(check.pages) pages, \(check.walFrames) WAL frames\(commit) — \(check.intact ? "ok" : "FAILED")  (\(check.file))"
                )
                for problem in check.problems { Output.line("  \(problem)") }
            }
            if !checks.contains(where: { $0.region != "control" }) {
                Output.line("no region store has been created yet")
            }
        }
        let bad = checks.filter { !$0.intact }
        if !bad.isEmpty {
            throw CLIError(
                "\(bad.count) store\(bad.count == 1 ? "" : "s") failed verification: \(bad.map(\.region).joined(separator: ", ")); restore from a backup with `cordon store restore`"
            )
        }
    }
}

/// `cordon store restore --region ID --from FILE` | `cordon store restore --control FILE`.
struct StoreRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace a region's store, or control.db, with a backup and replay what must not come back.",
        discussion: """
            The explicit way to accept a store older than its audited state. --region/--from: every \
            erasure the audit trail records (and every tombstone) is applied again, so an erased person \
            never comes back. --control: an older control.db is accepted and re-anchored; the trail \
            replays erasure tombstones, token revocations and privacy budget spent (never refunded), and \
            what it cannot replay (DSR register changes since the backup, tokens created since) is listed. \
            Either way the new state is audited.
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.region, valueName: "ID", help: "The region whose store to replace."),
        .option(.from, valueName: "FILE", help: "The backup copy of <data>/regions/<id>.db."),
        .option(.control, valueName: "FILE", help: "A backup copy of <data>/control.db to accept instead."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    enum Target {
        case region(String, backup: String)
        case control(backup: String)
    }

    let global: GlobalOptions
    let target: Target

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        switch (parsed.option(.region), parsed.option(.from), parsed.option(.control)) {
        case (let region?, let backup?, nil): target = .region(region, backup: backup)
        case (nil, nil, let backup?): target = .control(backup: backup)
        default:
            throw UsageError("give --region ID and --from FILE, or --control FILE", command: Self.self)
        }
    }

    struct Result: Encodable {
        var region: String
        var replayedErasures: Int
        var commit: Int64
    }

    func run() throws {
        switch target {
        case .region(let region, let backup): try restoreRegion(region, from: backup)
        case .control(let backup): try restoreControl(from: backup)
        }
    }

    private func restoreRegion(_ region: String, from backup: String) throws {
        guard FileManager.default.fileExists(atPath: backup) else { throw CLIError("\(backup) does not exist") }
        let (replayed, commit) = try withVault(global) { vault in
            try vault.restore(
                RegionID(rawValue: region),
                from: URL(fileURLWithPath: backup),
                context: .commandLine(role: .admin)
            )
        }
        if global.json {
            try Output.json(Result(region: region, replayedErasures: replayed, commit: commit))
        } else {
            Output.line(
                "restored region \(region) from \(backup); re-applied \(replayed) erasure\(replayed == 1 ? "" : "s"); store now at commit \(commit)"
            )
        }
    }

    private func restoreControl(from backup: String) throws {
        guard FileManager.default.fileExists(atPath: backup) else { throw CLIError("\(backup) does not exist") }
        let report = try Vault.restoreControl(
            dataDirectory: global.dataDirectory,
            configuration: try PolicyBundle.load(global),
            source: .fromEnvironment(dataDirectory: global.dataDirectory),
            from: URL(fileURLWithPath: backup),
            context: .commandLine(role: .admin),
            passphraseParameters: PassphraseCost.fromEnvironment()
        )
        if global.json {
            try Output.json(report)
            return
        }
        Output.line(
            "restored control.db from \(backup); now at commit \(report.commit). Replayed from the audit trail: \(report.tombstonesReplayed) tombstone(s), \(report.tokensRevoked.count) token revocation(s), \(report.budgetsRaised) privacy-budget row(s) raised to what was spent"
        )
        if let kept = report.replacedFileKeptAt {
            Output.line("  the control.db it replaced is kept as \(kept)")
        }
        if report.erasuresWithoutRecord > 0 {
            Output.line(
                "  \(report.erasuresWithoutRecord) audited erasure(s) have no erasure record in any region store: no tombstone for them, but `store restore --region` still erases them from the trail"
            )
        }
        for token in report.tokensMissing {
            Output.line("  token \(token) was created after the backup and no longer exists: create it again if needed")
        }
        for change in report.requestsNotReplayed {
            Output.line(
                "  request \(change.request): the trail records \(change.action) (entry \(change.sequence)), the restored register has it \(change.register); redo it with `cordon dsr`"
            )
        }
    }
}
