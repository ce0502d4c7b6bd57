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
        abstract: "Authenticate every page of each region's store and WAL; exit 1 if any fails."
    )
    static let arguments: [ArgumentSpec] = [
        .option("region", valueName: "ID", help: "Only this region (default: all)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let region: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        region = parsed.option("region")
    }

    func run() throws {
        if let region {
            try KnownValues.regions(try PolicyBundle.load(global)).check(region, option: "region", command: Self.self)
        }
        let checks = try withVault(global) { vault in
            try vault.verifyStores(region.map { [RegionID(rawValue: $0)] }, context: .commandLine(role: "admin"))
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
            if checks.isEmpty { Output.line("no region store has been created yet") }
        }
        let bad = checks.filter { !$0.intact }
        if !bad.isEmpty {
            throw CLIError(
                "\(bad.count) store\(bad.count == 1 ? "" : "s") failed verification: \(bad.map(\.region).joined(separator: ", ")); restore from a backup with `cordon store restore`"
            )
        }
    }
}

/// `cordon store restore --region ID --from FILE`.
struct StoreRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace a region's store with a backup and re-apply every erasure since.",
        discussion:
            "The explicit way to accept a store older than its audited state. Erasures recorded after the backup (tombstones in control.db) are replayed, so an erased person never comes back; the new state is audited."
    )
    static let arguments: [ArgumentSpec] = [
        .option("region", valueName: "ID", help: "The region whose store to replace."),
        .option("from", valueName: "FILE", help: "The backup copy of <data>/regions/<id>.db."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let region: String
    let backup: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let region = parsed.option("region"), let backup = parsed.option("from") else {
            throw UsageError("give --region ID and --from FILE", command: Self.self)
        }
        self.region = region
        self.backup = backup
    }

    struct Result: Encodable {
        var region: String
        var replayedErasures: Int
        var commit: Int64
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: backup) else { throw CLIError("\(backup) does not exist") }
        let (replayed, commit) = try withVault(global) { vault in
            try vault.restore(
                RegionID(rawValue: region),
                from: URL(fileURLWithPath: backup),
                context: .commandLine(role: "admin")
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
}
