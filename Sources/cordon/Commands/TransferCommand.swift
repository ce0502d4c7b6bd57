import CordonCore
import Foundation

/// `cordon transfer`: the gate for cross-border transfers of one person's data.
struct TransferCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Record the legal mechanism of a cross-border transfer of one person's data.",
        discussion: """
            Raw personal data never leave their region by any other path. When a person asks for \
            portability to a controller abroad, or one person's data must be exported across a \
            border, record it here first: the mechanism must be one the person's region's policy \
            allows; under PIPL the person's separate consent (Art. 39) is required, read from their \
            latest consent record for the purpose cross_border_transfer (record it with \
            `cordon subject consent ID --purpose cross_border_transfer --state granted --source REF`), \
            and the people transferred this year are counted against the 2024 CAC tiers. Then \
            export with `cordon subject export`.
            """,
        subcommands: [TransferRequestCommand.self, TransferListCommand.self]
    )
}

/// `cordon transfer request --subject ID --to COUNTRY --mechanism M [--reference R] [--sensitive]`.
struct TransferRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Record a transfer; refused when the region's law does not allow it as given.",
        discussion: """
            Where the region's law requires the person's separate consent (PIPL Art. 39), their \
            latest consent record for the purpose cross_border_transfer must be a current grant; \
            record it when they give it: `cordon subject consent SUBJECT_ID --purpose \
            cross_border_transfer --state granted --source REF` (or `consents` on their ingest \
            line). A withdrawal or objection recorded later stops the next transfer.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(.subject, valueName: "SUBJECT_ID", help: "Cordon's id of the person."),
            .option(.to, valueName: "COUNTRY", help: "Destination country, ISO 3166-1 alpha-2 (e.g. DE)."),
            .option(
                .mechanism,
                valueName: "MECHANISM",
                help: "One of \(TransferMechanism.allCases.map(\.rawValue).joined(separator: ", "))."
            ),
            .option(.reference, valueName: "REF", help: "The contract, decision or filing reference."),
            .flag(.sensitive, help: "Sensitive personal information is transferred (counted separately)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let draft: TransferDraft

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let subject = parsed.option(.subject) else {
            throw UsageError("missing --subject SUBJECT_ID", command: Self.self)
        }
        guard let to = parsed.option(.to) else { throw UsageError("missing --to COUNTRY", command: Self.self) }
        guard let mechanismText = parsed.option(.mechanism) else {
            throw UsageError("missing --mechanism", command: Self.self)
        }
        let mechanism = try KnownValues.choose(
            TransferMechanism.self,
            "mechanism",
            mechanismText,
            option: "mechanism",
            command: Self.self
        )
        draft = TransferDraft(
            subjectID: subject,
            destination: to,
            mechanism: mechanism,
            reference: parsed.option(.reference),
            sensitive: parsed.flag(.sensitive)
        )
    }

    func run() throws {
        try withVault(global) { vault in
            let receipt = try vault.requestTransfer(draft, now: Date(), context: .commandLine(role: .dpo))
            receipt.warnings.forEach(Output.warning)
            if global.json {
                try Output.json(receipt)
                return
            }
            let transfer = receipt.transfer
            Output.line(
                "Recorded \(transfer.id): region \(transfer.region) to \(transfer.destination) under \(transfer.mechanism.rawValue) (\(transfer.policy) \(transfer.policyVersion)); \(receipt.peopleThisYear) people transferred from \(transfer.region) this year."
            )
            if let consent = transfer.separateConsent { Output.line("Separate consent relied on: \(consent).") }
            Output.line("Next: export the person's data with `cordon subject export \(transfer.subjectID)`.")
        }
    }
}

/// `cordon transfer list [--year YYYY]`.
struct TransferListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List recorded transfers, newest first."
    )
    static let arguments: [ArgumentSpec] =
        [.option(.year, valueName: "YYYY", help: "Only this calendar year.")] + GlobalOptions.all

    let global: GlobalOptions
    let year: Int?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        year = try parsed.integer(.year, in: 1970...9999)
    }

    func run() throws {
        try withVault(global) { vault in
            let transfers = try vault.listTransfers(year: year, context: .commandLine(role: .dpo))
            if global.json {
                try Output.json(transfers)
                return
            }
            if transfers.isEmpty { Output.line("No transfers recorded.") }
            for transfer in transfers {
                Output.line(
                    "\(transfer.id)  \(transfer.requestedAt)  \(transfer.region) -> \(transfer.destination)  \(transfer.mechanism.rawValue)\(transfer.sensitive ? "  sensitive" : "")  subject \(transfer.subjectID)"
                )
            }
        }
    }
}
