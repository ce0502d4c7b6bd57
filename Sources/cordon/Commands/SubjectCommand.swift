import CordonCore
import Foundation

/// `cordon subject`: data-subject requests.
struct SubjectCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract: "Answer data-subject requests: lookup, export, erase, rectify, consent.",
        discussion: "Every request is audited; export includes the subject's access history with proofs.",
        subcommands: [
            SubjectLookupCommand.self, SubjectExportCommand.self, SubjectEraseCommand.self, SubjectRectifyCommand.self,
            SubjectConsentCommand.self,
        ]
    )
}

/// `--request DSR_ID`: answer a request registered with `cordon dsr open`.
let requestSpec = ArgumentSpec.option(
    .request,
    valueName: "DSR_ID",
    help: "The registered request (cordon dsr open) this answers; default: register one now."
)

/// Parses a subject id argument, or a usage error that says what one looks like.
func subjectID(_ text: String, for command: any ParsableCommand.Type) throws -> SubjectID {
    guard let id = SubjectID(rawValue: text.lowercased()) else {
        throw UsageError(
            "'\(text)' is not a subject id (32 hex digits); find it with `cordon subject lookup`",
            command: command
        )
    }
    return id
}

/// `cordon subject lookup --external-id X | --email E`.
struct SubjectLookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find a subject's id and region by externalId or email (exit 1 if none)."
    )
    static let arguments: [ArgumentSpec] = [
        .option(.externalId, valueName: "ID", help: "The shop's customer id."),
        .option(.email, valueName: "EMAIL", help: "The subject's email (matched after normalization)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let externalID: String?
    let email: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        externalID = parsed.option(.externalId)
        email = parsed.option(.email)
    }

    func validate() throws {
        if (externalID == nil) == (email == nil) {
            throw UsageError("give exactly one of --external-id or --email", command: Self.self)
        }
    }

    func run() throws {
        let reference: Vault.SubjectReference = externalID.map { .externalID($0) } ?? .email(email!)
        let lookup = try withVault(global) { try $0.find(reference, context: .commandLine(role: .dpo)) }
        let found = lookup.subjects
        for (region, code) in lookup.unavailableRegions.sorted(by: { $0.key < $1.key }) {
            Output.standardError(
                "warning: region \(region) could not be searched (\(code)); it may hold more matches (`cordon store verify`)"
            )
        }
        guard !found.isEmpty else {
            throw CLIError("no subject matches that \(externalID == nil ? "email" : "externalId") in any region")
        }
        if global.json {
            try found.count == 1 ? Output.json(found[0]) : Output.json(found)
        } else {
            for location in found {
                Output.line(
                    "\(location.subjectId.rawValue)  region \(location.region) (\(location.policy))  since \(location.createdAt)"
                )
            }
        }
    }
}

/// `cordon subject export ID [--out FILE]`.
struct SubjectExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the subject's data package (GDPR Art. 15/20, CCPA right to know) as JSON.",
        discussion:
            "Contains PII, consent history with sources, events within retention, the policy in force, and accessHistory: every audited access with an inclusion proof against the signed checkpoint auditCheckpoint."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("subject-id", help: "The subject id (from `cordon subject lookup`)."),
        .option(.out, valueName: "FILE", help: "Write the package here (mode 0600) instead of stdout."),
        requestSpec,
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let request: String?
    let id: SubjectID
    let out: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        request = parsed.option(.request)
        id = try subjectID(parsed.positional(0)!, for: Self.self)
        out = parsed.option(.out)
    }

    func run() throws {
        let package = try withVault(global) {
            try $0.export(id, context: .commandLine(role: .dpo), dsrRequest: request)
        }
        guard let out else {
            try Output.json(package)
            return
        }
        try Output.writeJSON(package, to: out)
        Output.standardError(
            "wrote \(out): \(package.events.count) events, \(package.consents.count) consent records, \(package.accessHistory.count) audited accesses"
        )
    }
}

/// `cordon subject erase ID`.
struct SubjectEraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a subject: crypto-shred the key, delete every row, print a signed receipt.",
        discussion:
            "The receipt is signed with the audit key (`cordon audit pubkey`); verify it with `cordon receipt verify FILE`. It is printed as JSON on stdout with or without --json."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("subject-id", help: "The subject id (from `cordon subject lookup`)."),
        .option(.receipt, valueName: "FILE", help: "Also write the receipt to FILE."),
        requestSpec,
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let request: String?
    let id: SubjectID
    let receiptPath: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        request = parsed.option(.request)
        id = try subjectID(parsed.positional(0)!, for: Self.self)
        receiptPath = parsed.option(.receipt)
    }

    func run() throws {
        let receipt = try withVault(global) {
            try $0.erase(id, context: .commandLine(role: .dpo), dsrRequest: request)
        }
        if let receiptPath { try Output.writeJSON(receipt, to: receiptPath) }
        try Output.json(receipt)
        Output.standardError(
            "erased subject \(id) from region \(receipt.receipt.region): \(receipt.receipt.erased["events"] ?? 0) events, \(receipt.receipt.erased["consents"] ?? 0) consent records; key destroyed (audit entry \(receipt.receipt.auditSequence))"
        )
    }
}

/// `cordon subject rectify ID --set field=value ...`.
struct SubjectRectifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rectify",
        abstract: "Correct PII fields (GDPR Art. 16); an empty value removes the field."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("subject-id", help: "The subject id."),
        .repeatingOption(
            .set,
            valueName: "FIELD=VALUE",
            help: "A catalog PII field and its corrected value (repeatable)."
        ),
        requestSpec,
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let request: String?
    let id: SubjectID
    let changes: [String: String]

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        request = parsed.option(.request)
        id = try subjectID(parsed.positional(0)!, for: Self.self)
        var changes: [String: String] = [:]
        for assignment in parsed.values(.set) {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw UsageError("--set takes FIELD=VALUE, got '\(assignment.prefix(40))'", command: Self.self)
            }
            changes[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        self.changes = changes
    }

    func validate() throws {
        if changes.isEmpty { throw UsageError("give at least one --set FIELD=VALUE", command: Self.self) }
    }

    func run() throws {
        let configuration = try PolicyBundle.load(global)
        let fields = KnownValues(
            "PII field",
            configuration.catalog.subjectFields.filter { $0.role == .pii }.map(\.name)
        )
        for field in changes.keys.sorted() { try fields.check(field, option: "set", command: Self.self) }
        try withVault(global) {
            try $0.rectify(id, set: changes, context: .commandLine(role: .dpo), dsrRequest: request)
        }
        if global.json {
            try Output.json(Rectified(subjectId: id, fields: changes.keys.sorted()))
        } else {
            Output.line("rectified \(changes.keys.sorted().joined(separator: ", ")) of subject \(id)")
        }
    }
}

/// `cordon subject consent ID --purpose P --state S [--source S]`.
struct SubjectConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record a consent change: grant, withdraw, restrict, object, or opt out of sale/share.",
        discussion:
            "CCPA opt-out of sale/share: --purpose sale_or_share --state withdrawn. Takes effect for ingest and queries at once."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("subject-id", help: "The subject id."),
        .option(.purpose, valueName: "PURPOSE", help: "A catalog purpose (analytics, marketing_email, ...)."),
        .option(.state, valueName: "STATE", help: "granted | withdrawn | restricted | objected."),
        .option(.source, valueName: "SOURCE", help: "Where the choice came from (default cli:<user>)."),
        requestSpec,
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let request: String?
    let id: SubjectID
    let purpose: Purpose
    let state: ConsentState
    let source: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        request = parsed.option(.request)
        id = try subjectID(parsed.positional(0)!, for: Self.self)
        guard let purpose = parsed.option(.purpose) else {
            throw UsageError("--purpose is required", command: Self.self)
        }
        self.purpose = Purpose(rawValue: purpose)
        guard let stateText = parsed.option(.state) else {
            throw UsageError("--state is required (granted, withdrawn, restricted or objected)", command: Self.self)
        }
        state = try KnownValues.choose(
            ConsentState.self,
            "consent state",
            stateText,
            option: "state",
            command: Self.self
        )
        source = parsed.option(.source)
    }

    func run() throws {
        try KnownValues.purposes(try PolicyBundle.load(global))
            .check(purpose.rawValue, option: "purpose", command: Self.self)
        let context = AccessContext.commandLine(role: .dpo)
        let source = self.source ?? context.actor
        try withVault(global) {
            try $0.recordConsent(
                id,
                purpose: purpose,
                state: state,
                source: source,
                context: context,
                dsrRequest: request
            )
        }
        if global.json {
            try Output.json(
                ConsentRecorded(subjectId: id, purpose: purpose.rawValue, state: state.rawValue, source: source)
            )
        } else {
            Output.line("recorded \(state.rawValue) for \(purpose) of subject \(id)")
        }
    }
}

/// `cordon subject rectify --json`: the shape `PATCH /v1/subjects/{id}` returns.
struct Rectified: Encodable {
    var subjectId: SubjectID
    var fields: [String]
}

/// `cordon subject consent --json`: the shape `POST /v1/subjects/{id}/consents` returns.
struct ConsentRecorded: Encodable {
    var subjectId: SubjectID
    var purpose: String
    var state: String
    var source: String
}
