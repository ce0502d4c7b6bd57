import Foundation

/// Finds the command a command line names, handles `--help`, parses, validates and runs it,
/// and turns every error into a one-line message and an exit code.
enum CommandRunner {
    /// Runs `arguments` (without the program name) against `root`; returns the exit code.
    static func run(_ root: any ParsableCommand.Type, arguments: [String]) -> Int32 {
        var command = root
        var path = [root.configuration.commandName]
        var remaining = arguments[...]
        // Descend through subcommand names; `help` as a first word behaves like --help.
        while let next = remaining.first,
            let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == next })
        {
            command = sub
            path.append(next)
            remaining = remaining.dropFirst()
        }
        let rest = Array(remaining)
        if rest.contains("--help") || rest.contains("-h") || rest.first == "help" {
            Output.standardOutput(HelpGenerator.help(for: command, path: path))
            return ExitCode.success
        }
        // A group has no behavior of its own; a command with subcommands and arguments
        // (`cordon query "SQL"`, `cordon query save ...`) runs itself for any other word.
        if command is any CommandGroup.Type {
            if let first = rest.first, !first.hasPrefix("-") {
                return usageFailure("unknown subcommand '\(first)'", command: command, path: path)
            }
            if rest.isEmpty && command == root {
                Output.standardOutput(HelpGenerator.help(for: command, path: path))
                return ExitCode.usage
            }
        }
        do {
            let parsed = try ParsedArguments(rest, for: command)
            let instance = try command.init(parsed: parsed)
            try instance.validate()
            try instance.run()
            return ExitCode.success
        } catch let error as UsageError {
            return usageFailure(error.message, command: error.command, path: path)
        } catch let error as CLIError {
            Output.error(error.message)
            return error.exitCode
        } catch {
            Output.error(String(describing: error))
            return ExitCode.failure
        }
    }

    private static func usageFailure(_ message: String, command: any ParsableCommand.Type, path: [String]) -> Int32 {
        Output.error(message)
        Output.standardError("Usage: \(HelpGenerator.usage(for: command, path: path))")
        Output.standardError("  See '\(path.joined(separator: " ")) --help' for more information.")
        return ExitCode.usage
    }
}

/// Exit codes of the CLI: 0 success, 64 usage error (EX_USAGE), 1 anything else.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
}

/// An expected failure with a message safe to print and its exit code.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    init(_ message: String, exitCode: Int32 = ExitCode.failure) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}
