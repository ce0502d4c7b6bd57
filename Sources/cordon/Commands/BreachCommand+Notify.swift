import CordonCore
import Foundation

/// `cordon breach notify ID --to authority|subjects --at TIME --reference REF [--region ID] [--not-required]`.
struct BreachNotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Record that the authority or the subjects were notified (or that notice is not required).",
        discussion: """
            Without --region the notice is recorded for every affected region. With --not-required, \
            --reference is the reason (e.g. \"unlikely to result in a risk: data were encrypted\"), \
            and the duty counts as settled, not overdue.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The breach id (brc-...)."),
            .option(.to, valueName: "RECIPIENT", help: "authority or subjects."),
            .option(.at, valueName: "TIME", help: "When it was sent, RFC 3339 (default: now)."),
            .option(.reference, valueName: "REF", help: "The authority's case number or the mailing's ticket."),
            .option(.region, valueName: "ID", help: "Only this affected region (default: all of them)."),
            .flag(.notRequired, help: "Record that this notice is not required; --reference gives why."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let recipient: Breach.Recipient
    let at: Date?
    let reference: String
    let region: String?
    let notRequired: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        guard let to = parsed.option(.to) else {
            throw UsageError("missing --to authority|subjects", command: Self.self)
        }
        recipient = try KnownValues.choose(Breach.Recipient.self, "recipient", to, option: "to", command: Self.self)
        at = try parsed.date(.at)
        guard let reference = parsed.option(.reference) else {
            throw UsageError(
                "missing --reference (the case number, ticket, or with --not-required the reason)",
                command: Self.self
            )
        }
        self.reference = reference
        region = parsed.option(.region)
        notRequired = parsed.flag(.notRequired)
    }

    func run() throws {
        try withVault(global) { vault in
            let now = Date()
            let regions = try region.map { try BreachCommand.regions($0, vault: vault, command: Self.self) } ?? []
            let breach = try vault.notifyBreach(
                id,
                to: recipient,
                regions: regions,
                outcome: notRequired ? .notRequired : .sent,
                notifiedAt: at ?? now,
                reference: reference,
                now: now,
                context: BreachCommand.context
            )
            try BreachCommand.print(
                breach,
                vault: vault,
                now: now,
                json: global.json,
                headline: "Recorded the \(recipient.rawValue) notice of \(breach.id)."
            )
        }
    }
}

/// `cordon breach close ID --note TEXT`.
struct BreachCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a breach; notices never recorded stay visible as closed without notice."
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The breach id (brc-...)."),
            .option(.note, valueName: "TEXT", help: "Why it is closed (e.g. \"contained; notices sent\")."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let note: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        guard let note = parsed.option(.note) else { throw UsageError("missing --note TEXT", command: Self.self) }
        self.note = note
    }

    func run() throws {
        try withVault(global) { vault in
            let now = Date()
            let breach = try vault.closeBreach(id, note: note, now: now, context: BreachCommand.context)
            try BreachCommand.print(breach, vault: vault, now: now, json: global.json, headline: "Closed \(breach.id).")
        }
    }
}

/// `cordon breach scope (ID | --from TIME --to TIME --regions IDS)`.
struct BreachScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Count the subjects, events and categories stored, and the accesses audited in a window.",
        discussion: """
            With a breach id the regions are the breach's and the window runs from --from (default: \
            30 days before detection) to --to (default: now). Counts only: no id or pseudonym is shown.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", optional: true, help: "The breach id (brc-...)."),
            .option(.from, valueName: "TIME", help: "Start of the window, RFC 3339."),
            .option(.to, valueName: "TIME", help: "End of the window (exclusive), RFC 3339 (default: now)."),
            .option(.regions, valueName: "IDS", help: "Regions, comma-separated (default: the breach's)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String?
    let from: Date?
    let to: Date?
    let regions: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)
        from = try parsed.date(.from)
        to = try parsed.date(.to)
        regions = parsed.option(.regions)
    }

    func validate() throws {
        if id == nil, from == nil || regions == nil {
            throw UsageError("give a breach id, or --from TIME and --regions IDS", command: Self.self)
        }
    }

    func run() throws {
        try withVault(global) { vault in
            let breach = try id.map { try vault.breach($0) }
            let regionIDs =
                try regions.map { try BreachCommand.regions($0, vault: vault, command: Self.self) } ?? breach?.regions
                ?? []
            let start = from ?? breach.map { $0.detectedAt.addingTimeInterval(-30 * 86_400) } ?? Date()
            let scope = try vault.breachScope(
                regions: regionIDs,
                from: start,
                to: to ?? Date(),
                breachID: breach?.id,
                context: BreachCommand.context
            )
            if global.json {
                try Output.json(scope)
            } else {
                Output.standardOutput(BreachText.scope(scope))
            }
        }
    }
}

/// `cordon breach notice ID --region ID --to authority|subjects [--format md|json]`.
struct BreachNoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "Draft the notification a region's law requires, from the register.",
        discussion: """
            GDPR Art. 33(3) for eu (nature, categories and numbers, contact, consequences, measures), \
            and each other law's equivalent fields with their articles. Fields not recorded yet are \
            marked with the `cordon breach update` option that fills them. Cordon sends nothing.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The breach id (brc-...)."),
            .option(.region, valueName: "ID", help: "The affected region whose law the notice follows."),
            .option(.to, valueName: "RECIPIENT", help: "authority (default) or subjects."),
            .option(.format, valueName: "FORMAT", help: "md (default) or json."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let region: String
    let recipient: Breach.Recipient
    let json: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        guard let region = parsed.option(.region) else {
            throw UsageError("missing --region ID (one of the breach's regions)", command: Self.self)
        }
        self.region = region
        recipient = try KnownValues.choose(
            Breach.Recipient.self,
            "recipient",
            parsed.option(.to) ?? "authority",
            option: "to",
            command: Self.self
        )
        let format = parsed.option(.format) ?? (global.json ? "json" : "md")
        guard format == "md" || format == "json" else {
            throw UsageError("--format must be md or json, got '\(format)'", command: Self.self)
        }
        json = format == "json"
    }

    func run() throws {
        try withVault(global) { vault in
            let notice = try vault.breachNotice(
                id,
                region: RegionID(rawValue: region),
                to: recipient,
                now: Date(),
                context: BreachCommand.context
            )
            if json {
                try Output.json(notice)
            } else {
                Output.standardOutput(notice.markdown)
            }
        }
    }
}
