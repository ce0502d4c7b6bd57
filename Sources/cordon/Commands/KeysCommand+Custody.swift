import CordonCore
import CordonCrypto
import Foundation

/// `cordon keys split --shares N --threshold K`: the master key as Shamir shares.
struct KeysSplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split the master key into N shares, any K of which unseal the vault; prints each share once.",
        discussion: """
            Shamir's scheme (libgfshare): fewer than K shares reveal nothing about the key. Each share \
            is printed once, as 70 hex digits and as 25 words of BIP-39's English list, and never \
            stored; hand each to its holder. custody.json records N, K and the key id (never a share), \
            and keys.split is audited. The key file stays unless --remove-key-file: with it in place \
            the file alone still opens the vault (the shares are a second way in); without it only K \
            shares do — `cordon serve` starts sealed and the holders run `cordon unseal --share`. Remove \
            it only once the shares are with their holders; `keys rotate --master` then needs the key \
            staged in a file (CORDON_MASTER_KEY_FILE) and splits the new key again.

            Example: cordon keys split --shares 5 --threshold 3
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.shares, valueName: "N", help: "How many shares to make (2-255)."),
        .option(.threshold, valueName: "K", help: "How many shares unseal (2-N)."),
        .flag(.removeKeyFile, help: "Remove the master key file after printing the shares."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    struct Report: Encodable {
        struct Share: Encodable {
            var number: Int
            var hex: String
            var words: [String]
        }
        var masterKeyID: String
        var threshold: Int
        var keyFileRemoved: Bool
        var shares: [Share]
    }

    let global: GlobalOptions
    let count: Int
    let threshold: Int
    let removeKeyFile: Bool

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let count = try parsed.integer(.shares, in: 2...Shamir.maximumShareCount),
            let threshold = try parsed.integer(.threshold, in: 2...Shamir.maximumShareCount)
        else {
            throw UsageError("give --shares N and --threshold K, such as --shares 5 --threshold 3", command: Self.self)
        }
        self.count = count
        self.threshold = threshold
        removeKeyFile = parsed.flag(.removeKeyFile)
    }

    func validate() throws {
        if threshold > count {
            throw UsageError("--threshold (\(threshold)) cannot exceed --shares (\(count))", command: Self.self)
        }
    }

    func run() throws {
        let source = MasterKeySource.fromEnvironment(dataDirectory: global.dataDirectory)
        try withVault(global) { vault in
            let context = AccessContext.commandLine(role: .admin)
            let shares = try vault.splitMasterKey(count: count, threshold: threshold, context: context)
            if global.json {
                try Output.json(
                    Report(
                        masterKeyID: try KeyCustody.read(from: global.dataDirectory)?.masterKeyID ?? "",
                        threshold: threshold,
                        keyFileRemoved: removeKeyFile,
                        shares: shares.map { .init(number: Int($0.number), hex: $0.hex, words: $0.words) }
                    )
                )
            } else {
                Self.print(shares, threshold: threshold)
            }
            // Only after every share is out: a crash before this line leaves the key file.
            if removeKeyFile { try vault.removeMasterKeyFile(source: source, context: context) }
            if !global.json {
                Output.line(
                    removeKeyFile
                        ? "The key file is removed: only \(threshold) of these \(count) shares open this vault now. `cordon serve` starts sealed; each holder runs `cordon unseal --share -`."
                        : "The key file is still in place and opens the vault on its own; once the shares are with their holders, remove it with `cordon keys split ... --remove-key-file` or keep it offline."
                )
            }
        }
    }

    /// Prints each share once, hex and words.
    static func print(_ shares: [KeyShare], threshold: Int) {
        Output.line("\(shares.count) shares of the master key; any \(threshold) unseal it. Each is shown only now:")
        for share in shares {
            Output.line()
            Output.line("share \(share.number) of \(shares.count)")
            Output.line("  hex:   \(share.hex)")
            Output.line("  words: \(share.words.joined(separator: " "))")
        }
        Output.line()
    }
}

/// `cordon keys combine --out FILE`: the master key from shares, into a file, for commands
/// that need it when the key file was removed.
struct KeysCombineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Combine key shares (stdin, one per line) into the master key file FILE, checked against the vault.",
        discussion: """
            Reads shares from stdin, one per line (70 hex digits or 25 words), until the threshold \
            custody.json records; combines them, proves the key with the master-key check by opening \
            the vault (audited keys.combine), and writes it to FILE (mode 0600, never overwriting). \
            Use memory-backed storage and remove the file when done: `keys rotate --master` with \
            CORDON_MASTER_KEY_FILE=FILE splits the new key and removes the file itself.

            Example: cordon keys combine --out /dev/shm/cordon.key < shares.txt
            """
    )
    static let arguments: [ArgumentSpec] =
        [
            .option(.out, valueName: "FILE", help: "The new file to write the 32-byte master key into.")
        ] + GlobalOptions.all

    let global: GlobalOptions
    let out: URL

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let out = parsed.option(.out) else {
            throw UsageError("--out FILE is required (on /dev/shm, say)", command: Self.self)
        }
        self.out = URL(fileURLWithPath: out).standardizedFileURL
    }

    func run() throws {
        try VaultOpener.requireDataDirectory(global.dataDirectory)
        guard let custody = try KeyCustody.read(from: global.dataDirectory) else {
            throw CLIError(
                "\(global.dataDirectory.path)'s master key is not held as shares; there is nothing to combine"
            )
        }
        var shares: [KeyShare] = []
        while shares.count < custody.threshold, let line = readLine(strippingNewline: true) {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                let share = try KeyShare(parsing: line)
                if !shares.contains(where: { $0.number == share.number }) { shares.append(share) }
            } catch let error as CryptoError {
                throw CLIError("line \(shares.count + 1) of stdin: \(error.message)")
            }
        }
        guard shares.count >= custody.threshold else {
            throw CLIError(
                "stdin held \(shares.count) distinct shares; \(custody.threshold) are needed (one per line)"
            )
        }
        try Vault.stageMasterKey(
            from: shares,
            dataDirectory: global.dataDirectory,
            configuration: try PolicyBundle.load(global),
            to: out,
            context: .commandLine(role: .admin)
        )
        Output.line(
            "Wrote the master key to \(out.path). Use it with CORDON_MASTER_KEY_FILE=\(out.path), then remove it (keys rotate --master removes it itself)."
        )
    }
}
