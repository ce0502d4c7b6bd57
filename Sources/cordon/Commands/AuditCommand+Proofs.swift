import CordonAudit
import CordonCore
import Foundation

/// `cordon audit prove --index N [--checkpoint FILE]`.
struct AuditProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print an inclusion proof for entry N (and a consistency proof from an older checkpoint).",
        discussion: """
            With --checkpoint FILE (a checkpoint you kept), also proves the current tree extends it. \
            Prints JSON either way (--json is accepted, like every command's).
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.index, valueName: "N", help: "The entry's sequence number."),
        .option(.checkpoint, valueName: "FILE", help: "An older checkpoint to prove consistency from."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let index: Int?
    let checkpointPath: String?

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        index = try parsed.integer(.index, in: 0...Int.max)
        checkpointPath = parsed.option(.checkpoint)
    }

    func validate() throws {
        if index == nil && checkpointPath == nil {
            throw UsageError("give --index N, --checkpoint FILE, or both", command: Self.self)
        }
    }

    struct Proofs: Encodable {
        var inclusion: AuditInclusionProof?
        var consistency: AuditConsistencyProof?
        var checkpoint: String
    }

    func run() throws {
        let old: Checkpoint? = try checkpointPath.map { path in
            do { return try Checkpoint.parse(try String(contentsOfFile: path, encoding: .utf8)) } catch {
                throw CLIError("\(path) is not a checkpoint: \(error)")
            }
        }
        let proofs = try withVault(global) { vault in
            let current = try vault.signAuditCheckpoint()
            if let old {
                try old.verify(publicKey: vault.auditPublicKey, keyName: vault.auditVerifierKey.name)
            }
            return Proofs(
                inclusion: try index.map {
                    try vault.auditInclusionProof(index: UInt64($0), treeSize: current.treeSize)
                },
                consistency: try old.map { try vault.auditConsistencyProof(from: $0.treeSize, to: current.treeSize) },
                checkpoint: current.text
            )
        }
        try Output.json(proofs)
    }
}

/// `cordon audit pubkey`.
struct AuditPubkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubkey",
        abstract: "Print the checkpoint verifier key (give it to DPOs; it also verifies erasure receipts).",
        discussion: "With --json: {\"verifierKey\", \"origin\"}."
    )
    static let arguments = [GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec]

    let global: GlobalOptions

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
    }

    struct Report: Encodable {
        var verifierKey: String
        var origin: String
    }

    func run() throws {
        let (key, origin) = try withVault(global) { ($0.auditVerifierKey, $0.auditOrigin) }
        if global.json {
            try Output.json(Report(verifierKey: key.description, origin: origin))
        } else {
            Output.line(key.description)
        }
    }
}
