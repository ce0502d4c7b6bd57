import CordonCore
import Foundation

/// `cordon budget --analyst NAME`: ε spent and left per region this period.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Show an analyst's privacy budget per region for the current period."
    )
    static let arguments: [ArgumentSpec] = [
        .option("analyst", valueName: "NAME", help: "The analyst; required."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let analyst: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        analyst = parsed.option("analyst")
    }

    func validate() throws {
        guard analyst != nil else { throw UsageError("--analyst is required", command: Self.self) }
    }

    func run() throws {
        let report = try withVault(global) { try $0.budget(analyst: analyst!, context: .commandLine(role: "analyst")) }
        if global.json {
            try Output.json(report)
            return
        }
        var rows = [["region", "policy", "spent", "remaining", "budget", "ε/query", "queries", "resets at"]]
        for entry in report.regions {
            rows.append([
                entry.region, entry.policy, entry.spent, entry.remaining, entry.budget, entry.epsilonPerQuery,
                String(entry.queries), entry.resetsAt,
            ])
        }
        Output.standardOutput(QueryFormatter.grid(rows))
    }
}
