import CordonCore
import Foundation

/// `cordon ropa [--format md|json|csv]`: the record of processing activities.
struct RopaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ropa",
        abstract: "Print the record of processing activities (GDPR Art. 30), generated from the catalog and policies.",
        discussion: """
            Purposes, lawful bases, data categories, retention, recipients, transfers and safeguards, \
            and technical measures, each with its source (the file and field, and the article); for \
            regions under PIPL also the Art. 55/56 impact-assessment entries. Audited as ropa.generate.
            """
    )
    static let arguments: [ArgumentSpec] =
        [.option(.format, valueName: "FORMAT", help: "md (default), json or csv.")] + GlobalOptions.all

    let global: GlobalOptions
    let format: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        format = parsed.option(.format) ?? (global.json ? "json" : "md")
        guard ["md", "json", "csv"].contains(format) else {
            throw UsageError("--format must be md, json or csv, got '\(format)'", command: Self.self)
        }
    }

    func run() throws {
        try withVault(global) { vault in
            let record = try vault.processingRecord(now: Date(), context: .commandLine(role: .dpo))
            switch format {
            case "json": try Output.json(record)
            case "csv": Output.standardOutput(record.csv)
            default: Output.standardOutput(record.markdown)
            }
        }
    }
}
