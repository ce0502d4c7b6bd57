import CordonCore
import Foundation

/// `cordon token create|list|revoke`: bearer tokens of the HTTP API.
struct TokenCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke bearer tokens for the HTTP API.",
        discussion: """
            A token is 256 random bits, printed once at creation; control.db keeps only a keyed \
            BLAKE2b of it. Each token has one role (admin, dpo, ingest, analyst) and the regions it may \
            touch; an analyst token also names the purposes it may query. Names are unique among active \
            tokens. Creation and revocation are audited (token.create, token.revoke). While `cordon serve` \
            runs it holds the data directory: use POST /v1/tokens and DELETE /v1/tokens/{id} instead.
            """,
        subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self]
    )
}

/// `cordon token create --role R --regions eu,br --name N [--purposes P,...] [--json]`.
struct TokenCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token and print its secret (shown once, never stored).",
        discussion: """
            Examples: cordon token create --role ingest --regions eu,br --name shop-backend; \
            cordon token create --role analyst --regions all --name ana --purposes analytics,marketing_email \
            (an analyst token needs the purposes it may query: those regions/catalog.json lets analysts query).
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(.role, valueName: "ROLE", help: "admin, dpo, ingest or analyst (required)."),
            .option(.regions, valueName: "LIST", help: "Regions it may touch, comma-separated, or 'all' (required)."),
            .option(.name, valueName: "NAME", help: "A label for people, 1-64 printable characters (required)."),
            .option(
                .purposes,
                valueName: "LIST",
                help: "Purposes an analyst token may query, comma-separated (required for analysts only)."
            ),
        ] + GlobalOptions.all

    let global: GlobalOptions
    let role: TokenRole
    let scope: TokenScope
    let name: String
    let purposes: [Purpose]

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let roleText = parsed.option(.role) else { throw UsageError("missing --role", command: Self.self) }
        let role = try KnownValues.choose(TokenRole.self, "role", roleText, option: "role", command: Self.self)
        guard let regions = parsed.option(.regions) else { throw UsageError("missing --regions", command: Self.self) }
        guard let scope = TokenScope(parsing: regions) else {
            throw UsageError("--regions must list region ids separated by commas, or 'all'", command: Self.self)
        }
        guard let name = parsed.option(.name) else { throw UsageError("missing --name", command: Self.self) }
        let purposes = parsed.option(.purposes).map {
            $0.split(separator: ",").map { Purpose(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        }
        switch (role, purposes) {
        case (.analyst, nil):
            throw UsageError(
                "an analyst token needs --purposes: the purposes it may query (e.g. --purposes analytics)",
                command: Self.self
            )
        case (.analyst, let list?) where list.isEmpty || list.contains { $0.rawValue.isEmpty }:
            throw UsageError("--purposes must list purposes separated by commas", command: Self.self)
        case (_, _?) where role != .analyst:
            throw UsageError("--purposes applies to analyst tokens only", command: Self.self)
        default:
            break
        }
        self.role = role
        self.scope = scope
        self.name = name
        self.purposes = purposes ?? []
    }

    func run() throws {
        if case .regions(let regions) = scope {
            let known = KnownValues.regions(try PolicyBundle.load(global))
            for region in regions.sorted() { try known.check(region.rawValue, option: "regions", command: Self.self) }
        }
        let issued: IssuedToken
        do {
            issued = try withVault(global) { vault in
                try vault.tokenRegistry().create(
                    name: name,
                    role: role,
                    scope: scope,
                    purposes: purposes,
                    context: .commandLine(role: .admin)
                )
            }
        } catch let error as ControlError where error.code == .invalidInput {
            // A purpose the catalog does not let analysts query (regions were checked above).
            throw CLIError(error.message, exitCode: ExitCode.usage)
        }
        if global.json {
            try Output.json(TokenSecret(issued))
        } else {
            Output.line(issued.secret)
            let purposeText = purposes.isEmpty ? "" : ", purposes \(TokenRegistry.stored(issued.token.purposes))"
            Output.standardError(
                "token \(issued.token.id) (\(role.rawValue), regions \(scope)\(purposeText)) created; the secret above is shown only once"
            )
        }
    }
}

/// `cordon token create --json` output: the one place a secret is printed as JSON.
struct TokenSecret: Encodable {
    var token: String
    var id: String
    var role: TokenRole
    var regions: [String]
    var purposes: [String]
    var name: String

    init(_ issued: IssuedToken) {
        token = issued.secret
        id = issued.token.id
        role = issued.token.role
        regions = issued.token.scope.names
        purposes = issued.token.purposes.map(\.rawValue)
        name = issued.token.name
    }
}

/// `cordon token list [--json]`.
struct TokenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")
    static let arguments = GlobalOptions.all
    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    func run() throws {
        let tokens = try withVault(global) { vault in try vault.tokenRegistry().list() }
        if global.json {
            try Output.json(tokens)
            return
        }
        for token in tokens {
            let state = token.revokedAt.map { "revoked \(Timestamp.format($0))" } ?? "active"
            let purposes =
                token.role == .analyst
                ? "  purposes \(token.purposes.isEmpty ? "(none)" : TokenRegistry.stored(token.purposes))" : ""
            Output.line(
                "\(token.id)  \(token.role.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(token.scope)  \(token.name)\(purposes)  created \(Timestamp.format(token.createdAt))  \(state)"
            )
        }
    }
}

/// `cordon token revoke ID`.
struct TokenRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token; it authenticates nothing from now on."
    )
    static let arguments: [ArgumentSpec] = [.positional("id", help: "The token id (tok_...).")] + GlobalOptions.all
    let global: GlobalOptions
    let id: String

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        id = parsed.positional(0)!
    }

    func run() throws {
        let token = try withVault(global) { vault in
            try vault.tokenRegistry().revoke(id: id, context: .commandLine(role: .admin))
        }
        if global.json {
            try Output.json(token)
        } else {
            Output.line("revoked \(token.id) (\(token.name))")
        }
    }
}
