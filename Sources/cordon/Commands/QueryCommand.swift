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
            """
    )
    static let arguments: [ArgumentSpec] = [
        .positional("query", help: "The query text (quote it for the shell)."),
        .option("purpose", valueName: "PURPOSE", help: "Why the data is processed (e.g. analytics); required."),
        .option("analyst", valueName: "NAME", help: "Whose privacy budget pays; required."),
        .option("format", valueName: "FORMAT", help: "table (default), json or csv."),
        .option("mechanism", valueName: "NAME", help: "laplace (default) or gaussian."),
        .flag(
            "explain",
            help: "Show plan, regions, bounds, sensitivities, noise and ε cost; run nothing, spend nothing."
        ),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let text: String
    let purpose: String?
    let analyst: String?
    let format: String
    let mechanismText: String
    let mechanism: NoiseMechanism?
    let explain: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        text = parsed.positional(0) ?? ""
        purpose = parsed.option("purpose")
        analyst = parsed.option("analyst")
        format = global.json ? "json" : parsed.option("format") ?? "table"
        mechanismText = parsed.option("mechanism") ?? "laplace"
        mechanism = NoiseMechanism(rawValue: mechanismText)
        explain = parsed.flag("explain")
    }

    func validate() throws {
        guard purpose != nil else {
            throw UsageError("--purpose is required (e.g. --purpose analytics)", command: Self.self)
        }
        guard analyst != nil else {
            throw UsageError("--analyst is required: the analyst whose budget pays", command: Self.self)
        }
        try KnownValues("format", ["table", "json", "csv"]).check(format, option: "format", command: Self.self)
        if mechanism == nil {
            try KnownValues("mechanism", NoiseMechanism.allCases.map(\.rawValue))
                .check(mechanismText, option: "mechanism", command: Self.self)
        }
    }

    func run() throws {
        try KnownValues.purposes(try PolicyBundle.load(global)).check(purpose!, option: "purpose", command: Self.self)
        let purpose = Purpose(rawValue: purpose!)
        let options = QueryOptions(mechanism: mechanism!)
        let context = AccessContext.commandLine(role: "analyst")
        do {
            if explain {
                let explanation = try withVault(global) {
                    try $0.explain(text, purpose: purpose, analyst: analyst!, context: context, options: options)
                }
                if format == "json" {
                    try Output.json(explanation)
                } else {
                    Output.standardOutput(QueryFormatter.text(explanation))
                }
                return
            }
            let answer = try withVault(global) {
                try $0.query(text, purpose: purpose, analyst: analyst!, context: context, options: options)
            }
            switch format {
            case "json": try Output.json(answer)
            case "csv": Output.standardOutput(QueryFormatter.csv(answer))
            default: Output.standardOutput(QueryFormatter.table(answer))
            }
        } catch let error as QueryError {
            throw CLIError(
                error.description,
                exitCode: error.code == .budgetExhausted ? ExitCode.failure : ExitCode.usage
            )
        }
    }
}

/// Renders answers and explanations for the terminal and for spreadsheets.
enum QueryFormatter {
    /// Columns padded to their widest cell, a rule under the header.
    static func grid(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in
            rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return
            ([render(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + rows.dropFirst().map(render))
            .joined(separator: "\n") + "\n"
    }

    /// The answer as a table, each noisy value with its 95% interval, then its privacy cost.
    static func table(_ answer: QueryAnswer) -> String {
        var rows = [answer.columns]
        for row in answer.rows {
            rows.append(
                row.map { cell in
                    if case .number(let value) = cell {
                        return "\(cell)  [\(format(value.low)), \(format(value.high))]"
                    }
                    return cell.description
                }
            )
        }
        var text = grid(rows)
        if answer.rows.isEmpty { text += "(no group passed the release threshold)\n" }
        let privacy = answer.privacy
        let regions = privacy.epsilonSpent.keys.sorted()
        text += "\n95% confidence intervals in brackets; mechanism: discrete \(privacy.mechanism.rawValue)"
        if let suppressed = answer.suppressedGroups {
            text +=
                "; suppressed groups ≈ \(format(suppressed.value)) [\(format(suppressed.low)), \(format(suppressed.high))]"
        }
        text += "\n" + (privacy.cached ? "released answer of the same query this period: no budget spent\n" : "")
        for region in regions {
            text +=
                "\(region): ε spent \(privacy.epsilonSpent[region]!), left \(privacy.budgetRemaining[region] ?? "?") until \(privacy.budgetResetsAt[region] ?? "?") (policy \(privacy.policyVersions[region] ?? "?"))\n"
        }
        return text
    }

    /// The answer as CSV: each noisy column followed by its interval bounds.
    static func csv(_ answer: QueryAnswer) -> String {
        func quote(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        let numeric = answer.columns.indices.map { index in
            answer.rows.contains { if case .number = $0[index] { true } else { false } }
        }
        var header: [String] = []
        for (index, column) in answer.columns.enumerated() {
            header.append(column)
            if numeric[index] { header += [column + "_ci95_low", column + "_ci95_high"] }
        }
        var lines = [header.map(quote).joined(separator: ",")]
        for row in answer.rows {
            var cells: [String] = []
            for (index, cell) in row.enumerated() {
                switch cell {
                case .number(let value): cells += [format(value.value), format(value.low), format(value.high)]
                case .text(let text): cells += numeric[index] ? [text, "", ""] : [text]
                }
            }
            lines.append(cells.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plan of `--explain`.
    static func text(_ explanation: QueryExplanation) -> String {
        var text =
            "query: \(explanation.query)\npurpose: \(explanation.purpose) (counts events collected for: \(explanation.collectionPurposes.joined(separator: ", ")))\nmechanism: discrete \(explanation.mechanism.rawValue)\n"
        if explanation.wouldUseReleasedAnswer {
            text += "already answered this period: would return the released answer, no budget spent\n"
        }
        if explanation.regions.isEmpty { text += "no region can match the filter: nothing would run\n" }
        for plan in explanation.regions {
            let region = plan.region.rawValue
            text +=
                "\nregion \(region) (\(plan.policyID) \(plan.policyVersion)): ε cost \(explanation.epsilonCost[region] ?? "?"), left \(explanation.budgetRemaining[region] ?? "?"), δ \(plan.delta)\n"
            text +=
                "  bounds: ≤ \(plan.maxGroupsPerSubject) groups per subject, ≤ \(plan.maxRowsPerGroup) rows per group, amounts clamped to the catalog bounds\n"
            text +=
                "  release threshold: noisy subjects ≥ \(plan.releaseThreshold) (partition selection \(plan.selectionThreshold), policy minimum \(plan.minAggregationSubjects))\n"
            var rows = [["statistic", "L1", "L2", "ε", "noise", "scale", "95% ±"]]
            for statistic in plan.statistics {
                rows.append([
                    statistic.name, format(statistic.l1Sensitivity), format(statistic.l2Sensitivity),
                    format(statistic.epsilon),
                    statistic.noise.mechanism.rawValue, format(statistic.noise.scale), String(statistic.halfWidth95),
                ])
            }
            text += grid(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            text += "  sql: \(explanation.sql[region] ?? "")\n"
        }
        return text
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded() && abs(number) < 1e15 { return String(Int64(number)) }
        return String(format: "%.4g", number)
    }
}
