import CordonCore
import CordonDemoData
import Foundation

/// `cordon demo-data`: reproducible customers and marketing events to feed ingest.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write reproducible demo subjects and events (NDJSON) for ingest.",
        discussion: """
            Writes DIR/subjects.ndjson and DIR/events.ndjson for a cross-border shop: customers in \
            every mapped region with plausible names, reserved example.* emails and consent records \
            that follow each region's policy, and a year of funnel-shaped sessions (page_view, \
            product_view, add_to_cart, begin_checkout, purchase; refunds, marketing email, ad clicks; \
            channels, campaigns with an A/B pair cmp-a/cmp-b, devices; weekday and seasonal patterns \
            with a November peak), grouped by subject and in time order within a subject. The default \
            size, 20,000 customers and 600,000 events, is a mid-size shop with over a thousand buyers \
            a month. A share of lines is deliberately invalid \
            (malformed JSON, unknown country, missing or undeclared field, out-of-range or unknown \
            value, unknown subject). The same arguments give byte-identical files.

            The randomness is a seeded SplitMix64: test data only, never anything secret.

            Example: cordon demo-data --subjects 10000 --events 200000 --seed 7 --out demo
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.subjects, valueName: "N", help: "Subject lines to write (default 20000)."),
        .option(.events, valueName: "M", help: "Event lines to write (default 30 per subject)."),
        .option(.seed, valueName: "S", help: "Seed, decimal or 0x-hex (default 1)."),
        .option(.out, valueName: "DIR", help: "Directory for the two files, created if missing (required)."),
        .option(.invalidRate, valueName: "RATE", help: "Share of lines ingest must reject, 0 to 1 (default 0.01)."),
        .option(
            .until,
            valueName: "TIME",
            help: "End of the 365-day window events fall in (RFC 3339; default 2025-12-31T23:59:59Z)."
        ),
        GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let options: DemoDataOptions
    let seed: UInt64
    let output: URL

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        let subjects =
            try parsed.integer(.subjects, in: 0...DemoDataOptions.maximumSubjectCount)
            ?? DemoDataOptions.shopSubjectCount
        let events =
            try parsed.integer(.events, in: 0...DemoDataOptions.maximumEventCount) ?? subjects
            * DemoDataOptions.shopEventsPerSubject
        var invalidRate = 0.01
        if let text = parsed.option(.invalidRate) {
            guard let rate = Double(text), rate.isFinite, (0...1).contains(rate) else {
                throw UsageError("--invalid-rate must be a number in 0...1, got '\(text)'", command: Self.self)
            }
            invalidRate = rate
        }
        let windowEnd = try parsed.date(.until).map { Int64($0.timeIntervalSince1970) } ?? DemoDataOptions().windowEnd
        options = DemoDataOptions(
            subjectCount: subjects,
            eventCount: events,
            invalidRate: invalidRate,
            windowEnd: windowEnd
        )
        if let text = parsed.option(.seed) {
            let value = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            guard let value else {
                throw UsageError(
                    "--seed must be an integer in 0...\(UInt64.max) (or 0x-hex), got '\(text)'",
                    command: Self.self
                )
            }
            seed = value
        } else {
            seed = 1
        }
        guard let out = parsed.option(.out) else {
            throw UsageError("missing --out DIR (where to write subjects.ndjson and events.ndjson)", command: Self.self)
        }
        output = URL(fileURLWithPath: out).standardizedFileURL
    }

    func validate() throws {
        if options.eventCount > 0 && options.subjectCount == 0 {
            throw UsageError("--events needs at least one subject (--subjects 0 was given)", command: Self.self)
        }
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        let generator: DemoDataGenerator
        do {
            generator = try DemoDataGenerator(configuration: configuration, seed: seed, options: options)
        } catch {
            throw CLIError("cannot generate demo data: \(error)")
        }
        let summary: DemoDataSummary
        do {
            summary = try generator.generate(into: output) { progress in
                // Small runs finish before anyone reads a progress line.
                guard progress.totalLines >= 100_000 else { return }
                let percent = progress.linesWritten * 100 / progress.totalLines
                Output.standardError(
                    "demo-data: \(progress.phase.rawValue) \(progress.linesWritten)/\(progress.totalLines) (\(percent)%)"
                )
            }
        } catch {
            throw CLIError("cannot write demo data: \(error)")
        }
        if global.json {
            try Output.json(summary)
        } else {
            Output.line(
                "wrote \(output.appending(path: "subjects.ndjson").path) and \(output.appending(path: "events.ndjson").path)"
            )
            Output.standardOutput(summary.report)
        }
    }
}
