import CordonTestSupport
import Foundation
import Testing

/// The CLI's output against golden files (`Tests/CLITests/Golden`): `--help` of every
/// command, found by walking the help's SUBCOMMANDS, and a few deterministic outputs on a
/// fresh data directory. `make golden` rewrites them.
@Suite("cordon CLI: golden output", .serialized)
struct GoldenOutputTests {
    /// The subcommand names listed under SUBCOMMANDS in a help text.
    static func subcommands(inHelp help: String) -> [String] {
        guard let section = help.range(of: "\nSUBCOMMANDS:\n") else { return [] }
        return help[section.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("  See ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
    }

    /// Every command path (`[]` is `cordon` itself), parents before their subcommands.
    static func commandPaths() throws -> [[String]: String] {
        var help: [[String]: String] = [:]
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            let result = try CordonProcess.run(path + ["--help"])
            #expect(result.status == 0, "cordon \(path.joined(separator: " ")) --help: \(result.standardError)")
            help[path] = result.standardOutput
            pending += subcommands(inHelp: result.standardOutput).map { path + [$0] }
        }
        return help
    }

    static func name(ofHelp path: [String]) -> String {
        (["help", "cordon"] + path).joined(separator: "-")
    }

    @Test func everyCommandsHelpMatchesItsGoldenFile() throws {
        let help = try Self.commandPaths()
        #expect(help.count > 40, "the walk found only \(help.keys.sorted { $0.lexicographicallyPrecedes($1) })")
        for (path, text) in help {
            try Golden.check(Golden.normalize(text), named: Self.name(ofHelp: path))
        }
        Golden.checkNoOthers(than: Set(help.keys.map(Self.name(ofHelp:))), prefix: "help-")
    }

    /// Commands whose output is the same on every fresh data directory, by golden name
    /// (`--data` is added to those that open the vault).
    static let deterministic: [(name: String, arguments: [String], opensVault: Bool)] = [
        ("output-policy-show-eu", ["policy", "show", "eu"], false),
        ("output-policy-lint", ["policy", "lint"], false),
        (
            "output-query-explain",
            [
                "query", "SELECT device, COUNT(*) FROM events WHERE region = 'eu' GROUP BY device",
                "--purpose", "analytics", "--analyst", "ana", "--explain",
            ],
            true
        ),
        ("output-budget", ["budget", "--analyst", "ana"], true),
        ("output-region-of-de", ["region", "of", "DE"], false),
    ]

    @Test func deterministicOutputsOnAFreshDataDirectoryMatchTheirGoldenFiles() throws {
        let (scratch, data) = try CordonProcess.initialized()
        let token = try CordonProcess.run([
            "token", "create", "--role", "analyst", "--regions", "all", "--name", "ana", "--purposes", "analytics",
            "--data", data,
        ])
        #expect(token.status == 0, "\(token.standardError)")
        for (name, arguments, opensVault) in Self.deterministic {
            let result = try CordonProcess.run(arguments + (opensVault ? ["--data", data] : []))
            #expect(result.status == 0, "cordon \(arguments.joined(separator: " ")): \(result.standardError)")
            try Golden.check(Golden.normalize(result.standardOutput, scratch: scratch), named: name)
        }
        Golden.checkNoOthers(than: Set(Self.deterministic.map(\.name)), prefix: "output-")
    }

    @Test func theSubcommandWalkReadsTheHelpsTable() {
        let help = """
            OVERVIEW: x

            SUBCOMMANDS:
              status                    Show key versions.
              rotate                    Rotate a key.

              See 'cordon keys <subcommand> --help' for detailed help.

            """
        #expect(Self.subcommands(inHelp: help) == ["status", "rotate"])
        #expect(Self.subcommands(inHelp: "OVERVIEW: x\n\nOPTIONS:\n  --json\n").isEmpty)
    }

    @Test func normalizingReplacesPathsTimesAndIdentifiers() throws {
        let scratch = try TemporaryDirectory(prefix: "cordon-cli")
        let text =
            "\(scratch.path)/data at 2025-03-01T10:05:00.123Z by tok_9fQ2xA1b for ps_0123456789abcdef (app_name kept)"
        #expect(
            Golden.normalize(text, scratch: scratch)
                == "<scratch>/data at <time> by tok_<id> for ps_<id> (app_name kept)"
        )
    }
}
