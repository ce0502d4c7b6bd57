import CordonCore
import Foundation

/// The breach register's gauges on `/metrics`: open breaches, and notification duties
/// that need the DPO now (overdue, or "immediately" and not yet sent), per region and
/// recipient, so an alert can fire on a missed deadline.
enum BreachGauges {
    /// The exposition lines at `now`; none when the register cannot be read (the other
    /// gauges say why: sealed, audit or storage).
    static func lines(vault: Vault, now: Date) -> [String] {
        guard let open = try? vault.openBreachCount(), let overdue = try? vault.overdueBreachNotifications(now: now)
        else { return [] }
        var lines = [
            "# HELP cordon_breaches_open Breaches in the register not yet closed.",
            "# TYPE cordon_breaches_open gauge",
            "cordon_breaches_open \(open)",
            "# HELP cordon_breach_notifications_overdue Breach notifications past their deadline (or due immediately) and not recorded, by region and recipient.",
            "# TYPE cordon_breach_notifications_overdue gauge",
        ]
        var counts: [String: Int] = [:]
        for region in vault.regionIDs {
            for recipient in Breach.Recipient.allCases { counts["\(region)|\(recipient.rawValue)"] = 0 }
        }
        for deadline in overdue { counts["\(deadline.region)|\(deadline.recipient.rawValue)", default: 0] += 1 }
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|")
            lines.append(
                "cordon_breach_notifications_overdue{region=\"\(parts[0])\",recipient=\"\(parts[1])\"} \(count)"
            )
        }
        return lines
    }
}

/// `GET /readyz` when serving: the status, and the count of breach notifications needing
/// the DPO now (a count only: the probe needs no token).
struct ReadyBody: Encodable {
    var status = "ready"
    /// `nil` when the register cannot be read.
    var overdueBreachNotifications: Int?
    /// Peers whose trail this node found cut or forked and refuses to cosign (decision 0025).
    var witnessAlarms: Int = 0
    /// Those peers' names, each with what was found (`truncated`, `forked`, `inconsistent`).
    var witnessAlarmPeers: [String: String] = [:]
}
