import CordonCore
import Foundation

/// `cordon ingest subjects|events FILE`, and `cordon ingest --via URL FILE` (region nodes,
/// decision 0024), which tells subjects and events apart by the file's first line.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load subjects or events from NDJSON (a file, or - for stdin).",
        discussion: """
            `cordon ingest subjects FILE` and `cordon ingest events FILE` load into the local data \
            directory. `cordon ingest --via URL FILE` routes the file to region nodes instead: each \
            line goes to its region's node by its country (a file of events when its first line has \
            event and ts, else of subjects); see `cordon ingest subjects --help` for the lines and \
            the summary.

            Example: cordon ingest --via http://127.0.0.1:8701 --token $TOKEN customers.ndjson
            """,
        subcommands: [IngestSubjectsCommand.self, IngestEventsCommand.self]
    )
    static let arguments = IngestArguments.specs
    let arguments: IngestArguments

    init(parsed: ParsedArguments) throws {
        arguments = try IngestArguments(parsed: parsed, command: Self.self)
        guard arguments.via != nil else {
            throw UsageError(
                "name what to ingest (`cordon ingest subjects FILE` or `cordon ingest events FILE`), or route a file to region nodes with --via URL",
                command: Self.self
            )
        }
    }

    func run() throws {
        guard let via = arguments.via else { return }
        try arguments.runVia(kind: nil, url: via.url, tokens: via.tokens)
    }
}

/// Shared by both ingest commands.
struct IngestArguments {
    /// `--max-clock-skew SECONDS`, also accepted by `cordon serve`.
    static let clockSkewSpec = ArgumentSpec.option(
        .maxClockSkew,
        valueName: "SECONDS",
        help: "How far ahead of now an event's ts or a consent's recordedAt may be (default 86400)."
    )

    /// The value of `--max-clock-skew`, if given.
    static func clockSkew(_ parsed: ParsedArguments) throws -> Int64? {
        try parsed.integer(.maxClockSkew, in: 0...(366 * 86_400)).map(Int64.init)
    }

    static let specs: [ArgumentSpec] = [
        .positional("file", help: "NDJSON input, or - for stdin."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec,
        .flag(.json, help: "Accepted for symmetry: the summary on stdout is always one JSON document."),
        .option(
            .rejects,
            valueName: "FILE",
            help: "Write every refused line (number, reason, field, message; never its data) as NDJSON."
        ),
        .option(.batchSize, valueName: "N", help: "Lines per transaction (default 1000)."),
        clockSkewSpec,
        .flag(.quiet, short: "q", help: "No progress on stderr."),
        .option(
            .via,
            valueName: "URL",
            help: "Route by country through this node's GET /v1/regions; post each part to its region's node."
        ),
        .repeatingOption(
            .token,
            valueName: "[REGION=]TOKEN",
            help: "Ingest token for --via (default $CORDON_TOKEN); REGION=TOKEN for a node with its own (repeatable)."
        ),
    ]

    let global: GlobalOptions
    let file: String
    let rejects: String?
    let batchSize: Int
    let clockSkew: Int64?
    let quiet: Bool
    /// `--via URL` and its token: route the file to region nodes instead of a local vault.
    let via: (url: URL, tokens: NodeTokens)?

    init(parsed: ParsedArguments, command: any ParsableCommand.Type) throws {
        global = GlobalOptions(parsed: parsed)
        file = parsed.positional(0)!
        rejects = parsed.option(.rejects)
        batchSize = try parsed.integer(.batchSize, in: 1...100_000) ?? 1000
        clockSkew = try Self.clockSkew(parsed)
        quiet = parsed.flag(.quiet)
        if let text = parsed.option(.via) {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil
            else {
                throw UsageError(
                    "--via takes a node's base URL such as http://127.0.0.1:8080, got '\(text)'",
                    command: command
                )
            }
            var tokens = NodeTokens(fallback: ProcessInfo.processInfo.environment["CORDON_TOKEN"])
            for value in parsed.values(.token) {
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    tokens.byRegion[parts[0].lowercased()] = parts[1]
                } else {
                    tokens.fallback = value
                }
            }
            guard let fallback = tokens.fallback, !fallback.isEmpty else {
                throw UsageError(
                    "--via needs an ingest token for the node it names: --token TOKEN or CORDON_TOKEN",
                    command: command
                )
            }
            via = (url, tokens)
        } else {
            via = nil
        }
    }

    /// What both ingest commands' help says about output and exit status.
    static let outputDiscussion = """
        Prints one JSON summary on stdout (with or without --json): lines read, accepted, refused \
        by reason, blank lines skipped. Exit status 0 when any line was accepted (or there was none), \
        1 when every line was refused — then stderr says so, naming what the input looks like \
        when it is CSV, a JSON array, pretty-printed JSON or the other kind of line — and 64 for a \
        usage error.

        With --via URL (region nodes, decision 0024) nothing is opened locally: the file is split by \
        each line's country using the node's GET /v1/regions and each part is posted to its region's \
        node, in parallel; the summary adds the nodes' answers up, with every refused line under its \
        number in the file (a line whose region has no known node is refused as no_node).
        Each node has its own tokens: --token TOKEN goes to the --via node and every node without \
        its own --token REGION=TOKEN.
        Example: cordon ingest subjects --via http://127.0.0.1:8080 --token $TOKEN customers.ndjson
        """

    /// Runs `ingest` and prints the summary as JSON on stdout; fails (exit 1) after printing
    /// it when every line was refused.
    func run(
        kind: String,
        _ ingest: (Vault, LineReader, IngestOptions, (LineRejection) -> Void, (IngestSummary) -> Void) throws ->
            IngestSummary
    ) throws {
        if let via {
            try runVia(kind: kind, url: via.url, tokens: via.tokens)
            return
        }
        let reader = try LineReader(path: file)
        let rejectsHandle = try rejects.map(openRejects)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var options = IngestOptions()
        options.batchSize = batchSize
        options.maximumClockSkew = clockSkew ?? options.maximumClockSkew
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
        if summary.refusedEverything {
            let lines = summary.lines == 1 ? "the only line was" : "all \(summary.lines) lines were"
            throw CLIError(
                "nothing was ingested: \(lines) refused; "
                    + (summary.hint ?? (rejects == nil ? "add --rejects FILE to see why" : "see \(rejects!) for why"))
            )
        }
    }

    /// `--via`: routes the file to the region nodes and prints the merged summary.
    func runVia(kind: String?, url: URL, tokens: NodeTokens) throws {
        let started = Date()
        let summary = try RoutedIngest(kind: kind, via: url, tokens: tokens, quiet: quiet).run(file: file)
        if let rejects {
            let handle = try openRejects(rejects)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for rejection in summary.rejections { handle.write(try encoder.encode(rejection) + Data([0x0A])) }
            try handle.synchronize()
        }
        try Output.json(summary)
        if !quiet {
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            Output.standardError(
                "ingest --via: done in \(seconds) s: \(summary.accepted) accepted, \(summary.rejected) rejected, over \(summary.nodes.count) node(s)"
            )
        }
        if summary.refusedEverything {
            throw CLIError(
                "nothing was ingested: every line was refused; the summary's rejections say why, line by line"
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
            it is stored. Consents recorded before 1970 or more than --max-clock-skew ahead of now are refused.

            \(IngestArguments.outputDiscussion)
            """
    )
    static let arguments = IngestArguments.specs
    let arguments: IngestArguments

    init(parsed: ParsedArguments) throws {
        arguments = try IngestArguments(parsed: parsed, command: Self.self)
    }

    func run() throws {
        try arguments.run(kind: "subjects") { vault, reader, options, reject, progress in
            try vault.ingestSubjects(
                from: reader,
                context: .commandLine(role: .ingest),
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
            regions/catalog.json declares; anything else is refused, and so is a ts before 1970 or more than \
            --max-clock-skew ahead of now.

            \(IngestArguments.outputDiscussion)
            """
    )
    static let arguments = IngestArguments.specs
    let arguments: IngestArguments

    init(parsed: ParsedArguments) throws {
        arguments = try IngestArguments(parsed: parsed, command: Self.self)
    }

    func run() throws {
        try arguments.run(kind: "events") { vault, reader, options, reject, progress in
            try vault.ingestEvents(
                from: reader,
                context: .commandLine(role: .ingest),
                options: options,
                onReject: reject,
                progress: progress
            )
        }
    }
}
