import CordonCore
import Foundation

/// `--analyst NAME` or `--token SECRET`: the analyst token whose budget pays (and whose
/// purposes and regions bound the query), shared by `cordon query` and `cordon budget`.
///
/// Budgets belong to principals: the name must be an active analyst token's, so a name
/// typed on the command line cannot open a fresh budget.
struct AnalystPrincipalOptions {
    static let specs: [ArgumentSpec] = [
        .option(
            .analyst,
            valueName: "NAME",
            help: "The active analyst token's name whose budget pays (see `cordon token list`)."
        ),
        .option(
            .token,
            valueName: "SECRET",
            help: "Or the analyst token's secret (cordon_...; other local users may see it in the process list)."
        ),
    ]

    let analyst: String?
    let token: String?

    init(parsed: ParsedArguments) {
        analyst = parsed.option(.analyst)
        token = parsed.option(.token)
    }

    /// Requires exactly one of `--analyst` and `--token`.
    func validate(command: any ParsableCommand.Type) throws {
        switch (analyst, token) {
        case (nil, nil):
            throw UsageError(
                "--analyst NAME (an analyst token's name) or --token SECRET is required: the analyst whose budget pays",
                command: command
            )
        case (_?, _?):
            throw UsageError("give --analyst or --token, not both", command: command)
        default:
            break
        }
    }

    /// The analyst token named or presented.
    /// - Throws: a usage ``CLIError`` naming the fix when there is none.
    func resolve(_ vault: Vault) throws -> APIToken {
        do {
            if let token { return try vault.analystToken(presenting: token) }
            return try vault.analystToken(named: analyst ?? "")
        } catch let error as QueryError {
            throw CLIError(error.description, exitCode: ExitCode.usage)
        }
    }

    /// The query options of a token: its purposes and its regions.
    static func options(for token: APIToken, _ base: QueryOptions) -> QueryOptions {
        var options = base
        options.permittedPurposes = Set(token.purposes)
        if case .regions(let regions) = token.scope { options.permittedRegions = regions }
        return options
    }
}
