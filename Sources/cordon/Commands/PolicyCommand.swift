import CordonCore
import Foundation

/// `cordon policy`: validate and read the rules in force.
struct PolicyCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Lint and show jurisdiction policies.",
        subcommands: [PolicyLintCommand.self, PolicyShowCommand.self]
    )
}

/// `cordon policy lint`: every policy, region and the catalog, all issues at once.
struct PolicyLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Validate policies/, regions/ and regions/catalog.json; list every problem.",
        discussion:
            "Exits 0 when everything is valid, 1 when anything is not (each problem names its file, JSON path and what is allowed)."
    )
    static let arguments = [GlobalOptions.configSpec, GlobalOptions.jsonSpec]

    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    struct Report: Encodable {
        var config: String
        var ok: Bool
        var issues: [Issue]
        struct Issue: Encodable {
            var file: String
            var path: String
            var line: Int?
            var message: String
        }
    }

    func run() throws {
        let root = try global.requireConfigDirectory()
        let issues = PolicyLinter.lint(root: root)
        if global.json {
            try Output.json(
                Report(
                    config: root.path,
                    ok: issues.isEmpty,
                    issues: issues.map { .init(file: $0.file, path: $0.path, line: $0.line, message: $0.message) }
                )
            )
        } else if issues.isEmpty {
            let configuration = try PolicyConfiguration.load(from: root)
            Output.line(
                "ok: \(configuration.policies.count) policies, \(configuration.regions.count) regions, \(configuration.catalog.purposes.count) purposes in \(root.path)"
            )
        } else {
            for issue in issues { Output.line(issue.description) }
        }
        if !issues.isEmpty {
            throw CLIError("\(issues.count) problem\(issues.count == 1 ? "" : "s") in \(root.path)")
        }
    }
}

/// `cordon policy show REGION`: the rules in force for a region, as a readable table.
struct PolicyShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the rules in force for a region (or a policy id) as a table.",
        discussion: "With --json, the policy document as shipped (the JSON GET /v1/policies/{id} serves)."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("region", help: "A region id (eu, uk, us, cn, br) or a policy id (gdpr, ccpa, ...)."),
        GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let name: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        name = parsed.positional(0)!.lowercased()
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        let policy: Policy
        var header = ""
        if let region = configuration.regions[RegionID(rawValue: name)] {
            policy = configuration.policy(for: region.id)
            header =
                "Region \(region.id) (\(region.name)), stored in \(region.storageLocation), \(region.countries.count) countries\n"
        } else if let found = configuration.policies[PolicyID(rawValue: name)] {
            policy = found
        } else {
            let names = configuration.regionIDs + configuration.policies.keys.map(\.rawValue)
            throw UsageError(
                KnownValues("region or policy", names).message(for: name, option: "<region>"),
                command: Self.self
            )
        }
        if global.json {
            let file = try global.requireConfigDirectory().appendingPathComponent("policies/\(policy.id.rawValue).json")
            guard let document = FileManager.default.contents(atPath: file.path) else {
                throw CLIError("cannot read \(file.path)")
            }
            Output.standardOutput(String(decoding: document, as: UTF8.self).trimmingCharacters(in: .newlines) + "\n")
            return
        }
        Output.standardOutput(header + policy.renderTable())
    }
}
