import CordonCore
import Foundation

/// `cordon query "SQL" --purpose P --analyst NAME`: an anonymized aggregate answer.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer an aggregate question with differential privacy, spending the analyst's budget.",
        discussion: """
            SELECT <dims>, <aggregates> FROM events [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n], \
            with COUNT(*), COUNT(DISTINCT subject), SUM(amount), AVG(amount); dimensions country, region, \
            channel, campaign, device, event, day(ts), week(ts), month(ts). Also \
            FUNNEL('page_view','add_to_cart','purchase') WITHIN INTERVAL '7 days', \
            ATTRIBUTION(first_touch|last_touch|linear) OF 'purchase' BY channel WITHIN INTERVAL '30 days', \
            AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '14 days' (ORDER BY their own \
            columns, e.g. ORDER BY conversions DESC). FROM subjects counts lawful people: \
            SELECT country, COUNT(*) FROM subjects GROUP BY country.
            Every value carries a 95% confidence interval; the same query again this period returns the \
            released answer for free. --explain shows the plan and cost without running or spending.
            The analyst is an active analyst token (--analyst NAME or --token SECRET): budgets belong to \
            tokens, so create one first: cordon token create --role analyst --regions all --name ana \
            --purposes analytics. The query runs within that token's purposes and regions.
            --format csv writes RFC 4180 CSV (interval columns <col>_low/<col>_high, privacy facts as \
            leading # lines); --format xlsx writes a workbook and needs --output FILE (or a pipe).
            Save a query with `cordon query save NAME "SQL"`, list yours with `cordon query saved`, \
            and run one with `cordon query --saved NAME`.
            """,
        subcommands: [QuerySaveCommand.self, QuerySavedCommand.self]
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional(
                "query",
                optional: true,
                help: "The query text (quote it for the shell); omit it with --saved."
            ),
            .option(.purpose, valueName: "PURPOSE", help: "Why the data is processed (e.g. analytics); required."),
        ] + AnalystPrincipalOptions.specs + [
            .option(
                .saved,
                valueName: "NAME",
                help: "Run the analyst's saved query NAME (its purpose is saved with it)."
            ),
            .option(.format, valueName: "FORMAT", help: "table (default), json, csv or xlsx."),
            .option(.output, valueName: "FILE", help: "Write the answer to FILE instead of stdout."),
            .option(
                .mechanism,
                valueName: "NAME",
                help:
                    "auto (default: Laplace, with the count that selects groups on the Gaussian where that needs fewer people), or laplace or gaussian for every statistic."
            ),
            .option(.epsilon, valueName: "E", help: "ε to spend per region (default: the policy's ε per query)."),
            .option(.maxGroups, valueName: "N", help: "Groups one subject may reach (default: the catalog's)."),
            .option(.maxRows, valueName: "N", help: "Rows one subject may add to a group (default: the catalog's)."),
            .option(
                .releaseThreshold,
                valueName: "N",
                help:
                    "Release groups from about N people (probability ≥ 50%): the count that selects groups takes only the ε that needs, the values the rest (default: ε shared evenly; --explain shows it)."
            ),
            .flag(
                .explain,
                help: "Show plan, regions, bounds, sensitivities, noise and ε cost; run nothing, spend nothing."
            ),
            GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
        ]

    let global: GlobalOptions
    let text: String?
    let purpose: String?
    let principal: AnalystPrincipalOptions
    let saved: String?
    let format: String
    let output: String?
    let mechanismText: String
    let mechanism: NoiseMechanism?
    let bounds: QueryBoundsOptions
    let explain: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        text = parsed.positional(0)
        purpose = parsed.option(.purpose)
        principal = AnalystPrincipalOptions(parsed: parsed)
        saved = parsed.option(.saved)
        format = global.json ? "json" : parsed.option(.format) ?? "table"
        output = parsed.option(.output)
        mechanismText = parsed.option(.mechanism) ?? "auto"
        mechanism = NoiseMechanism(rawValue: mechanismText)
        bounds = try QueryBoundsOptions(parsed: parsed, command: Self.self)
        explain = parsed.flag(.explain)
    }

    func validate() throws {
        if saved != nil {
            guard text == nil else {
                throw UsageError("give the query text or --saved NAME, not both", command: Self.self)
            }
            guard purpose == nil else {
                throw UsageError(
                    "a saved query runs for the purpose it was saved with: drop --purpose",
                    command: Self.self
                )
            }
            guard !explain else { throw UsageError("--explain takes the query text, not --saved", command: Self.self) }
        } else {
            guard text != nil else {
                throw UsageError("the query text is required (or --saved NAME)", command: Self.self)
            }
            guard purpose != nil else {
                throw UsageError("--purpose is required (e.g. --purpose analytics)", command: Self.self)
            }
        }
        try principal.validate(command: Self.self)
        try KnownValues("format", ["table", "json", "csv", "xlsx"]).check(format, option: "format", command: Self.self)
        if format == "xlsx" && explain {
            throw UsageError("--explain prints a plan: use --format table or json", command: Self.self)
        }
        if format == "xlsx" && output == nil && isatty(STDOUT_FILENO) == 1 {
            throw UsageError(
                "an xlsx workbook is binary: write it to a file with --output FILE (or pipe it)",
                command: Self.self
            )
        }
        if mechanism == nil && mechanismText != "auto" {
            try KnownValues("mechanism", ["auto"] + NoiseMechanism.allCases.map(\.rawValue))
                .check(mechanismText, option: "mechanism", command: Self.self)
        }
    }

    func run() throws {
        var options = bounds.apply(to: QueryOptions(mechanism: mechanism))
        let context = AccessContext.commandLine(role: .analyst)
        do {
            if let saved {
                let answer = try withVault(global) { vault in
                    let token = try principal.resolve(vault)
                    return try vault.runSavedQuery(
                        saved,
                        analyst: token.budgetHolder,
                        context: context,
                        options: AnalystPrincipalOptions.options(for: token, options)
                    )
                }
                try write(answer)
                return
            }
            try KnownValues.purposes(try PolicyBundle.load(global))
                .check(purpose!, option: "purpose", command: Self.self)
            let purpose = Purpose(rawValue: purpose!)
            if explain {
                let explanation = try withVault(global) { vault in
                    let token = try principal.resolve(vault)
                    options = AnalystPrincipalOptions.options(for: token, options)
                    return try vault.explain(
                        text!,
                        purpose: purpose,
                        analyst: token.budgetHolder,
                        context: context,
                        options: options
                    )
                }
                try emit(format == "json" ? Output.jsonText(explanation) : QueryFormatter.text(explanation))
                return
            }
            let answer = try withVault(global) { vault in
                let token = try principal.resolve(vault)
                return try vault.query(
                    text!,
                    purpose: purpose,
                    analyst: token.budgetHolder,
                    context: context,
                    options: AnalystPrincipalOptions.options(for: token, options)
                )
            }
            try write(answer)
        } catch let error as QueryError {
            throw CLIError(
                error.description,
                exitCode: error.code == .budgetExhausted ? ExitCode.failure : ExitCode.usage
            )
        } catch let error as SavedQueryError {
            throw CLIError(error.description, exitCode: ExitCode.usage)
        }
    }

    /// The answer in the chosen format, to stdout or `--output`.
    private func write(_ answer: QueryAnswer) throws {
        switch format {
        case "json": try emit(Output.jsonText(answer))
        case "csv": try emit(AnswerExport.csv(answer))
        case "xlsx": try emit(AnswerExport.xlsx(answer))
        default: try emit(QueryFormatter.table(answer))
        }
    }

    private func emit(_ text: String) throws { try emit(Array(text.utf8)) }

    private func emit(_ bytes: [UInt8]) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIError("cannot write \(output): \(error.localizedDescription)")
        }
        Output.standardError("wrote \(output) (\(format), \(bytes.count) bytes)")
    }
}

/// `--epsilon E`, `--max-groups N`, `--max-rows N`, `--release-threshold N`: syntax only (the
/// planner checks them against the policy's limits and the query's ε).
struct QueryBoundsOptions {
    var epsilon: Double?
    var maxGroupsPerSubject: Int?
    var maxRowsPerGroup: Int?
    var releaseThreshold: Int?

    init(parsed: ParsedArguments, command: any ParsableCommand.Type) throws {
        if let text = parsed.option(.epsilon) {
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw UsageError(
                    "--epsilon must be a finite number greater than 0 (e.g. --epsilon 0.5)",
                    command: command
                )
            }
            epsilon = value
        }
        func positive(_ name: OptionName) throws -> Int? {
            guard let text = parsed.option(name) else { return nil }
            guard let value = Int(text), value > 0 else {
                throw UsageError("--\(name) must be a whole number greater than 0 (e.g. --\(name) 2)", command: command)
            }
            return value
        }
        maxGroupsPerSubject = try positive(.maxGroups)
        maxRowsPerGroup = try positive(.maxRows)
        releaseThreshold = try positive(.releaseThreshold)
    }

    func apply(to options: QueryOptions) -> QueryOptions {
        var options = options
        options.epsilon = epsilon
        options.maxGroupsPerSubject = maxGroupsPerSubject
        options.maxRowsPerGroup = maxRowsPerGroup
        options.releaseThreshold = releaseThreshold
        return options
    }
}
