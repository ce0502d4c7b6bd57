import CordonCore
import CordonServer
import Foundation

/// `--regions eu,uk` and `--node us=URL` (repeatable), shared by `cordon init` and
/// `cordon serve`: which regions an instance holds and where the others are served
/// (decision 0024).
struct NodeOptions {
    static func regionsSpec(_ help: String) -> ArgumentSpec {
        .option(.regions, valueName: "LIST", help: help)
    }

    static let nodeSpec = ArgumentSpec.repeatingOption(
        .node,
        valueName: "REGION=URL",
        help: "The node serving another region, e.g. us=https://us.example:8443 (repeatable)."
    )

    /// The regions of `--regions`, each checked against the configuration; `nil` when absent.
    let regions: [String]?
    /// The `--node` URLs by region id.
    let nodes: [String: String]

    /// `declaresRegions` is false for a command without `--regions` (`cordon coordinator`).
    init(parsed: ParsedArguments, command: any ParsableCommand.Type, declaresRegions: Bool = true) throws {
        if !declaresRegions {
            regions = nil
        } else if parsed.option(.regions) == "none" {
            // No region at all: a coordinator's directory (decision 0027), only control and audit.
            regions = []
        } else if let list = parsed.option(.regions) {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
                throw UsageError("--regions must list region ids separated by commas, such as eu,uk", command: command)
            }
            regions = Array(Set(names)).sorted()
        } else {
            regions = nil
        }
        var nodes: [String: String] = [:]
        for text in parsed.values(.node) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UsageError(
                    "--node takes REGION=URL, such as us=https://us.example:8443, got '\(text)'",
                    command: command
                )
            }
            let region = parts[0].lowercased()
            do {
                try RegionNodes.checkURL(parts[1], region: RegionID(rawValue: region))
            } catch let error as NodeConfigurationError {
                throw UsageError("--node \(region)=...: \(error.description)", command: command)
            }
            nodes[region] = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts[1]
        }
        self.nodes = nodes
    }

    /// Refuses a region the configuration does not define, in `--regions` or `--node`.
    func check(against configuration: PolicyConfiguration, command: any ParsableCommand.Type) throws {
        let known = KnownValues.regions(configuration)
        for region in regions ?? [] { try known.check(region, option: "regions", command: command) }
        for region in nodes.keys.sorted() { try known.check(region, option: "node", command: command) }
        if let regions, let both = nodes.keys.sorted().first(where: regions.contains) {
            throw UsageError(
                "--node \(both)=... names a region this instance holds (--regions); a node URL is for the other regions",
                command: command
            )
        }
    }
}
