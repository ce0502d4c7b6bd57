import CordonAudit
import CordonCore
import CordonCrypto
import Foundation

/// `cordon receipt`: check signed erasure receipts.
struct ReceiptCommand: CommandGroup {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Verify signed erasure receipts.",
        subcommands: [ReceiptVerifyCommand.self]
    )
}

/// `cordon receipt verify FILE [--pubkey FILE]`.
struct ReceiptVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a receipt's Ed25519 signature against the audit key; exit 1 if it does not verify.",
        discussion:
            "With --pubkey FILE (the line `cordon audit pubkey` prints) no data directory or master key is needed. The key embedded in the receipt is never trusted."
    )
    static let arguments: [ArgumentSpec] = [
        .positional("file", help: "The receipt JSON (from `cordon subject erase --receipt FILE` or its stdout)."),
        .option(.pubkey, valueName: "FILE", help: "Verifier key file; default: this data directory's audit key."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let file: String
    let pubkey: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        file = parsed.positional(0)!
        pubkey = parsed.option(.pubkey)
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        let receipt: ErasureReceipt
        do {
            receipt = try JSONDecoder().decode(ErasureReceipt.self, from: data)
        } catch {
            throw CLIError("\(file) is not an erasure receipt (\(error))")
        }
        let key: Ed25519.PublicKey
        if let pubkey {
            let text = try String(contentsOfFile: pubkey, encoding: .utf8)
            do { key = try NoteVerifierKey(parsing: text).publicKey } catch {
                throw CLIError("\(pubkey) is not a verifier key: \(error)")
            }
        } else {
            key = try withVault(global) { $0.auditPublicKey }
        }
        guard receipt.verify(publicKey: key) else {
            throw CLIError(
                "the receipt's signature does not verify under the audit key: it was altered or signed by another key"
            )
        }
        let body = receipt.receipt
        if global.json {
            try Output.json(Verified(receipt: body))
            return
        }
        Output.line(
            "ok: erasure of subject \(body.subjectId) in region \(body.region) at \(body.erasedAt) under \(body.policy) \(body.policyVersion), audit entry \(body.auditSequence)"
        )
    }
}

/// `cordon receipt verify --json`: what was checked and what the receipt attests.
struct Verified: Encodable {
    var verified = true
    var subjectId: String
    var region: String
    var erasedAt: String
    var policy: String
    var policyVersion: String
    var auditSequence: UInt64

    init(receipt: ErasureReceipt.Body) {
        subjectId = receipt.subjectId.rawValue
        region = receipt.region
        erasedAt = receipt.erasedAt
        policy = receipt.policy
        policyVersion = receipt.policyVersion
        auditSequence = receipt.auditSequence
    }
}
