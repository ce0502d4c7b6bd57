import CordonAudit
import CordonCore
import CordonServer
import Foundation

/// `cordon audit witness --peer NAME=URL --key KEY`: one witnessing round of one peer.
struct AuditWitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract:
            "Witness a peer's trail once: verify its checkpoint and consistency, cosign, send the cosignature back.",
        discussion: """
            Fetches the peer's checkpoint (GET /v1/audit/checkpoint), checks its signature by --key (the line \
            `cordon audit pubkey` prints on that node), and, when this node verified the peer before, the RFC \
            9162 consistency proof from that size (GET /v1/audit/proof/consistency). Only then it cosigns \
            (C2SP tlog-cosignature), records the checkpoint and the cosignature in control.db, and posts them \
            to the peer (POST /v1/audit/cosignatures; the peer must list this node with --witness). A smaller \
            tree, another root at the same size or a failing proof is not cosigned: the evidence is kept, \
            the alarm shows in /readyz, /metrics and `cordon audit witnesses`, and the command exits 2. The \
            peer's token (a dpo or admin token of its own registry) is read from the file --token-file names, \
            or from CORDON_WITNESS_TOKEN; it is never printed.

            Example: cordon audit witness --peer us=https://us.cordon.example:8443 --key "$(cat us.pub)"
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.peer, valueName: "NAME=URL", help: "The peer: a local name (a-z 0-9 . _ -) and its API's base URL."),
        .option(.key, valueName: "VERIFIER_KEY", help: "The peer's checkpoint verifier key (<name>+<hex8>+<base64>)."),
        .option(
            .tokenFile,
            valueName: "FILE",
            help: "A file holding the peer's bearer token (else CORDON_WITNESS_TOKEN)."
        ),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let peer: WitnessPeer

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        guard let peerText = parsed.option(.peer), let key = parsed.option(.key) else {
            throw UsageError("give --peer NAME=URL and --key VERIFIER_KEY", command: Self.self)
        }
        var token = ProcessInfo.processInfo.environment["CORDON_WITNESS_TOKEN"]
        if let path = parsed.option(.tokenFile) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("cannot read --token-file \(path)", exitCode: ExitCode.usage)
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            peer = try WitnessPeer(parsing: peerText, key: key, token: token)
        } catch {
            throw UsageError("--peer/--key: \(error.message)", command: Self.self)
        }
    }

    func run() throws {
        let round = try withVault(global) { vault in
            try vault.witness(peer, transport: HTTPWitnessTransport(), context: .commandLine(role: .dpo))
        }
        if global.json {
            try Output.json(round)
        } else {
            Output.line(
                "peer \(round.peer) (\(round.origin)): checkpoint of \(round.treeSize) entries, signature verified"
            )
            if let previous = round.previousSize {
                Output.line(
                    round.consistencyProved
                        ? "consistent with the \(previous) entries verified before (RFC 9162 proof verified)"
                        : "same tree as verified before (\(previous) entries)"
                )
            } else {
                Output.line("first sight of this peer: nothing earlier to prove consistency with")
            }
            if let cosignature = round.cosignature { Output.line("cosigned: \(cosignature.dropLast())") }
            if round.delivered { Output.line("the peer accepted the cosignature") }
            if let failure = round.deliveryError {
                Output.warning("the peer did not take the cosignature (\(failure)); it is kept here")
            }
        }
        if let alarm = round.alarm {
            throw CLIError(
                "ALARM \(alarm.kind.rawValue): \(alarm.reason); not cosigned, evidence kept (cordon audit witnesses)",
                exitCode: 2
            )
        }
    }
}

/// `cordon audit witnesses`: who cosigned this node's trail, and the peers it witnesses.
struct AuditWitnessesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witnesses",
        abstract: "Show which peers cosigned which size of this trail, and the peers this node witnesses.",
        discussion: """
            Cosignatures received (POST /v1/audit/cosignatures from peers configured with cordon serve --witness), \
            newest size first; the peers this node witnesses with the newest size verified and any standing \
            alarm (truncated, forked, inconsistent); then the alarms raised, with both checkpoints in --json.
            """
    )
    static let arguments: [ArgumentSpec] = [
        .option(.limit, valueName: "N", help: "Most cosignatures and alarms shown (default 20)."),
        GlobalOptions.dataSpec, GlobalOptions.configSpec, GlobalOptions.jsonSpec,
    ]

    let global: GlobalOptions
    let limit: Int

    init(parsed: ParsedArguments) throws {
        global = GlobalOptions(parsed: parsed)
        limit = try parsed.integer(.limit, in: 1...1000) ?? 20
    }

    func run() throws {
        let report = try withVault(global) { try $0.witnessReport(limit: limit, context: .commandLine(role: .dpo)) }
        if global.json { return try Output.json(report) }
        Output.line("cosignatures of this trail: \(report.cosignatures.isEmpty ? "none yet" : "")")
        for item in report.cosignatures {
            Output.line("  size \(item.treeSize)  by \(item.witness) (\(item.cosigner))  cosigned \(item.cosignedAt)")
        }
        Output.line("peers witnessed: \(report.peers.isEmpty ? "none" : "")")
        for peer in report.peers {
            let alarm = peer.alarm.map { "  ALARM \($0.rawValue) since \(peer.alarmAt ?? "?")" } ?? ""
            Output.line("  \(peer.peer)  \(peer.url)  verified size \(peer.treeSize) at \(peer.verifiedAt)\(alarm)")
        }
        if !report.alarms.isEmpty {
            Output.line("alarms:")
            for alarm in report.alarms {
                Output.line("  \(alarm.detectedAt) \(alarm.peer) \(alarm.kind.rawValue): \(alarm.reason)")
            }
        }
    }
}
