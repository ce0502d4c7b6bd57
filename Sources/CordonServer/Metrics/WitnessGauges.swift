import CordonCore

/// Witnessing on `/metrics` (decision 0025): the peers whose trail this node found cut or
/// forked (an alert fires on `cordon_witness_alarms > 0`), and rounds by peer and outcome.
enum WitnessGauges {
    /// The standing alarms: the total, and one series per alarmed peer and kind.
    static func lines(vault: Vault) -> [String] {
        let alarms = vault.standingWitnessAlarms()
        var lines = [
            "# HELP cordon_witness_alarms Peers whose audit trail this node found cut or forked, and refuses to cosign.",
            "# TYPE cordon_witness_alarms gauge",
            "cordon_witness_alarms \(alarms.count)",
            "# HELP cordon_witness_alarm A standing alarm against a peer's trail, by peer and kind (truncated, forked, inconsistent).",
            "# TYPE cordon_witness_alarm gauge",
        ]
        for (peer, kind) in alarms.sorted(by: { $0.key < $1.key }) {
            lines.append("cordon_witness_alarm{peer=\"\(peer)\",kind=\"\(kind.rawValue)\"} 1")
        }
        return lines
    }

    /// Rounds run by this process, keyed "peer|outcome".
    static func roundLines(_ rounds: [String: Int]) -> [String] {
        var lines = [
            "# HELP cordon_witness_rounds_total Witnessing rounds by peer and outcome (cosigned, refused, failed).",
            "# TYPE cordon_witness_rounds_total counter",
        ]
        for (key, count) in rounds.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", maxSplits: 1)
            lines.append("cordon_witness_rounds_total{peer=\"\(parts[0])\",outcome=\"\(parts[1])\"} \(count)")
        }
        return lines
    }
}
