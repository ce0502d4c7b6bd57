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

    /// The vault of an initialized data directory, whose DSR methods read and change the
    /// register (each change audited in its own transaction). Close it when done.
    static func openRegister(_ global: GlobalOptions) throws -> Vault {
        try VaultOpener.open(global)
    }

    /// A request as JSON, with its deadline state (the shape `GET /v1/dsr` returns too).
    typealias Entry = DSRRequestStatus
}

/// `cordon dsr open --right R (--subject ID [--region ID] | --region ID --ref REF)`.
struct DSROpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Record a request received now (or at --received-at) and print its deadline.",
        discussion: """
            The deadline comes from the region's policy; a right the policy does not grant (such as \
            opt_out_sale_share under GDPR) is refused. Give the subject's Cordon id, the requester's \
            ticket reference, or both. With a subject id the region is the subject's (--region may be \
            left out; a different one is refused).
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(
                .right,
                valueName: "RIGHT",
                help: "One of \(Right.allCases.map(\.rawValue).joined(separator: ", "))."
            ),
            .option(
                .region,
                valueName: "ID",
                help: "The region whose policy governs the request (default with --subject: the subject's)."
            ),
            .option(.subject, valueName: "SUBJECT_ID", help: "Cordon's id of the subject (never an email or a name)."),
            .option(.ref, valueName: "REF", help: "The requester's ticket reference."),
            .option(.receivedAt, valueName: "TIME", help: "When it was received, RFC 3339 (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let right: Right
    let region: String?
    let subject: String?
    let reference: String?
    let receivedAt: Date?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let rightText = parsed.option(.right) else { throw UsageError("missing --right", command: Self.self) }
        self.right = try KnownValues.choose(Right.self, "right", rightText, option: "right", command: Self.self)
        region = parsed.option(.region)
        subject = parsed.option(.subject)
        reference = parsed.option(.ref)
        receivedAt = try parsed.date(.receivedAt)
    }

    func validate() throws {
        if subject == nil && reference == nil {
            throw UsageError("give --subject SUBJECT_ID, --ref REF, or both", command: Self.self)
        }
        if subject == nil && region == nil {
            throw UsageError("give --region ID (or --subject SUBJECT_ID, whose region governs)", command: Self.self)
        }
        if let receivedAt, receivedAt > Date() {
            throw UsageError("--received-at is in the future", command: Self.self)
        }
    }

    func run() throws {
        let vault = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        if let region {
            try KnownValues.regions(vault.configuration).check(region, option: "region", command: Self.self)
        }
        let now = Date()
        let request = try vault.openRequest(
            right,
            region: region.map(RegionID.init(rawValue:)),
            subject: subject,
            externalRef: reference,
            receivedAt: receivedAt ?? now,
            context: .commandLine(role: .dpo)
        )
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
                .status,
                valueName: "STATUS",
                help: "\(DSRRequest.Filter.allCases.map(\.rawValue).joined(separator: ", ")) (default: open)."
            ),
            .option(.now, valueName: "TIME", help: "Judge deadlines at this RFC 3339 time (default: now)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let filter: DSRRequest.Filter
    let now: Date

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        let statusText = parsed.option(.status) ?? DSRRequest.Filter.open.rawValue
        self.filter = try KnownValues.choose(
            DSRRequest.Filter.self,
            "status",
            statusText,
            option: "status",
            command: Self.self
        )
        now = try parsed.date(.now) ?? Date()
    }

    func run() throws {
        let vault = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let requests = try vault.listRequests(filter, now: now, context: .commandLine(role: .dpo))
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
        let vault = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let request = try vault.showRequest(id, context: .commandLine(role: .dpo))
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
            .option(.reason, valueName: "TEXT", help: "Why more time is needed (required by GDPR and CCPA)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let reason: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        reason = parsed.option(.reason)
    }

    func run() throws {
        let vault = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let now = Date()
        let request = try vault.extendRequest(id, reason: reason, context: .commandLine(role: .dpo), now: now)
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
            .option(.outcome, valueName: "TEXT", help: "What was done, e.g. 'export sent' (no personal data)."),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let id: String
    let outcome: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
        outcome = parsed.option(.outcome)
    }

    func run() throws {
        let vault = try DSRCommand.openRegister(global)
        defer { try? vault.close() }
        let now = Date()
        let request = try vault.completeRequest(id, outcome: outcome, context: .commandLine(role: .dpo), now: now)
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
