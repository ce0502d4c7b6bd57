import CordonCore
import Foundation

/// `cordon ingest subjects|events FILE`.
struct IngestCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load subjects or events from NDJSON (a file, or - for stdin).",
        subcommands: [IngestSubjectsCommand.self, IngestEventsCommand.self]
    )
}

/// Shared by both ingest commands.
struct IngestArguments {
    static let specs: [ArgumentSpec] = [
        .positional("file", help: "NDJSON input, or - for stdin."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec,
        .option(
            "rejects",
            valueName: "FILE",
            help: "Write every refused line (number, reason, field, message; never its data) as NDJSON."
        ),
        .option("batch-size", valueName: "N", help: "Lines per transaction (default 1000)."),
        .flag("quiet", short: "q", help: "No progress on stderr."),
    ]

    let global: GlobalOptions
    let file: String
    let rejects: String?
    let batchSize: Int
    let quiet: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        file = parsed.positional(0)!
        rejects = parsed.option("rejects")
        batchSize = try parsed.integer("batch-size", in: 1...100_000) ?? 1000
        quiet = parsed.flag("quiet")
    }

    /// Runs `ingest` and prints the summary as JSON on stdout.
    func run(
        _ ingest: (Vault, LineReader, IngestOptions, (LineRejection) -> Void, (IngestSummary) -> Void) throws ->
            IngestSummary
    ) throws {
        let reader = try LineReader(path: file)
        let rejectsHandle = try rejects.map(openRejects)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var options = IngestOptions()
        options.batchSize = batchSize
        let started = Date()
        var lastReport = Date.distantPast
        let summary = try withVault(global) { vault in
            try ingest(
                vault,
                reader,
                options,
                { rejection in
                    if let rejectsHandle, let data = try? encoder.encode(rejection) {
                        rejectsHandle.write(data + Data([0x0A]))
                    }
                },
                { summary in
                    guard !quiet, Date().timeIntervalSince(lastReport) >= 1 else { return }
                    lastReport = Date()
                    let rate = Double(summary.lines) / max(Date().timeIntervalSince(started), 0.001)
                    Output.standardError(
                        "ingest: \(summary.lines) lines (\(reader.bytesRead / 1_048_576) MiB), \(summary.accepted) accepted, \(summary.rejected) rejected, \(Int(rate)) lines/s"
                    )
                }
            )
        }
        try rejectsHandle?.synchronize()
        try Output.json(summary)
        for (region, code) in (summary.unavailableRegions ?? [:]).sorted(by: { $0.key < $1.key }) {
            Output.standardError(
                "ingest: region \(region) could not serve (\(code)); its lines were refused as region_unavailable — see `cordon store verify`, then ingest them again"
            )
        }
        if !quiet {
            let seconds = Date().timeIntervalSince(started)
            Output.standardError(
                "ingest: done in \(String(format: "%.1f", seconds)) s: \(summary.accepted) accepted, \(summary.rejected) rejected"
                    + (summary.rejected > 0 && rejects == nil ? " (add --rejects FILE to see which lines and why)" : "")
            )
        }
    }

    private func openRejects(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw CLIError("cannot create the rejects file \(path)")
        }
        return handle
    }
}

/// `cordon ingest subjects FILE`.
struct IngestSubjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subjects",
        abstract: "Upsert subjects: PII sealed per subject, stored in the region of their country.",
        discussion: """
            Each line: {"externalId":"c-1001","country":"DE","birthYear":1990,"pii":{"email":..,"name":..}, \
            "consents":[{"purpose":"analytics","state":"granted","source":"cmp:tcf-2.2","recordedAt":"2025-03-01T10:00:00Z"}], \
            "signals":{"gpc":false}}. A line with no lawful purpose under its region's policy is refused and nothing of \
            it is stored. Prints a JSON summary on stdout; refused lines are counted by reason.
            """
    )
    static let arguments = IngestArguments.specs
    let arguments: IngestArguments

    init(parsed: ParsedArguments) throws {
        arguments = try IngestArguments(parsed: parsed)
    }

    func run() throws {
        try arguments.run { vault, reader, options, reject, progress in
            try vault.ingestSubjects(
                from: reader,
                context: .commandLine(role: "ingest"),
                options: options,
                onReject: reject,
                progress: progress
            )
        }
    }
}

/// `cordon ingest events FILE`.
struct IngestEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Append marketing events; each follows its subject's region and needs a lawful purpose.",
        discussion: """
            Each line: {"externalId":"c-1001","ts":"2025-03-01T10:05:00Z","event":"purchase","channel":"search", \
            "campaign":"cmp-17","device":"mobile","amountCents":4599,"purpose":"analytics"}. Fields are those \
            regions/catalog.json declares; anything else is refused.
            """
    )
    static let arguments = IngestArguments.specs
    let arguments: IngestArguments

    init(parsed: ParsedArguments) throws {
        arguments = try IngestArguments(parsed: parsed)
    }

    func run() throws {
        try arguments.run { vault, reader, options, reject, progress in
            try vault.ingestEvents(
                from: reader,
                context: .commandLine(role: "ingest"),
                options: options,
                onReject: reject,
                progress: progress
            )
        }
    }
}
