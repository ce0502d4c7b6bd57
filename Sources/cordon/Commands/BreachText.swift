import CordonCore
import Foundation

/// The plain-text views of the breach register.
enum BreachText {
    /// One line per breach, then one indented line per duty; OVERDUE where one is missed.
    static func table(_ statuses: [BreachStatus]) -> String {
        guard !statuses.isEmpty else { return "No breaches. (`cordon breach list --all` includes closed ones.)\n" }
        var lines: [String] = []
        for status in statuses {
            let breach = status.breach
            let flag = flag(status).map { "  \($0)" } ?? ""
            lines.append(
                "\(breach.id)  \(breach.status.rawValue)  detected \(Timestamp.format(breach.detectedAt))  \(breach.regions.map(\.rawValue).joined(separator: ","))  \(breach.title)\(flag)"
            )
            for deadline in status.deadlines {
                lines.append("    " + duty(deadline))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The whole breach with its duties.
    static func details(_ status: BreachStatus) -> String {
        let breach = status.breach
        var lines = [
            "Breach \(breach.id) (\(breach.status.rawValue))\(flag(status).map { " — \($0)" } ?? "")",
            "  title:        \(breach.title)",
            "  detected at:  \(Timestamp.format(breach.detectedAt))",
            "  regions:      \(breach.regions.map(\.rawValue).joined(separator: ", "))",
            "  categories:   \(breach.categories.isEmpty ? "(none recorded)" : breach.categories.map(\.rawValue).joined(separator: ", "))",
            "  subjects:     \(breach.subjectsEstimate.map { "about \($0)" } ?? "(no estimate; see `cordon breach scope \(breach.id)`)")",
        ]
        for (label, value) in [
            ("nature", breach.nature), ("consequences", breach.consequences), ("measures", breach.measures),
            ("contact", breach.contact), ("closing note", breach.closingNote),
        ] {
            if let value {
                lines.append("  \((label + ":").padding(toLength: 14, withPad: " ", startingAt: 0))\(value)")
            }
        }
        lines.append("Deadlines:")
        for deadline in status.deadlines {
            lines.append("  " + duty(deadline))
            lines.append("      \(deadline.source)")
            if let condition = deadline.condition { lines.append("      applies: \(condition)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `OVERDUE` when a deadline has passed, `DUE NOW` when a notice is due immediately.
    static func flag(_ status: BreachStatus) -> String? {
        if status.deadlines.contains(where: { $0.state == .overdue }) { return "OVERDUE" }
        if status.deadlines.contains(where: { $0.state == .dueNow }) { return "DUE NOW" }
        return nil
    }

    /// `eu authority (gdpr): due 2026-...Z, 2d 3h left`.
    static func duty(_ deadline: BreachDeadline) -> String {
        let due = deadline.dueAt.map { "due \(Timestamp.format($0)), " } ?? ""
        let marker = deadline.state == .overdue ? "OVERDUE " : deadline.state == .dueNow ? "DUE NOW " : ""
        return
            "\(marker)\(deadline.region) \(deadline.recipient.rawValue) (\(deadline.policyID)): \(due)\(deadline.timeLeftText)"
    }

    /// The scope report.
    static func scope(_ scope: BreachScope) -> String {
        var lines = ["Window \(scope.from) to \(scope.to)", "Stored:"]
        for region in scope.regions {
            lines.append(
                "  \(region.region): \(region.subjects) subjects, \(region.events) events (\(region.eventsInWindow) in the window)"
            )
            if !region.categories.isEmpty {
                lines.append("      categories: \(region.categories.map(\.rawValue).joined(separator: ", "))")
            }
        }
        lines.append("Accesses audited in the window (action, principal, entries, distinct subjects):")
        if scope.accesses.isEmpty { lines.append("  none") }
        for access in scope.accesses {
            let name = access.actorName.map { " (\($0))" } ?? ""
            lines.append(
                "  \(access.action)  \(access.actor)\(name) [\(access.role)]  \(access.entries) entries, \(access.subjects) subjects, regions \(access.regions.joined(separator: ","))"
            )
        }
        if scope.truncated { lines.append("(the window holds more entries than were examined; narrow it)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
