import CordonCore
import Foundation

extension DSRRequest {
    /// A plain-text table of requests for a terminal: id, region, right, received, due
    /// (UTC, to the minute), days left or `OVERDUE`, status.
    ///
    /// Subject ids, references, reasons and outcomes are left out; ``renderDetails(now:)``
    /// shows one request in full.
    static func renderTable(_ requests: [DSRRequest], now: Date) -> String {
        var table = TextTable("ID", "REGION", "RIGHT", "RECEIVED (UTC)", "DUE (UTC)", "DAYS LEFT", "STATUS")
        for request in requests {
            table.append(
                request.id,
                request.region.rawValue,
                request.kind.rawValue,
                minute(request.receivedAt),
                minute(request.effectiveDueAt),
                request.deadlineState(now: now),
                request.status.rawValue
            )
        }
        return table.lines.joined(separator: "\n") + "\n"
    }

    /// Every field of the request, one per line, with the deadline state at `now`.
    ///
    /// - Warning: Shows the subject id, the reference, the reason and the outcome.
    func renderDetails(now: Date) -> String {
        var lines = [
            "request      \(id)",
            "right        \(kind.rawValue)",
            "region       \(region) (policy \(policyID) \(policyVersion))",
            "status       \(status.rawValue)",
            "subject      \(subjectID ?? "-")",
            "reference    \(externalRef ?? "-")",
            "received     \(Timestamp.format(receivedAt))",
            "due          \(Timestamp.format(dueAt))",
        ]
        if let extendedDueAt {
            lines.append("extended to  \(Timestamp.format(extendedDueAt))")
            lines.append("reason       \(extensionReason ?? "-")")
        }
        if let completedAt {
            let late = completedAt > effectiveDueAt ? " (late)" : ""
            lines.append("completed    \(Timestamp.format(completedAt))\(late)")
            lines.append("outcome      \(outcome ?? "-")")
        } else {
            lines.append("days left    \(deadlineState(now: now))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `-` when completed, `OVERDUE` past the deadline in force, the days left otherwise.
    private func deadlineState(now: Date) -> String {
        if isCompleted { return "-" }
        return isOverdue(now: now) ? "OVERDUE" : String(daysLeft(now: now))
    }

    /// `2025-02-28 08:00`: minutes are enough to read a deadline.
    private static func minute(_ date: Date) -> String {
        let text = Timestamp.format(date)  // 2025-02-28T08:00:00.000Z
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }
}
