import CordonCore
import Foundation

/// `cordon dsr`: the register of data-subject requests and their legal deadlines.
struct DSRCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "dsr",
        abstract: "Track data-subject requests and their legal deadlines.",
        discussion: """
            Every request is recorded with the deadline its region's policy sets from receipt \
            (GDPR one calendar month, CCPA 45 days, LGPD 15 days, PIPL 15 working days), can be \
            extended once where the law allows it, and is completed with an outcome. Subject ids \
            are Cordon's random ids; never type an email address or a name into any field.
            """,
        subcommands: [
            DSROpenCommand.self, DSRListCommand.self, DSRShowCommand.self, DSRExtendCommand.self,
            DSRCompleteCommand.self,
        ]
    )

    /// The register of an initialized data directory (inside its encrypted control store),
    /// with the policies in force and the vault that audits every DSR action. Close the
    /// vault when done.
    static func openRegister(_ global: GlobalOptions) throws -> (DSRRegister, PolicyConfiguration, Vault) {
        let vault = try VaultOpener.open(global)
        return (vault.dsr, vault.configuration, vault)
    }

    /// A request as JSON, with its deadline state (the shape `GET /v1/dsr` returns too).
    typealias Entry = DSRRequestStatus
}

/// `cordon dsr open --right R --region ID (--subject ID | --ref REF)`.
struct DSROpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Record a request received now (or at --received-at) and print its deadline.",
        discussion: """
            The deadline comes from the region's policy; a right the policy does not grant (such as \
            opt_out_sale_share under GDPR) is refused. Give the subject's Cordon id, the requester's \
            ticket reference, or both.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(
                "right",
                valueName: "RIGHT",
                help: "One of \(Right.allCases.map(\.rawValue).joined(separator: ", "))."
            ),
            .option("region", valueName: "ID", help: "The region whose policy governs the request."),
            .option("subject", valueName: "SUBJECT_ID", help: "Cordon's id of the subject (never an email or a name)."),
            .option("ref", valueName: "REF", help: "The requester's ticket reference."),
            .option("received-at", valueName: "TIME", help: "When it was received, RFC 3339 (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let right: Right
    let region: String
    let subject: String?
    let reference: String?
    let receivedAt: Date?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let rightText = parsed.option("right") else { throw UsageError("missing --right", command: Self.self) }
        self.right = try KnownValues.choose(Right.self, "right", rightText, option: "right", command: Self.self)
        guard let region = parsed.option("region") else { throw UsageError("missing --region", command: Self.self) }
        self.region = region
        subject = parsed.option("subject")
        reference = parsed.option("ref")
        receivedAt = try parsed.date("received-at")
    }

    func validate() throws {
        if subject == nil && reference == nil {
            throw UsageError("give --subject SUBJECT_ID, --ref REF, or both", command: Self.self)
        }
        if let receivedAt, receivedAt > Date() {
            throw UsageError("--received-at is in the future", command: Self.self)
        }
    }

    func run() throws {
        let (register, configuration, vault) = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let regionID = RegionID(rawValue: region)
        try KnownValues.regions(configuration).check(region, option: "region", command: Self.self)
        let now = Date()
        let request = try register.open(
            kind: right,
            region: regionID,
            policy: configuration.policy(for: regionID),
            subjectID: subject,
            externalRef: reference,
            receivedAt: receivedAt ?? now
        )
        try vault.auditDSR("dsr.open", requests: [request], context: .commandLine(role: "dpo"))
        if global.json {
            try Output.json(DSRCommand.Entry(request: request, now: now))
            return
        }
        let state = request.isOverdue(now: now) ? "OVERDUE" : "\(request.daysLeft(now: now)) days left"
        Output.line(
            "Opened \(request.id): \(request.kind.rawValue) in \(request.region) under \(request.policyID) "
                + "\(request.policyVersion), due \(Timestamp.format(request.dueAt)) (\(state))."
        )
    }
}

/// `cordon dsr list [--status S] [--now TIME]`.
struct DSRListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List requests by deadline in force, with days left or OVERDUE.",
        discussion: """
            --status open (the default) lists every request not yet completed, extended or not; \
            overdue those past their deadline at --now; completed and all what they say.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(
                "status",
                valueName: "STATUS",
                help: "\(DSRRegister.Filter.allCases.map(\.rawValue).joined(separator: ", ")) (default: open)."
            ),
            .option("now", valueName: "TIME", help: "Judge deadlines at this RFC 3339 time (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let filter: DSRRegister.Filter
    let now: Date

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        let statusText = parsed.option("status") ?? DSRRegister.Filter.open.rawValue
        self.filter = try KnownValues.choose(
            DSRRegister.Filter.self,
            "status",
            statusText,
            option: "status",
            command: Self.self
        )
        now = try parsed.date("now") ?? Date()
    }

    func run() throws {
        let (register, _, vault) = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let requests = try register.list(filter: filter, now: now)
        try vault.auditDSR("dsr.list", requests: requests, context: .commandLine(role: "dpo"))
        if global.json {
            try Output.json(requests.map { DSRCommand.Entry(request: $0, now: now) })
        } else if requests.isEmpty {
            Output.line("No \(filter == .all ? "" : "\(filter.rawValue) ")requests.")
        } else {
            Output.standardOutput(DSRRequest.renderTable(requests, now: now))
        }
    }
}

/// `cordon dsr show ID`.
struct DSRShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one request in full, including subject id, reference and outcome."
    )
    static let arguments: [ArgumentSpec] = [.positional("id", help: "The request id (dsr-...).")] + GlobalOptions.all

    let global: GlobalOptions
    let id: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
    }

    func run() throws {
        let (register, _, vault) = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let request = try register.request(id: id)
        try vault.auditDSR("dsr.show", requests: [request], context: .commandLine(role: "dpo"))
        let now = Date()
        if global.json {
            try Output.json(DSRCommand.Entry(request: request, now: now))
        } else {
            Output.standardOutput(request.renderDetails(now: now))
        }
    }
}

/// `cordon dsr extend ID --reason R`.
struct DSRExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Extend a request's deadline once, as its policy allows, within the original period.",
        discussion: """
            Refused when the policy has no extension (LGPD, PIPL, CCPA opt-out), when the request was \
            already extended or completed, and once the original deadline has passed. The reason is \
            what the subject must be told, within the original period.
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The request id (dsr-...)."),
            .option("reason", valueName: "TEXT", help: "Why more time is needed (required by GDPR and CCPA)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let reason: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        reason = parsed.option("reason")
    }

    func run() throws {
        let (register, _, vault) = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let now = Date()
        let request = try register.extend(id: id, reason: reason, now: now)
        try vault.auditDSR("dsr.extend", requests: [request], context: .commandLine(role: "dpo"))
        if global.json {
            try Output.json(DSRCommand.Entry(request: request, now: now))
            return
        }
        Output.line(
            "Extended \(request.id) to \(Timestamp.format(request.effectiveDueAt)); tell the subject the reason "
                + "before \(Timestamp.format(request.dueAt))."
        )
    }
}

/// `cordon dsr complete ID [--outcome TEXT]`.
struct DSRCompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Mark a request answered now, with a short outcome."
    )
    static let arguments: [ArgumentSpec] =
        [
            .positional("id", help: "The request id (dsr-...)."),
            .option("outcome", valueName: "TEXT", help: "What was done, e.g. 'export sent' (no personal data)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let outcome: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        outcome = parsed.option("outcome")
    }

    func run() throws {
        let (register, _, vault) = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let now = Date()
        let request = try register.complete(id: id, outcome: outcome, now: now)
        try vault.auditDSR("dsr.complete", requests: [request], context: .commandLine(role: "dpo"))
        if global.json {
            try Output.json(DSRCommand.Entry(request: request, now: now))
            return
        }
        let late = request.completedAt.map { $0 > request.effectiveDueAt } ?? false
        Output.line(
            "Completed \(request.id)\(late ? ", after its deadline \(Timestamp.format(request.effectiveDueAt))" : " on time")."
        )
    }
}
