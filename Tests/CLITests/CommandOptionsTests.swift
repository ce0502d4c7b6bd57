import Testing

@testable import cordon

/// Every command's declared options against its usage and help text, and every lookup a
/// command makes against what it declares: `ParsedArguments` traps on an undeclared name,
/// so building each command from its arguments walks its lookups.
@Suite("Command options")
struct CommandOptionsTests {
    /// Every command reachable from `cordon`, with the words that name it.
    static let commands: [Command] = walk(CordonCommand.self, path: ["cordon"])

    struct Command: CustomTestStringConvertible, Sendable {
        var path: [String]
        var type: any ParsableCommand.Type
        var testDescription: String { path.joined(separator: " ") }
    }

    static func walk(_ type: any ParsableCommand.Type, path: [String]) -> [Command] {
        [Command(path: path, type: type)]
            + type.configuration.subcommands.flatMap { walk($0, path: path + [$0.configuration.commandName]) }
    }

    @Test func theTreeHoldsEveryCommandGroupAndLeaf() {
        let paths = Set(Self.commands.map(\.testDescription))
        #expect(paths.contains("cordon keys rotate"))
        #expect(paths.contains("cordon audit search"))
        #expect(Self.commands.count > 40)
    }

    @Test(arguments: commands)
    func everyDeclaredOptionReadsInUsageAndHelp(_ command: Command) {
        let usage = HelpGenerator.usage(for: command.type, path: command.path)
        let help = HelpGenerator.help(for: command.type, path: command.path)
        for spec in command.type.arguments {
            #expect(usage.contains(spec.usage), "\(command.testDescription): \(spec.name) missing from usage")
            #expect(help.contains(spec.label), "\(command.testDescription): \(spec.name) missing from help")
        }
    }

    @Test(arguments: commands)
    func declaredNamesAreDistinct(_ command: Command) {
        let named = command.type.arguments.filter { !$0.isPositional }
        #expect(Set(named.map(\.name)).count == named.count)
        let shorts = named.compactMap(\.shortName)
        #expect(Set(shorts).count == shorts.count)
    }

    /// Builds every command with its required arguments only, then with every flag given:
    /// each lookup its `init(parsed:)` makes on the way is checked against its declared
    /// options (an undeclared one traps and fails the run). Usage errors are expected.
    @Test(arguments: commands)
    func everyLookupIsDeclared(_ command: Command) throws {
        let required = command.type.arguments.filter {
            if case .positional(optional: false) = $0.kind { true } else { false }
        }
        let placeholders = required.map { _ in "placeholder" }
        let flags = command.type.arguments.compactMap { spec -> String? in
            if case .flag = spec.kind { "--\(spec.name)" } else { nil }
        }
        for arguments in [placeholders, flags + placeholders] {
            guard let parsed = try? ParsedArguments(arguments, for: command.type) else { continue }
            _ = try? command.type.init(parsed: parsed)
        }
    }

    @Test func lookingUpAnUndeclaredOptionTraps() async {
        await #expect(processExitsWith: .failure) {
            let parsed = try ParsedArguments([], for: VersionCommand.self)
            _ = parsed.option(.pageCipher)
        }
    }

    @Test func aDeclaredOptionReadsItsValue() throws {
        let parsed = try ParsedArguments(["--page-cipher", "aes-256-gcm"], for: InitCommand.self)
        #expect(parsed.option(.pageCipher) == "aes-256-gcm")
        #expect(parsed.option(.data) == nil)
    }
}
