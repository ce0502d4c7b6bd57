import CordonCore
import CordonServer
import Foundation

/// `cordon serve --witness NAME=URL=KEY ... [--witness-interval SECONDS]` (decision 0025).
enum ServeWitnesses {
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
