import CordonAudit
import CordonCore
import Foundation
import Synchronization

/// Request counters, latency histograms and refusals, rendered as Prometheus text.
public final class ServerMetrics: Sendable {
    private struct Key: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
    }

    private struct State: Sendable {
        var requests: [Key: Int] = [:]
        var latency: [String: LatencyHistogram] = [:]
        var refusals: [String: Int] = [:]
        var rejectedLines: [String: Int] = [:]
        var unsealFailures = 0
        var epsilonSpent: [String: Double] = [:]
        /// Witnessing rounds by "peer|outcome".
        var witnessRounds: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func record(route: String, method: String, status: Int, seconds: Double, refusal: String?) {
        state.withLock { state in
            state.requests[Key(route: route, method: method, status: status), default: 0] += 1
            state.latency[route, default: LatencyHistogram()].observe(seconds)
            if let refusal { state.refusals[refusal, default: 0] += 1 }
        }
    }

    func recordRejectedLines(_ byReason: [String: Int]) {
        guard !byReason.isEmpty else { return }
        state.withLock { state in
            for (reason, count) in byReason { state.rejectedLines[reason, default: 0] += count }
        }
    }

    /// ε a released query answer spent, per region (cached answers spend nothing).
    func recordEpsilonSpent(_ byRegion: [String: Double]) {
        state.withLock { state in
            for (region, epsilon) in byRegion { state.epsilonSpent[region, default: 0] += epsilon }
        }
    }

    /// One witnessing round of `peer` ended with `outcome` (`cosigned`, `refused`, `failed`).
    func recordWitnessRound(peer: String, outcome: String) {
        state.withLock { $0.witnessRounds["\(peer)|\(outcome)", default: 0] += 1 }
    }

    func recordUnsealFailure() {
        state.withLock { $0.unsealFailures += 1 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    func render(vault: Vault?) -> String {
        let state = self.state.withLock { $0 }
        var lines = Self.requestLines(state) + Self.counterLines(state)
        lines.append("# HELP cordon_sealed Whether the vault is sealed (1) or serving (0).")
        lines.append("# TYPE cordon_sealed gauge")
        lines.append("cordon_sealed \(vault == nil ? 1 : 0)")
        if let vault {
            lines += Self.auditLines(vault)
            let unavailable = vault.unavailableRegions
            lines.append(
                "# HELP cordon_region_available Whether a region's store serves (1) or is out of service (0: damaged, rolled back or missing) until restored."
            )
            lines.append("# TYPE cordon_region_available gauge")
            for region in vault.regionIDs {
                lines.append("cordon_region_available{region=\"\(region)\"} \(unavailable[region] == nil ? 1 : 0)")
            }
            lines += BreachGauges.lines(vault: vault, now: Date())
            lines += WitnessGauges.lines(vault: vault)
        }
        lines += WitnessGauges.roundLines(state.witnessRounds)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Requests by route, method and status, and their latency histograms.
    private static func requestLines(_ state: State) -> [String] {
        var lines: [String] = []
        lines.append("# HELP cordon_http_requests_total HTTP requests by route template, method and status.")
        lines.append("# TYPE cordon_http_requests_total counter")
        for (key, count) in state.requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            lines.append(
                "cordon_http_requests_total{route=\"\(key.route)\",method=\"\(key.method)\",status=\"\(key.status)\"} \(count)"
            )
        }
        lines.append("# HELP cordon_http_request_duration_seconds Time to answer a request, by route template.")
        lines.append("# TYPE cordon_http_request_duration_seconds histogram")
        for (route, histogram) in state.latency.sorted(by: { $0.key < $1.key }) {
            for (bound, count) in zip(LatencyHistogram.bounds, histogram.cumulative) {
                lines.append("cordon_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(count)")
            }
            lines.append(
                "cordon_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(histogram.count)"
            )
            lines.append("cordon_http_request_duration_seconds_sum{route=\"\(route)\"} \(histogram.sum)")
            lines.append("cordon_http_request_duration_seconds_count{route=\"\(route)\"} \(histogram.count)")
        }
        return lines
    }

    /// Refusals, rejected ingest lines, ε spent and unseal failures.
    private static func counterLines(_ state: State) -> [String] {
        var lines: [String] = []
        lines.append("# HELP cordon_http_refusals_total Refused or failed requests by error code.")
        lines.append("# TYPE cordon_http_refusals_total counter")
        for (code, count) in state.refusals.sorted(by: { $0.key < $1.key }) {
            lines.append("cordon_http_refusals_total{code=\"\(code)\"} \(count)")
        }
        lines.append("# HELP cordon_ingest_rejected_lines_total Ingest lines refused, by reason.")
        lines.append("# TYPE cordon_ingest_rejected_lines_total counter")
        for (reason, count) in state.rejectedLines.sorted(by: { $0.key < $1.key }) {
            lines.append("cordon_ingest_rejected_lines_total{reason=\"\(reason)\"} \(count)")
        }
        lines.append(
            "# HELP cordon_query_epsilon_spent_total Privacy budget (epsilon) spent by released query answers, by region."
        )
        lines.append("# TYPE cordon_query_epsilon_spent_total counter")
        for (region, epsilon) in state.epsilonSpent.sorted(by: { $0.key < $1.key }) {
            lines.append("cordon_query_epsilon_spent_total{region=\"\(region)\"} \(epsilon)")
        }
        lines.append("# HELP cordon_unseal_failures_total Failed unseal attempts.")
        lines.append("# TYPE cordon_unseal_failures_total counter")
        lines.append("cordon_unseal_failures_total \(state.unsealFailures)")
        return lines
    }

    /// The audit trail's size, checkpoint lag and health.
    private static func auditLines(_ vault: Vault) -> [String] {
        var lines: [String] = []
        let size = vault.auditTreeSize
        let checkpointed = vault.latestAuditCheckpoint?.treeSize ?? 0
        lines.append("# HELP cordon_audit_tree_size Entries in the audit trail.")
        lines.append("# TYPE cordon_audit_tree_size gauge")
        lines.append("cordon_audit_tree_size \(size)")
        lines.append("# HELP cordon_audit_checkpoint_lag Entries not yet covered by a signed checkpoint.")
        lines.append("# TYPE cordon_audit_checkpoint_lag gauge")
        lines.append("cordon_audit_checkpoint_lag \(size >= checkpointed ? size - checkpointed : 0)")
        let health = vault.auditHealth()
        lines.append(
            "# HELP cordon_audit_writable Whether the audit trail accepts entries (1) or refuses them, and so every request, until it recovers (0)."
        )
        lines.append("# TYPE cordon_audit_writable gauge")
        lines.append("cordon_audit_writable \(health.isWritable ? 1 : 0)")
        lines.append(
            "# HELP cordon_audit_write_failures_total Times the audit trail stopped accepting entries (a failed write, fsync or checkpoint write)."
        )
        lines.append("# TYPE cordon_audit_write_failures_total counter")
        lines.append("cordon_audit_write_failures_total \(health.failures)")
        lines.append("# HELP cordon_audit_recoveries_total Times the audit trail recovered without a restart.")
        lines.append("# TYPE cordon_audit_recoveries_total counter")
        lines.append("cordon_audit_recoveries_total \(health.recoveries)")
        return lines
    }
}
