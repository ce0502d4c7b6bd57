import CordonCore

/// `cordon`: the root command.
struct CordonCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "cordon",
        abstract: "A compliance-first vault for cross-border marketing data.",
        discussion: """
            Cordon keeps each person's data in an encrypted store of the region whose law protects \
            them, enforces that jurisdiction's consent and retention rules, answers only aggregated, \
            anonymized questions, and audits every access.

            Common options: --data DIR (default $CORDON_DATA or ./cordon-data), --config DIR \
            (policies/ and regions/; default $CORDON_CONFIG or the repository's), --json.
            Exit status: 0 success, 64 usage error, 1 anything else (with a one-line reason).
            """,
        subcommands: [
            AuditCommand.self, BackupCommand.self, DemoDataCommand.self, DSRCommand.self, InitCommand.self,
            IngestCommand.self,
            KeysCommand.self,
            PolicyCommand.self, QueryCommand.self, BudgetCommand.self, ReceiptCommand.self, RegionCommand.self,
            RestoreCommand.self, RetentionCommand.self, StoreCommand.self, SubjectCommand.self, UnsealCommand.self,
            VersionCommand.self,
            ServeCommand.self, CoordinatorCommand.self, TokenCommand.self, DemoCommand.self,
            BreachCommand.self, RopaCommand.self, TransferCommand.self,
        ]
    )
}

/// `cordon version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    static let arguments = [GlobalOptions.jsonSpec]

    let json: Bool

    init(parsed: ParsedArguments) throws {
        json = parsed.flag(.json)
    }

    func run() throws {
        if json {
            try Output.json(["version": Cordon.version])
        } else {
            Output.line("cordon \(Cordon.version)")
        }
    }
}
