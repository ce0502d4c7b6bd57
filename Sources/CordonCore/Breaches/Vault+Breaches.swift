import CordonAudit
import CordonStore
public import Foundation

/// The breach register's one door: every change is one audited, anchored write to
/// `control.db` (the entry is durable before the change is acknowledged; if it cannot be
/// made, nothing changed), and every read is audited (decision 0019).
///
/// Every method takes `now`: deadlines and records depend on the clock, and tests put a
/// deadline in the past by passing a later instant.
///
/// ```swift
/// let breach = try vault.openBreach(BreachDraft(title: "Lost laptop", detectedAt: detected, regions: ["eu", "br"]),
///                                   now: Date(), context: .commandLine(role: .dpo))
/// let duties = breach.deadlines(under: vault.configuration, now: Date())
/// ```
extension Vault {
    /// Registers a breach. Audited as `breach.open` in the same transaction.
    /// - Throws: ``RegisterError/Code/invalidInput`` naming the field.
    public func openBreach(_ draft: BreachDraft, now: Date, context: AccessContext) throws -> Breach {
        try auditingRefusal(
            .breachOpen,
            regions: draft.regions.filter { configuration.regions[$0] != nil },
            breach: nil,
            context: context
        ) {
            try BreachInput.validate(title: draft.title)
            try BreachInput.validate(regions: draft.regions, configuration: configuration)
            try BreachInput.validate(categories: draft.categories, catalog: configuration.catalog)
            if let estimate = draft.subjectsEstimate { try BreachInput.validate(subjectsEstimate: estimate) }
            guard draft.detectedAt <= now.addingTimeInterval(300) else {
                throw RegisterError(
                    .invalidInput,
                    "detected-at: the time is in the future; give when you became aware of it"
                )
            }
            let breach = Breach(
                id: BreachRegister.newID(),
                title: draft.title,
                detectedAt: UnixSeconds.truncate(draft.detectedAt),
                regions: draft.regions,
                categories: draft.categories,
                subjectsEstimate: draft.subjectsEstimate,
                status: .open,
                openedAt: UnixSeconds.truncate(now),
                openedBy: context.actor,
                notifications: []
            )
            return try write(
                .control,
                context: context,
                { db in
                    try BreachRegister.insert(breach, in: db)
                    return breach
                },
                entry: { breach in Self.breachRecord(.breachOpen, breach) }
            ).value
        }
    }

    /// Changes the description of an open breach. Audited as `breach.update`, naming the
    /// fields changed (never their values).
    public func updateBreach(_ id: String, _ changes: BreachChanges, now: Date, context: AccessContext) throws -> Breach
    {
        try auditingRefusal(.breachUpdate, regions: [], breach: id, context: context) {
            guard !changes.isEmpty else {
                throw RegisterError(
                    .invalidInput,
                    "nothing to change; give at least one of --title, --regions, --categories, --subjects-estimate, --nature, --consequences, --measures, --contact"
                )
            }
            if let title = changes.title { try BreachInput.validate(title: title) }
            if let regions = changes.regions {
                try BreachInput.validate(regions: regions, configuration: configuration)
            }
            if let categories = changes.categories {
                try BreachInput.validate(categories: categories, catalog: configuration.catalog)
            }
            if let estimate = changes.subjectsEstimate { try BreachInput.validate(subjectsEstimate: estimate) }
            for (field, text) in [
                ("nature", changes.nature), ("consequences", changes.consequences), ("measures", changes.measures),
            ] {
                if let text { try BreachInput.validate(text: text, field: field) }
            }
            if let contact = changes.contact {
                try BreachInput.validate(text: contact, field: "contact", allowEmail: true)
            }
            return try write(
                .control,
                context: context,
                { db in
                    var breach = try Self.openBreach(id, in: db)
                    breach.title = changes.title ?? breach.title
                    breach.regions = changes.regions ?? breach.regions
                    breach.categories = changes.categories ?? breach.categories
                    breach.subjectsEstimate = changes.subjectsEstimate ?? breach.subjectsEstimate
                    breach.nature = changes.nature ?? breach.nature
                    breach.consequences = changes.consequences ?? breach.consequences
                    breach.measures = changes.measures ?? breach.measures
                    breach.contact = changes.contact ?? breach.contact
                    try BreachRegister.update(breach, in: db)
                    return breach
                },
                entry: { breach in
                    var record = Self.breachRecord(.breachUpdate, breach)
                    record.details["fields"] = .string(changes.fieldNames.joined(separator: ","))
                    return record
                }
            ).value
        }
    }

    /// Records that `recipient` was notified in `regions` (every affected region when
    /// empty) at `notifiedAt`, or that notice is not required there. Audited as `breach.notify`.
    /// - Throws: ``RegisterError/Code/regionNotAffected``, ``RegisterError/Code/alreadyNotified``,
    ///   ``RegisterError/Code/breachClosed``.
    public func notifyBreach(
        _ id: String,
        to recipient: Breach.Recipient,
        regions: [RegionID] = [],
        outcome: Breach.Notification.Outcome = .sent,
        notifiedAt: Date,
        reference: String,
        now: Date,
        context: AccessContext
    ) throws -> Breach {
        try auditingRefusal(.breachNotify, regions: regions, breach: id, context: context) {
            try BreachInput.validate(text: reference, field: outcome == .sent ? "reference" : "reason")
            return try write(
                .control,
                context: context,
                { db in
                    var breach = try Self.openBreach(id, in: db)
                    guard notifiedAt >= breach.detectedAt, notifiedAt <= now.addingTimeInterval(300) else {
                        throw RegisterError(
                            .invalidInput,
                            "at: a notification is made after the breach was detected (\(Timestamp.format(breach.detectedAt))) and not in the future"
                        )
                    }
                    let targets = regions.isEmpty ? breach.regions : regions
                    for region in targets {
                        guard breach.regions.contains(region) else {
                            throw RegisterError(
                                .regionNotAffected,
                                "breach \(id) does not affect region \(region); it affects \(breach.regions.map(\.rawValue).joined(separator: ", ")) (add it with `cordon breach update \(id) --regions ...`)"
                            )
                        }
                        guard breach.notification(to: recipient, in: region) == nil else {
                            throw RegisterError(
                                .alreadyNotified,
                                "the \(recipient.rawValue) notice for region \(region) of breach \(id) is already recorded; each is recorded once"
                            )
                        }
                        let notification = Breach.Notification(
                            region: region,
                            recipient: recipient,
                            outcome: outcome,
                            notifiedAt: UnixSeconds.truncate(notifiedAt),
                            reference: reference
                        )
                        try BreachRegister.insert(notification, of: id, recordedAt: now, in: db)
                        breach.notifications.append(notification)
                    }
                    return (breach, targets)
                },
                entry: { breach, targets in
                    var record = Self.breachRecord(.breachNotify, breach)
                    record.regions = targets.sorted()
                    record.details["recipient"] = .string(recipient.rawValue)
                    record.details["outcome"] = .string(outcome.rawValue)
                    return record
                }
            ).value.0
        }
    }

    /// Closes a breach with a note; duties not yet recorded stay visible as closed without
    /// notice. Audited as `breach.close`.
    public func closeBreach(_ id: String, note: String, now: Date, context: AccessContext) throws -> Breach {
        try auditingRefusal(.breachClose, regions: [], breach: id, context: context) {
            try BreachInput.validate(text: note, field: "note")
            return try write(
                .control,
                context: context,
                { db in
                    var breach = try Self.openBreach(id, in: db)
                    breach.status = .closed
                    breach.closedAt = UnixSeconds.truncate(now)
                    breach.closingNote = note
                    try BreachRegister.update(breach, in: db)
                    return breach
                },
                entry: { breach in Self.breachRecord(.breachClose, breach) }
            ).value
        }
    }

    /// The open breaches (every one with `all`). Audited as `breach.list`.
    public func listBreaches(all: Bool = false, context: AccessContext) throws -> [Breach] {
        let breaches = try control.read("list breaches") { db in try BreachRegister.list(all: all, in: db) }
        try record(
            context,
            action: .breachList,
            regions: breaches.flatMap(\.regions).uniqued().sorted(),
            details: ["breaches": .integer(Int64(breaches.count))]
        )
        return breaches
    }

    /// One breach in full. Audited as `breach.show`.
    public func showBreach(_ id: String, context: AccessContext) throws -> Breach {
        let breach = try breach(id)
        try record(context, Self.breachRecord(.breachShow, breach))
        return breach
    }

    /// The draft notice of a breach for `recipient` in `region` (``BreachNotice``).
    /// Audited as `breach.notice`.
    /// - Throws: ``RegisterError/Code/regionNotAffected`` for a region the breach does not affect.
    public func breachNotice(
        _ id: String,
        region: RegionID,
        to recipient: Breach.Recipient,
        now: Date,
        context: AccessContext
    ) throws -> BreachNotice {
        let breach = try breach(id)
        guard breach.regions.contains(region) else {
            throw RegisterError(
                .regionNotAffected,
                "breach \(id) does not affect region \(region); draft a notice for one of: \(breach.regions.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let notice = BreachNotice(
            breach: breach,
            region: region,
            recipient: recipient,
            configuration: configuration,
            now: now
        )
        var record = Self.breachRecord(.breachNotice, breach)
        record.regions = [region]
        record.details["recipient"] = .string(recipient.rawValue)
        record.details["missing"] = .integer(Int64(notice.missing.count))
        try self.record(context, record)
        return notice
    }

    /// The breach with this id, not audited: callers use it to decide access (an HTTP
    /// token's regions) and audit their decision.
    public func breach(_ id: String) throws -> Breach {
        try control.read("read a breach") { db in try BreachRegister.fetch(id: id, in: db) }
    }

    /// Every notification duty of the open breaches that needs the DPO now (overdue, or
    /// "immediately" and not sent), not audited: `/metrics` and `/readyz` count them.
    public func overdueBreachNotifications(now: Date) throws -> [BreachDeadline] {
        let breaches = try control.read("list breaches") { db in try BreachRegister.list(all: false, in: db) }
        return breaches.flatMap { $0.deadlines(under: configuration, now: now) }.filter(\.needsAction)
    }

    /// The number of open breaches, not audited (the `/metrics` gauge).
    public func openBreachCount() throws -> Int {
        try control.read("count breaches") { db in
            Int(try db.query("SELECT COUNT(*) FROM breaches WHERE status = 'open'").first?.get(Int64.self, at: 0) ?? 0)
        }
    }

    /// Runs `body`; a refusal (``RegisterError``: bad input, a closed breach, a notice
    /// recorded before) is audited as `action` with `outcome: denied` and its code before it
    /// is rethrown, so refused breach actions are in the trail too. Refusal messages never
    /// repeat a typed value.
    private func auditingRefusal<T>(
        _ action: AuditAction,
        regions: [RegionID],
        breach: String?,
        context: AccessContext,
        _ body: () throws -> T
    ) throws -> T {
        do {
            return try body()
        } catch let error as RegisterError {
            var details: [String: AuditDetailValue] = ["error": .string(error.code.name)]
            if let breach { details["breach"] = .string(breach) }
            try record(
                context,
                action: action,
                regions: regions.sorted(),
                outcome: .denied,
                reason: error.message,
                details: details
            )
            throw error
        }
    }

    private static func openBreach(_ id: String, in db: Connection) throws -> Breach {
        let breach = try BreachRegister.fetch(id: id, in: db)
        guard breach.status == .open else {
            throw RegisterError(.breachClosed, "breach \(id) is closed and cannot change; open a new one if needed")
        }
        return breach
    }

    /// The entry of an action on one breach: its regions and id, never its texts.
    static func breachRecord(_ action: AuditAction, _ breach: Breach) -> AuditRecord {
        AuditRecord(action: action, regions: breach.regions.sorted(), details: ["breach": .string(breach.id)])
    }
}

/// What `breach open` records.
public struct BreachDraft: Sendable {
    public var title: String
    public var detectedAt: Date
    public var regions: [RegionID]
    public var categories: [DataCategory]
    public var subjectsEstimate: Int?

    public init(
        title: String,
        detectedAt: Date,
        regions: [RegionID],
        categories: [DataCategory] = [],
        subjectsEstimate: Int? = nil
    ) {
        self.title = title
        self.detectedAt = detectedAt
        self.regions = regions
        self.categories = categories
        self.subjectsEstimate = subjectsEstimate
    }
}
