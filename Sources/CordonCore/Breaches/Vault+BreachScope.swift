import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// The most audit entries ``breachScope(regions:from:to:context:)`` examines.
    public static let breachScopeEntryLimit = 1_000_000

    /// Counts, in `regions`, the subjects and events stored and their data categories, and
    /// the audit trail's accesses in `[from, to)` by action and principal — what a breach
    /// notice must state about reach (GDPR Art. 33(3)(a): "approximate number of data
    /// subjects ... and of personal data records"). Audited as `breach.scope`.
    ///
    /// - Parameter breachID: The breach the scope is for, recorded in the entry.
    public func breachScope(
        regions: [RegionID],
        from: Date,
        to: Date,
        breachID: String? = nil,
        context: AccessContext
    ) throws -> BreachScope {
        try BreachInput.validate(regions: regions, configuration: configuration)
        guard from < to else {
            throw RegisterError(.invalidInput, "from/to: the window's start must be before its end")
        }
        let categories = configuration.catalog.categories
        let window = (UnixSeconds.from(from), UnixSeconds.from(to))
        let figures = try regionFigures(regions, window: window, categories: categories)
        let names = Set(regions.map(\.rawValue))
        var query = AuditQuery(
            since: AuditTimestamp(from),
            until: AuditTimestamp(to),
            limit: Self.breachScopeEntryLimit
        )
        query.limit = Self.breachScopeEntryLimit
        let entries: [AuditEntry]
        do {
            entries = try audit.search(query).filter { !names.isDisjoint(with: $0.regions) }
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail cannot be read (\(error.message)); retry when it has recovered",
                underlying: error
            )
        }
        let accesses = Self.accesses(in: entries, regions: names)
        let scope = BreachScope(
            from: Timestamp.format(UnixSeconds.date(window.0)),
            to: Timestamp.format(UnixSeconds.date(window.1)),
            regions: figures,
            accesses: accesses,
            truncated: entries.count >= Self.breachScopeEntryLimit
        )
        var details: [String: AuditDetailValue] = [
            "subjects": .integer(Int64(figures.map(\.subjects).reduce(0, +))),
            "entries": .integer(Int64(entries.count)),
        ]
        if let breachID { details["breach"] = .string(breachID) }
        try record(context, action: .breachScope, regions: regions.sorted(), details: details)
        return scope
    }

    /// The subjects and events stored in each region, and its events in the window.
    private func regionFigures(
        _ regions: [RegionID],
        window: (Int64, Int64),
        categories: [DataCategory]
    ) throws -> [BreachScope.RegionFigures] {
        var figures: [BreachScope.RegionFigures] = []
        for region in regions.sorted() {
            let counts = try store(region).read { db -> (Int64, Int64, Int64) in
                let subjects = try db.query("SELECT COUNT(*) FROM subjects").first?.get(Int64.self, at: 0) ?? 0
                let events = try db.query("SELECT COUNT(*) FROM events").first?.get(Int64.self, at: 0) ?? 0
                let inWindow =
                    try db.query("SELECT COUNT(*) FROM events WHERE ts >= \(window.0) AND ts < \(window.1)")
                    .first?.get(Int64.self, at: 0) ?? 0
                return (subjects, events, inWindow)
            }
            figures.append(
                BreachScope.RegionFigures(
                    region: region,
                    subjects: Int(counts.0),
                    events: Int(counts.1),
                    eventsInWindow: Int(counts.2),
                    categories: counts.0 > 0 ? categories : []
                )
            )
        }
        return figures
    }

    /// The entries grouped by action and principal, with the subjects and regions they reach.
    private static func accesses(in entries: [AuditEntry], regions names: Set<String>) -> [BreachScope.Access] {
        struct Key: Hashable { var action: String, actor: String }
        var grouped: [Key: (entry: AuditEntry, count: Int, subjects: Set<String>, regions: Set<String>)] = [:]
        for entry in entries {
            let key = Key(action: entry.action, actor: entry.actor)
            var value = grouped[key] ?? (entry, 0, [], [])
            value.count += 1
            value.subjects.formUnion(entry.subjects)
            value.regions.formUnion(entry.regions.filter(names.contains))
            grouped[key] = value
        }
        return grouped.map { key, value in
            BreachScope.Access(
                action: key.action,
                actor: key.actor,
                actorName: value.entry.actorName,
                role: value.entry.role,
                entries: value.count,
                subjects: value.subjects.count,
                regions: value.regions.sorted()
            )
        }.sorted { ($0.action, $0.actor) < ($1.action, $1.actor) }
    }
}
