import CordonCore
import CordonDemoData
import CordonServer
import Foundation

/// `cordon demo`: a data directory with generated shop data for every region, one token
/// per role, and the HTTP API on loopback with copy-paste examples.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the HTTP API on a demo data directory, with tokens and curl examples.",
        discussion: """
            Initializes --data (default ./cordon-demo) if needed, loads generated subjects and events for \
            every region once (cordon demo-data, ingested through the library), creates one token per role \
            and serves on --bind (default 127.0.0.1:8080). Tokens are created anew on every run and the \
            previous run's demo tokens are revoked, so nothing secret is kept on disk. Ctrl-C stops cleanly; \
            running again reuses the data.
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.bind, valueName: "ADDR:PORT", help: "Loopback address to listen on (default 127.0.0.1:8080)."),
        .option(
            .subjects,
            valueName: "N",
            help: "Subjects to generate on the first run (default 20000, with 30 events each)."
        ),
        GlobalOptions.dataSpec, GlobalOptions.configSpec,
    ]

    let global: GlobalOptions
    let bind: BindAddress
    let subjects: Int

    init(parsed: ParsedArguments) throws {
        var global = GlobalOptions(parsed: parsed)
        if parsed.option(.data) == nil && ProcessInfo.processInfo.environment["CORDON_DATA"] == nil {
            global.dataDirectory = URL(fileURLWithPath: "./cordon-demo").standardizedFileURL
        }
        self.global = global
        let text = parsed.option(.bind) ?? "127.0.0.1:8080"
        guard let bind = BindAddress(parsing: text), bind.isLoopback else {
            throw UsageError(
                "--bind must be a loopback address such as 127.0.0.1:8080, got '\(text)'",
                command: Self.self
            )
        }
        self.bind = bind
        subjects = try parsed.integer(.subjects, in: 1...1_000_000) ?? DemoDataOptions.shopSubjectCount
    }

    func run() throws {
        let policies = try PolicyBundle.load(global)
        let directory = global.dataDirectory
        if !InstanceConfiguration.exists(in: directory) {
            Output.standardError("demo: initializing \(directory.path)")
            _ = try DataDirectory.initialize(
                at: directory,
                regions: policies.regionIDs,
                source: .fromEnvironment(dataDirectory: directory),
                passphraseParameters: PassphraseCost.fromEnvironment()
            )
        }
        let tokens = try withVault(global) { vault in
            try loadDataOnce(vault, policies: policies)
            return try freshTokens(vault)
        }
        var server = ServerConfiguration(dataDirectory: directory)
        server.bind = bind
        server.configDirectory = global.configDirectory
        server.policies = policies
        server.passphraseParameters = PassphraseCost.fromEnvironment()
        server.logger.logLevel = .notice  // start and stop, not a line per request
        try ServerRunner.run(server, global: global) { api, host in
            Output.standardOutput(DemoGuide.text(port: host.port, tokens: tokens, data: directory.path))
        }
    }

    /// Generates and ingests the demo data on the first run (marker file `.demo-loaded`).
    private func loadDataOnce(_ vault: Vault, policies: PolicyConfiguration) throws {
        let marker = global.dataDirectory.appendingPathComponent(".demo-loaded")
        guard !FileManager.default.fileExists(atPath: marker.path) else {
            Output.standardError("demo: data already loaded (delete \(global.dataDirectory.path) to start over)")
            return
        }
        let input = global.dataDirectory.appendingPathComponent("demo-input")
        // Events in the year up to today, so they are within every policy's retention and the
        // query example has data to answer from.
        let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
        let generator = try DemoDataGenerator(
            configuration: policies,
            seed: 42,
            options: DemoDataOptions(
                subjectCount: subjects,
                eventCount: subjects * DemoDataOptions.shopEventsPerSubject,
                invalidRate: 0.01,
                windowEnd: today
            )
        )
        _ = try generator.generate(into: input) { _ in }
        let context = AccessContext(actor: "cordon:demo", role: .ingest)
        for (kind, file) in [("subjects", "subjects.ndjson"), ("events", "events.ndjson")] {
            let reader = try LineReader(path: input.appendingPathComponent(file).path)
            let summary =
                kind == "subjects"
                ? try vault.ingestSubjects(from: reader, context: context)
                : try vault.ingestEvents(from: reader, context: context)
            Output.standardError(
                "demo: \(kind): \(summary.accepted) accepted, \(summary.rejected) refused (by reason: \(summary.rejectedByReason))"
            )
        }
        // Without the marker the next run would load the events a second time.
        if !FileManager.default.createFile(atPath: marker.path, contents: Data()) {
            Output.warning("cannot write \(marker.path); the next `cordon demo` would load the demo data again")
        }
    }

    /// Revokes the previous run's demo tokens and creates one per role (all regions; the
    /// analyst's may query every queryable purpose).
    private func freshTokens(_ vault: Vault) throws -> [(TokenRole, String)] {
        let registry = try vault.tokenRegistry()
        let context = AccessContext(actor: "cordon:demo", role: .admin)
        for token in try registry.list() where token.name.hasPrefix("demo-") && !token.isRevoked {
            try registry.revoke(id: token.id, context: context)
        }
        // A coordinator token is issued on a region node for its coordinator (decision 0027).
        return try TokenRole.allCases.filter { $0 != .coordinator }.map { role in
            let issued = try registry.create(
                name: "demo-\(role.rawValue)",
                role: role,
                scope: .allRegions,
                purposes: role == .analyst ? vault.configuration.catalog.queryablePurposes : [],
                context: context
            )
            return (role, issued.secret)
        }
    }
}

/// What `cordon demo` prints once the server listens.
enum DemoGuide {
    static func text(port: UInt16, tokens: [(TokenRole, String)], data: String) -> String {
        let base = "http://127.0.0.1:\(port)"
        var out = "\nCordon demo on \(base) (data in \(data)). Tokens (new each run, previous demo tokens revoked):\n"
        out = "\nConsole: \(base)/console/ (sign in with a token below)" + out
        for (role, secret) in tokens { out += "  export \(role.rawValue.uppercased())=\(secret)\n" }
        let recent = Timestamp.format(Date().addingTimeInterval(-3600))
        out += """

            # 1. Ingest an event (ingest role; NDJSON, one event per line)
            curl -s -X POST \(base)/v1/events -H "Authorization: Bearer $INGEST" -H 'Content-Type: application/x-ndjson' \\
              --data-binary '{"externalId":"c-1001","ts":"\(recent)","event":"page_view","channel":"search","campaign":"cmp-17","device":"mobile","purpose":"analytics"}'

            """ + "\n\n"
        out += """
            # 2. An aggregate query with its privacy metadata (analyst role): noisy counts with 95% intervals,
            #    epsilon spent and budget left per region; small groups are suppressed
            curl -s -X POST \(base)/v1/query -H "Authorization: Bearer $ANALYST" -H 'Content-Type: application/json' \\
              --data '{"sql":"SELECT channel, COUNT(DISTINCT subject) AS visitors, COUNT(*) AS events FROM events GROUP BY channel","purpose":"analytics"}' | python3 -m json.tool
            #    the shop's A/B test: cmp-b against cmp-a, purchases within 14 days (more questions: README, Queries for analysts)
            curl -s -X POST \(base)/v1/query -H "Authorization: Bearer $ANALYST" -H 'Content-Type: application/json' \\
              --data "{\\"sql\\":\\"SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events\\",\\"purpose\\":\\"analytics\\"}" | python3 -m json.tool

            """ + "\n\n"
        out += """
            # 3. An access request (dpo role): find the person, register the request (its region and legal
            #    deadline come from the subject), then answer it with the export package (a POST: it completes
            #    the request)
            ID=$(curl -s "\(base)/v1/subjects/lookup?externalId=c-1003" -H "Authorization: Bearer $DPO" | python3 -c 'import json,sys; print(json.load(sys.stdin)["subjects"][0]["subjectId"])')
            REQ=$(curl -s -X POST \(base)/v1/dsr -H "Authorization: Bearer $DPO" -H 'Content-Type: application/json' \\
              --data "{\\"right\\":\\"access\\",\\"subjectId\\":\\"$ID\\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
            curl -s -X POST \(base)/v1/subjects/$ID/export -H "Authorization: Bearer $DPO" -H 'Content-Type: application/json' \\
              --data "{\\"dsrRequest\\":\\"$REQ\\"}" | python3 -m json.tool | head -40

            # 4. Erase them and keep the signed receipt (dpo role)
            curl -s -X DELETE \(base)/v1/subjects/$ID -H "Authorization: Bearer $DPO" | python3 -m json.tool

            # 5. Verify the audit trail: signed checkpoint, verifier key, the subject's trail, then the full check after Ctrl-C
            curl -s \(base)/v1/audit/checkpoint -H "Authorization: Bearer $DPO"
            curl -s \(base)/v1/audit/pubkey -H "Authorization: Bearer $DPO" > /tmp/cordon-pubkey.txt
            curl -s "\(base)/v1/audit/entries?subject=$ID" -H "Authorization: Bearer $DPO" | python3 -m json.tool | head -40
            #    after Ctrl-C: cordon audit verify --data \(data) && python3 audit/verify.py \(data)/audit --pubkey /tmp/cordon-pubkey.txt

            Ctrl-C stops the server cleanly.

            """
        return out
    }
}
