import CordonCore
import Foundation

/// `cordon region`: which region a country's residents are stored in.
struct RegionCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "region",
        abstract: "Look up regions.",
        subcommands: [RegionOfCommand.self, RegionListCommand.self]
    )
}

/// `cordon region of COUNTRY`.
struct RegionOfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "of",
        abstract: "Print the region id for an ISO 3166-1 alpha-2 country code (exit 1 if none)."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("country", help: "Country of residence, e.g. DE, GB, US, CN, BR."),
        GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let country: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        country = parsed.positional(0)!
    }

    struct Answer: Encodable {
        var country: String
        var region: String
        var policy: String
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        guard let region = configuration.region(ofCountry: country) else {
            let trimmed = country.trimmingCharacters(in: .whitespaces).uppercased()
            let hint = trimmed == "UK" ? " (the ISO code of the United Kingdom is GB)" : ""
            throw CLIError(
                "no region stores residents of '\(country)'\(hint); subjects from there are rejected at ingest (unknown_country)"
            )
        }
        if global.json {
            try Output.json(
                Answer(
                    country: country.trimmingCharacters(in: .whitespaces).uppercased(),
                    region: region.id.rawValue,
                    policy: region.policy.rawValue
                )
            )
        } else {
            Output.line(region.id.rawValue)
        }
    }
}

/// `cordon region list`.
struct RegionListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List regions with their policy, storage location and countries."
    )
    static let arguments = [GlobalOptions.configSpec, GlobalOptions.jsonSpec]

    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    struct Entry: Encodable {
        var id: String
        var name: String
        var policy: String
        var storageLocation: String
        var countries: [String]
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        let entries = configuration.regions.values.sorted { $0.id < $1.id }.map {
            Entry(
                id: $0.id.rawValue,
                name: $0.name,
                policy: $0.policy.rawValue,
                storageLocation: $0.storageLocation,
                countries: $0.countries.map(\.description).sorted()
            )
        }
        if global.json {
            try Output.json(entries)
            return
        }
        for entry in entries {
            Output.line("\(entry.id)  \(entry.policy)  \(entry.storageLocation)  \(entry.name)")
            Output.line("    \(entry.countries.joined(separator: " "))")
        }
    }
}
