import CordonCore
import Foundation

/// `cordon query save NAME "SQL" --purpose P --analyst NAME`: saves a validated query.
struct QuerySaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save a query under a name, to run again with `cordon query --saved NAME`.",
        discussion: """
            The query is parsed and validated with the catalog now, and its canonical text is stored \
            in control.db for the analyst (audited as query.save). Names are 1-64 of A-Z a-z 0-9 _ . - \
            and unique per analyst; no other analyst sees or runs it. Running it again within a \
            budget period returns the released answer for free. Example: cordon query save \
            buyers-by-channel "SELECT channel, COUNT(DISTINCT subject) FROM events GROUP BY channel" \
            --purpose analytics --analyst ana
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("name", help: "The saved query's name (1-64 of A-Z a-z 0-9 _ . -)."),
            .positional("query", help: "The query text (quote it for the shell)."),
            .option(.purpose, valueName: "PURPOSE", help: "The purpose it runs for (e.g. analytics); required."),
        ] + AnalystPrincipalOptions.specs + GlobalOptions.all

    let global: GlobalOptions
    let name: String?
    let text: String?
    let purpose: String?
    let principal: AnalystPrincipalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        name = parsed.positional(0)
        text = parsed.positional(1)
        purpose = parsed.option(.purpose)
        principal = AnalystPrincipalOptions(parsed: parsed)
    }

    func validate() throws {
        guard name != nil, text != nil else {
            throw UsageError("give a name and the query text: cordon query save NAME \"SQL\"", command: Self.self)
        }
        guard purpose != nil else {
            throw UsageError("--purpose is required (e.g. --purpose analytics)", command: Self.self)
        }
        try principal.validate(command: Self.self)
    }

    func run() throws {
        try KnownValues.purposes(try PolicyBundle.load(global)).check(purpose!, option: "purpose", command: Self.self)
        do {
            let saved = try withVault(global) { vault in
                let token = try principal.resolve(vault)
                return try vault.saveQuery(
                    name!,
                    text!,
                    purpose: Purpose(rawValue: purpose!),
                    analyst: token.budgetHolder,
                    context: .commandLine(role: .analyst),
                    options: AnalystPrincipalOptions.options(for: token, QueryOptions())
                )
            }
            if global.json {
                try Output.json(saved)
            } else {
                Output.line("saved \(saved.name) for \(saved.analyst) (\(saved.purpose)): \(saved.query)")
                Output.standardError("Run it with: cordon query --saved \(saved.name) --analyst \(saved.analyst)")
            }
        } catch let error as QueryError {
            throw CLIError(error.description, exitCode: ExitCode.usage)
        } catch let error as SavedQueryError {
            throw CLIError(error.description, exitCode: ExitCode.usage)
        }
    }
}

/// `cordon query saved --analyst NAME [--json]`: the analyst's saved queries.
struct QuerySavedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saved",
        abstract: "List the analyst's saved queries (audited as query.saved.list).",
        discussion: "Run one with: cordon query --saved NAME --analyst ANALYST [--format csv]"
    )
    static let arguments: [ArgumentSpec] = AnalystPrincipalOptions.specs + GlobalOptions.all

    let global: GlobalOptions
    let principal: AnalystPrincipalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        principal = AnalystPrincipalOptions(parsed: parsed)
    }

    func validate() throws { try principal.validate(command: Self.self) }

    func run() throws {
        let saved = try withVault(global) { vault in
            try vault.savedQueries(
                analyst: try principal.resolve(vault).budgetHolder,
                context: .commandLine(role: .analyst)
            )
        }
        if global.json {
            try Output.json(saved)
            return
        }
        guard !saved.isEmpty else {
            Output.line("(no saved queries; save one with cordon query save NAME \"SQL\" --purpose P)")
            return
        }
        Output.standardOutput(
            QueryFormatter.grid(
                [["name", "purpose", "saved at", "query"]]
                    + saved.map { [$0.name, $0.purpose.rawValue, $0.savedAt, $0.query] }
            )
        )
    }
}
