import CordonCore
import Foundation

/// `cordon breach`: the register of personal-data breaches and their notification clocks.
struct BreachCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "breach",
        abstract: "Register personal-data breaches and meet each region's notification deadlines.",
        discussion: """
            Each breach gets, per affected region, the deadlines its policy sets for notifying the \
            authority and the subjects (GDPR 72 hours, LGPD 3 business days, PIPL immediately, CCPA \
            30 days and 15 days after the residents' notice), shown with the time left. Business \
            days skip weekends only; public holidays are not modelled. Never type a subject's \
            name or email into any field. Every action is audited.
            """,
        subcommands: [
            BreachOpenCommand.self, BreachListCommand.self, BreachShowCommand.self, BreachUpdateCommand.self,
            BreachNotifyCommand.self, BreachCloseCommand.self, BreachScopeCommand.self, BreachNoticeCommand.self,
        ]
    )

    /// The register's actor: the local operator acting as DPO.
    static var context: AccessContext { .commandLine(role: .dpo) }

    /// `--regions eu,br` as region ids, checked against the configuration.
    static func regions(_ text: String, vault: Vault, command: any ParsableCommand.Type) throws -> [RegionID] {
        let known = KnownValues.regions(vault.configuration)
        return try list(text).map { RegionID(rawValue: try known.check($0, option: "regions", command: command)) }
    }

    /// A comma-separated list, trimmed, without empty items.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Prints a breach as text or JSON, with its deadlines at `now`.
    static func print(_ breach: Breach, vault: Vault, now: Date, json: Bool, headline: String? = nil) throws {
        let status = BreachStatus(breach: breach, configuration: vault.configuration, now: now)
        if json {
            try Output.json(status)
            return
        }
        if let headline { Output.line(headline) }
        Output.standardOutput(BreachText.details(status))
    }
}

/// `cordon breach open --title T --detected-at TIME --regions eu,br [--categories ...] [--subjects-estimate N]`.
struct BreachOpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Register a breach and print its notification deadlines per region.",
        discussion: """
            --detected-at is when you became aware of it: the clocks that run from awareness start \
            there. Describe it further with `cordon breach update` (nature, consequences, measures, \
            contact), which the notice drafts need.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(.title, valueName: "TEXT", help: "A short name for the incident (no personal data)."),
            .option(.detectedAt, valueName: "TIME", help: "When you became aware of it, RFC 3339."),
            .option(.regions, valueName: "IDS", help: "Affected regions, comma-separated (e.g. eu,br)."),
            .option(
                .categories,
                valueName: "LIST",
                help: "Affected data categories, comma-separated (e.g. user.contact.email,user.name)."
            ),
            .option(.subjectsEstimate, valueName: "N", help: "Approximate number of subjects affected."),
            .option(.now, valueName: "TIME", help: "Compute the time left at this RFC 3339 time (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let title: String
    let detectedAt: Date
    let regions: String
    let categories: [DataCategory]
    let subjectsEstimate: Int?
    let now: Date

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let title = parsed.option(.title) else { throw UsageError("missing --title", command: Self.self) }
        guard let detectedAt = try parsed.date(.detectedAt) else {
            throw UsageError("missing --detected-at TIME (when you became aware of the breach)", command: Self.self)
        }
        guard let regions = parsed.option(.regions) else {
            throw UsageError("missing --regions (the affected regions, e.g. eu,br)", command: Self.self)
        }
        self.title = title
        self.detectedAt = detectedAt
        self.regions = regions
        categories = BreachCommand.list(parsed.option(.categories) ?? "").map(DataCategory.init(rawValue:))
        subjectsEstimate = try parsed.integer(.subjectsEstimate, in: 0...10_000_000_000)
        now = try parsed.date(.now) ?? Date()
    }

    func run() throws {
        try withVault(global) { vault in
            let draft = BreachDraft(
                title: title,
                detectedAt: detectedAt,
                regions: try BreachCommand.regions(regions, vault: vault, command: Self.self),
                categories: categories,
                subjectsEstimate: subjectsEstimate
            )
            let breach = try vault.openBreach(draft, now: now, context: BreachCommand.context)
            try BreachCommand.print(breach, vault: vault, now: now, json: global.json, headline: "Opened \(breach.id).")
        }
    }
}

/// `cordon breach list [--all] [--now TIME]`.
struct BreachListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List open breaches with each region's deadlines; OVERDUE marks a missed one.",
        discussion: "--all lists closed breaches too. Exits 0 either way; scripts read --json's `overdue`."
    )
    static let arguments: [ArgumentSpec] =
        [
            .flag(.all, help: "Include closed breaches."),
            .option(.now, valueName: "TIME", help: "Judge deadlines at this RFC 3339 time (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let all: Bool
    let now: Date

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        all = parsed.flag(.all)
        now = try parsed.date(.now) ?? Date()
    }

    func run() throws {
        try withVault(global) { vault in
            let breaches = try vault.listBreaches(all: all, context: BreachCommand.context)
            let statuses = breaches.map { BreachStatus(breach: $0, configuration: vault.configuration, now: now) }
            if global.json {
                try Output.json(statuses)
            } else {
                Output.standardOutput(BreachText.table(statuses))
            }
        }
    }
}

/// `cordon breach show ID [--now TIME]`.
struct BreachShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one breach: its description, notifications and deadlines with time left."
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The breach id (brc-...)."),
            .option(.now, valueName: "TIME", help: "Judge deadlines at this RFC 3339 time (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let now: Date

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        now = try parsed.date(.now) ?? Date()
    }

    func run() throws {
        try withVault(global) { vault in
            let breach = try vault.showBreach(id, context: BreachCommand.context)
            try BreachCommand.print(breach, vault: vault, now: now, json: global.json)
        }
    }
}

/// `cordon breach update ID [--title T] [--regions ...] [--categories ...] [--nature ...] ...`.
struct BreachUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Describe an open breach further (what the notice drafts need).",
        discussion: "Only the options given change. The audit entry names the fields changed, never their values."
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The breach id (brc-...)."),
            .option(.title, valueName: "TEXT", help: "A new title."),
            .option(.regions, valueName: "IDS", help: "The affected regions (replaces the list)."),
            .option(.categories, valueName: "LIST", help: "The affected data categories (replaces the list)."),
            .option(.subjectsEstimate, valueName: "N", help: "Approximate number of subjects affected."),
            .option(.nature, valueName: "TEXT", help: "The nature of the breach (GDPR Art. 33(3)(a))."),
            .option(.consequences, valueName: "TEXT", help: "The likely consequences (Art. 33(3)(c))."),
            .option(.measures, valueName: "TEXT", help: "Measures taken or proposed (Art. 33(3)(d))."),
            .option(.contact, valueName: "TEXT", help: "The DPO or contact point (Art. 33(3)(b))."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let parsed: ParsedArguments

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        self.parsed = parsed
    }

    func run() throws {
        try withVault(global) { vault in
            let now = Date()
            let changes = BreachChanges(
                title: parsed.option(.title),
                regions: try parsed.option(.regions).map {
                    try BreachCommand.regions($0, vault: vault, command: Self.self)
                },
                categories: parsed.option(.categories).map {
                    BreachCommand.list($0).map(DataCategory.init(rawValue:))
                },
                subjectsEstimate: try parsed.integer(.subjectsEstimate, in: 0...10_000_000_000),
                nature: parsed.option(.nature),
                consequences: parsed.option(.consequences),
                measures: parsed.option(.measures),
                contact: parsed.option(.contact)
            )
            let breach = try vault.updateBreach(id, changes, now: now, context: BreachCommand.context)
            try BreachCommand.print(
                breach,
                vault: vault,
                now: now,
                json: global.json,
                headline: "Updated \(breach.id)."
            )
        }
    }
}
