/// Renders `--help` for a command from its configuration and argument specs.
enum HelpGenerator {
    /// The full help text of `command`, reached through `path` (e.g. `["cordon", "keys"]`).
    static func help(for command: any ParsableCommand.Type, path: [String]) -> String {
        let configuration = command.configuration
        var lines = ["OVERVIEW: \(configuration.abstract)", ""]
        if !configuration.discussion.isEmpty {
            lines += [configuration.discussion, ""]
        }
        lines.append("USAGE: \(usage(for: command, path: path))")

        let specs = command.arguments
        let positionals = specs.filter(\.isPositional)
        let options = specs.filter { !$0.isPositional }
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"] + positionals.map { row($0.label, $0.help) }
        }
        lines +=
            ["", "OPTIONS:"] + options.map { row($0.label, $0.help) } + [row("-h, --help", "Show help information.")]
        if !configuration.subcommands.isEmpty {
            lines += ["", "SUBCOMMANDS:"]
            lines += configuration.subcommands.map { row($0.configuration.commandName, $0.configuration.abstract) }
            lines += ["", "  See '\(path.joined(separator: " ")) <subcommand> --help' for detailed help."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one-line usage of `command`.
    static func usage(for command: any ParsableCommand.Type, path: [String]) -> String {
        let prefix = path.joined(separator: " ")
        if !command.configuration.subcommands.isEmpty {
            // A command that also runs by itself (`cordon query`) shows both forms.
            guard !command.arguments.isEmpty else { return "\(prefix) <subcommand>" }
            return "\(prefix) <subcommand> | " + ([prefix] + command.arguments.map(\.usage)).joined(separator: " ")
        }
        let parts = command.arguments.map(\.usage)
        return ([prefix] + parts).joined(separator: " ")
    }

    private static func row(_ label: String, _ help: String) -> String {
        let padded = label.count < 26 ? label + String(repeating: " ", count: 26 - label.count) : label + "  "
        return "  " + padded + help
    }
}
