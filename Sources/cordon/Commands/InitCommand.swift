import CordonCore
import CordonCrypto
import Foundation

/// `cordon init`: creates a data directory with its master key and keyrings.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data directory: master key, and a keyring per region.",
        discussion: """
            The master key comes from CORDON_MASTER_KEY_FILE (a 32-byte file you manage), or from \
            CORDON_PASSPHRASE through Argon2id, or is generated into <data>/master.key (mode 0600). \
            Running init again destroys nothing: it checks the master key, reports what exists, and \
            adds keyrings for regions enabled since. --page-cipher chooses the page AEAD of stores \
            created from then on: xchacha20-poly1305 (the default, any CPU) or aes-256-gcm (about \
            1.75x faster per page, on CPUs with AES-NI); existing stores keep theirs until \
            `cordon keys rotate --region ID --pages --cipher NAME`.

            Region nodes (decision 0024): --regions eu,uk makes an instance that holds only those \
            regions' stores and keyrings (cordon.json records them; `cordon serve` then answers 421 \
            Misdirected Request for any other region); --node us=URL, repeatable, records the node \
            serving another region, which GET /v1/regions publishes. Without --regions the instance \
            holds every region.

            Example: cordon init --data ./eu-node --regions eu --node us=https://us.example:8443
            """
    )
    static let arguments =
        GlobalOptions.all + [
            .option(
                .pageCipher,
                valueName: "NAME",
                help: "Page AEAD for new stores: xchacha20-poly1305 (default) or aes-256-gcm."
            ),
            NodeOptions.regionsSpec(
                "Regions this instance holds, comma-separated (default: every region); none for a coordinator."
            ),
            NodeOptions.nodeSpec,
        ]

    let global: GlobalOptions
    let pageCipher: PageCipher?
    let nodeOptions: NodeOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        pageCipher = try parsed.option(.pageCipher).map { try PageCipher.named($0, for: Self.self) }
        nodeOptions = try NodeOptions(parsed: parsed, command: Self.self)
    }

    func run() throws {
        let bundle = try PolicyBundle.load(global)
        try nodeOptions.check(against: bundle, command: Self.self)
        let source = MasterKeySource.fromEnvironment(dataDirectory: global.dataDirectory)
        let report = try DataDirectory.initialize(
            at: global.dataDirectory,
            regions: nodeOptions.regions ?? bundle.regionIDs,
            source: source,
            passphraseParameters: PassphraseCost.fromEnvironment(),
            pageCipher: pageCipher,
            nodes: nodeOptions.nodes
        )
        report.warnings.forEach(Output.warning)
        // `initialize` wrote a new directory's first audit entry (`instance.init`); a re-run
        // is recorded too, through the vault, which checks the directory on the way.
        if report.alreadyInitialized {
            try withVault(global) { vault in
                try vault.recordAdministration(
                    .instanceReinit,
                    details: ["created": report.created.joined(separator: ","), "masterKeyId": report.masterKeyID],
                    context: .commandLine(role: .admin)
                )
            }
        }
        if global.json {
            try Output.json(report)
            return
        }
        if report.alreadyInitialized {
            Output.line("\(report.dataDirectory) is already initialized; nothing was overwritten.")
        } else {
            Output.line("Initialized \(report.dataDirectory)")
        }
        Output.line("  master key: \(report.masterKeySource) (id \(report.masterKeyID))")
        Output.line("  page cipher for new stores: \(report.pageCipher)")
        Output.line(
            "  regions held: \(report.regions.isEmpty ? "none (a coordinator's directory)" : report.regions.joined(separator: ", "))"
        )
        for (region, url) in report.nodes.sorted(by: { $0.key < $1.key }) {
            Output.line("  region \(region) served by \(url)")
        }
        for file in report.created { Output.line("  created  \(file)") }
        for file in report.existing { Output.line("  exists   \(file)") }
        if !report.alreadyInitialized, case .keyFile = source {
            Output.line("")
            Output.line("Back up master.key somewhere safe and separate: without it the data cannot be read.")
        }
    }
}

/// Argon2id cost for passphrases: `moderate` by default; `CORDON_KDF_COST=interactive` (or
/// `testing`, for test suites only) makes it cheaper.
enum PassphraseCost {
    static func fromEnvironment() -> PasswordKDF.Parameters {
        switch ProcessInfo.processInfo.environment["CORDON_KDF_COST"] {
        case "interactive": .interactive
        case "sensitive": .sensitive
        case "testing": .testing
        default: .moderate
        }
    }
}
