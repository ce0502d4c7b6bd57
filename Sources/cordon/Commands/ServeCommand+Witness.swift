import CordonCore
import CordonServer
import Foundation

/// `cordon serve --witness NAME=URL=KEY ... [--witness-interval SECONDS]` (decision 0025);
/// `cordon coordinator` takes the same, so it too reports a node whose trail is cut or forked.
enum ServeWitnesses {
    static let specs: [ArgumentSpec] = [
        .repeatingOption(
            .witness,
            valueName: "NAME=URL=KEY",
            help:
                "A peer node to witness, and to accept cosignatures from (repeatable; its token from CORDON_WITNESS_TOKEN_<NAME> or CORDON_WITNESS_TOKEN)."
        ),
        .option(
            .witnessInterval,
            valueName: "SECONDS",
            help: "Seconds between witnessing rounds (default 300, the first within 10 s; 0 turns them off)."
        ),
    ]

    /// Sets the peers and the interval from the options.
    static func apply(_ parsed: ParsedArguments, to server: inout ServerConfiguration) throws {
        server.witnesses = try parsed.values(.witness).map(peer)
        if let seconds = try parsed.integer(.witnessInterval, in: 0...86_400) {
            server.witnessIntervalSeconds = seconds == 0 ? nil : Double(seconds)
        }
    }

    /// A peer from `NAME=URL=KEY`, with its token from `CORDON_WITNESS_TOKEN_<NAME>` (the
    /// name upper-cased, `.` and `-` as `_`) or else `CORDON_WITNESS_TOKEN`.
    static func peer(_ text: String) throws -> WitnessPeer {
        let environment = ProcessInfo.processInfo.environment
        let name = String(text.prefix { $0 != "=" })
        let variable =
            "CORDON_WITNESS_TOKEN_"
            + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        do {
            return try WitnessPeer(parsing: text, token: environment[variable] ?? environment["CORDON_WITNESS_TOKEN"])
        } catch {
            throw UsageError("--witness: \(error.message)", command: ServeCommand.self)
        }
    }

    /// The schedule of witnessing rounds, when peers are configured and rounds not turned off.
    static func scheduler(_ configuration: ServerConfiguration, api: CordonAPI, logger: Logger) -> WitnessScheduler? {
        guard let seconds = configuration.witnessIntervalSeconds, !configuration.witnesses.isEmpty else { return nil }
        let missing = configuration.witnesses.filter { $0.token == nil }.map(\.name)
        if !missing.isEmpty {
            logger.warning(
                "witness: no token for \(missing.joined(separator: ", ")) (CORDON_WITNESS_TOKEN_<NAME>): their rounds will be refused with 401"
            )
        }
        return WitnessScheduler(
            slot: api.slot,
            roster: api.witnesses,
            metrics: api.metrics,
            intervalSeconds: seconds,
            logger: logger.labeled("cordon.witness")
        )
    }
}
