import CordonCore
import CordonCrypto
import Foundation

/// `cordon keys`: inspect and rotate the key hierarchy.
struct KeysCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Inspect and rotate keys.",
        subcommands: [KeysStatusCommand.self, KeysRotateCommand.self, KeysSplitCommand.self, KeysCombineCommand.self]
    )
}

/// `cordon keys status`: which keyrings exist, their KEK versions and data-key versions.
struct KeysStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the master key id and every keyring's versions (never key bytes)."
    )
    static let arguments = [GlobalOptions.dataSpec, GlobalOptions.jsonSpec]

    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    func run() throws {
        try VaultOpener.requireDataDirectory(global.dataDirectory)
        let keys = try DataDirectory.openKeys(
            at: global.dataDirectory,
            source: .fromEnvironment(dataDirectory: global.dataDirectory),
            passphraseParameters: PassphraseCost.fromEnvironment()
        )
        let status = try keys.status()
        if global.json {
            try Output.json(status)
            return
        }
        Output.line("master key id: \(status.masterKeyID)")
        for keyring in status.keyrings {
            let dataKeys = keyring.dataKeys.keys.sorted().map {
                "\($0) v\(keyring.dataKeys[$0]!.map(String.init).joined(separator: ","))"
            }
            Output.line(
                "  \(keyring.name): KEK v\(keyring.activeKEKVersion) active (versions \(keyring.kekVersions.map(String.init).joined(separator: ","))); \(dataKeys.joined(separator: "; "))"
            )
        }
    }
}

/// `cordon keys rotate --master | --region ID`.
struct KeysRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate the master key, or a region's KEK, without losing data.",
        discussion: """
            --master writes a new master key (or, with CORDON_PASSPHRASE, a new salt), rewraps every \
            keyring under it and then replaces the old key; an interrupted rotation is finished by \
            the next command that opens the data directory; when the key is held as shares (`keys \
            split`), the new key is split again with the same count and threshold and the new shares \
            are printed once (the old shares no longer open anything). --region ID adds a new KEK version, \
            makes it active and rewraps that region's data keys; older versions stay readable.
            """
    )
    static let arguments = [
        GlobalOptions.dataSpec,
        .flag(.master, help: "Rotate the master key."),
        .option(.region, valueName: "ID", help: "Rotate this region's KEK (control and audit are also accepted)."),
        .flag(.pages, help: "With --region: re-encrypt the region's store under a new page key instead."),
        .option(
            .cipher,
            valueName: "NAME",
            help:
                "With --pages: seal the re-encrypted store with xchacha20-poly1305 or aes-256-gcm (default: the store's own)."
        ),
        GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let master: Bool
    let region: String?
    let pages: Bool
    /// --cipher, parsed: nil when it was not given.
    let cipher: PageCipher?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        master = parsed.flag(.master)
        region = parsed.option(.region)
        pages = parsed.flag(.pages)
        cipher = try parsed.option(.cipher).map { try PageCipher.named($0, for: Self.self) }
    }

    func validate() throws {
        if master == (region != nil) {
            throw UsageError("give exactly one of --master or --region ID", command: Self.self)
        }
        if pages && region == nil {
            throw UsageError("--pages goes with --region ID", command: Self.self)
        }
        if cipher != nil && !pages {
            throw UsageError("--cipher goes with --region ID --pages", command: Self.self)
        }
    }

    func run() throws {
        if let region {
            let configuration = try PolicyBundle.load(global)
            try KnownValues("region", configuration.regionIDs + (pages ? [] : ["control", "audit"]))
                .check(region, option: "region", command: Self.self)
        }
        if pages, let region {
            let rotated = try withVault(global) {
                try $0.rotatePageKey(
                    RegionID(rawValue: region),
                    algorithm: cipher,
                    context: .commandLine(role: .admin)
                )
            }
            Output.line(
                "Re-encrypted region \(region)'s store under page key v\(rotated.version) (\(rotated.algorithm.rawValue))."
            )
            return
        }
        let source = MasterKeySource.fromEnvironment(dataDirectory: global.dataDirectory)
        var resplit: (custody: KeyCustody, shares: [KeyShare])?
        let report = try withVault(global) { vault -> KeyHierarchy.RotationReport in
            let context = AccessContext.commandLine(role: .admin)
            if master {
                let custody = try KeyCustody.read(from: global.dataDirectory)
                let report = try vault.rotateMasterKey(
                    source: source,
                    passphraseParameters: PassphraseCost.fromEnvironment(),
                    context: context
                )
                // Custody by shares: split the new key the same way, print the shares, and
                // remove the key file again if the old custody had it removed.
                if let custody {
                    let shares = try vault.splitMasterKey(
                        count: custody.shares,
                        threshold: custody.threshold,
                        context: context
                    )
                    if !global.json { KeysSplitCommand.print(shares, threshold: custody.threshold) }
                    if custody.keyFileRemoved { try vault.removeMasterKeyFile(source: source, context: context) }
                    resplit = (custody, shares)
                }
                return report
            }
            let id: KeyringID =
                switch region {
                case "control": .control
                case "audit": .audit
                default: .region(region ?? "")
                }
            return try vault.rotateKEK(id, context: context)
        }
        if global.json, let resplit {
            try Output.json(
                KeysSplitCommand.Report(
                    masterKeyID: report.newMasterKeyID ?? "",
                    threshold: resplit.custody.threshold,
                    keyFileRemoved: resplit.custody.keyFileRemoved,
                    shares: resplit.shares.map { .init(number: Int($0.number), hex: $0.hex, words: $0.words) }
                )
            )
            return
        }
        if global.json {
            try Output.json(report)
        } else if master {
            Output.line(
                "Rotated the master key (new id \(report.newMasterKeyID ?? "?")); rewrapped \(report.rewrapped) KEKs."
            )
        } else {
            Output.line(
                "Rotated \(report.keyring): KEK v\(report.newVersion ?? 0) is active; rewrapped \(report.rewrapped) data keys."
            )
        }
    }
}
