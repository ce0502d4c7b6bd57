import CordonCore
import Foundation

/// `cordon budget --analyst NAME` (or `--token SECRET`): ε spent and left per region this period.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Show an analyst's privacy budget per region for the current period.",
        discussion: """
            The analyst is an active analyst token: --analyst NAME (see `cordon token list`) or \
            --token SECRET. Create one with: cordon token create --role analyst --regions all --name NAME \
            --purposes analytics
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
        ] + AnalystPrincipalOptions.specs

    let global: GlobalOptions
    let principal: AnalystPrincipalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        principal = AnalystPrincipalOptions(parsed: parsed)
    }

    func validate() throws {
        try principal.validate(command: Self.self)
    }

    func run() throws {
        let report = try withVault(global) { vault in
            try vault.budget(analyst: try principal.resolve(vault).budgetHolder, context: .commandLine(role: .analyst))
        }
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
