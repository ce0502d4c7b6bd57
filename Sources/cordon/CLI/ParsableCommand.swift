/// A command of the `cordon` CLI, shaped like swift-argument-parser's `ParsableCommand`:
/// declared arguments, a generated `--help`, then `validate()` and `run()`.
protocol ParsableCommand: SendableMetatype {
    /// Name, one-line abstract, longer discussion and subcommands.
    static var configuration: CommandConfiguration { get }
    /// The options, flags and positionals this command accepts (drives parsing and help).
    static var arguments: [ArgumentSpec] { get }

    /// Builds the command from parsed arguments; throws `UsageError` for bad values.
    init(parsed: ParsedArguments) throws
    /// Cross-argument checks that need no I/O; throws `UsageError`.
    func validate() throws
    /// Does the work. Messages and progress go to stderr; results to stdout.
    func run() throws
}

extension ParsableCommand {
    static var arguments: [ArgumentSpec] { [] }
    func validate() throws {}
}

/// What `--help` shows for a command, and where its subcommands are.
struct CommandConfiguration: Sendable {
    var commandName: String
    var abstract: String
    var discussion: String = ""
    var subcommands: [any ParsableCommand.Type] = []
}

/// A group of subcommands with no behavior of its own (`cordon keys`, `cordon policy`).
protocol CommandGroup: ParsableCommand {}

extension CommandGroup {
    init(parsed: ParsedArguments) throws {
        throw UsageError("missing subcommand", command: Self.self)
    }
    func run() throws {}
}
