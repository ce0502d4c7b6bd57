import CordonCore
import Foundation

/// `cordon retention`: enforce retention periods.
struct RetentionCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Delete what is past its policy's retention.",
        subcommands: [RetentionRunCommand.self]
    )
}

/// `cordon retention run [--now ISO8601]`.
struct RetentionRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Sweep every region: delete expired events and inactive profiles, in bounded batches.",
        discussion:
            "Purchases follow user.behavior.purchase_history, other events user.behavior.browsing_history, profiles user.contact (from the last update or event). Each batch is its own audited transaction."
    )
    static let arguments: [ArgumentSpec] = [
        .option(.now, valueName: "TIME", help: "Sweep as of this RFC 3339 time (default: the clock)."),
        .option(.batchSize, valueName: "N", help: "Rows per transaction (default 10000)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let now: Int64
    let batchSize: Int

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        now = Int64((try parsed.date(.now) ?? Date()).timeIntervalSince1970)
        batchSize = try parsed.integer(.batchSize, in: 1...1_000_000) ?? 10_000
    }

    func run() throws {
        let report = try withVault(global) { vault in
            try vault.runRetention(
                context: .commandLine(role: .admin),
                now: now,
                batchSize: batchSize,
                logger: .progress("retention")
            )
        }
        if global.json {
            try Output.json(report)
            return
        }
        Output.line("retention as of \(report.now)")
        for region in report.regions {
            let deleted = region.deleted.keys.sorted().map { "\($0) \(region.deleted[$0]!)" }.joined(separator: ", ")
            Output.line(
                "  \(region.region) (\(region.policy)): \(deleted.isEmpty ? "nothing" : deleted); expired profiles \(region.subjectsExpired)"
            )
        }
        for (region, code) in (report.unavailableRegions ?? [:]).sorted(by: { $0.key < $1.key }) {
            Output.line("  \(region): skipped, its store cannot serve (\(code)); see `cordon store verify`")
        }
        Output.line("deleted \(report.totalDeleted) rows and profiles in total")
    }
}
