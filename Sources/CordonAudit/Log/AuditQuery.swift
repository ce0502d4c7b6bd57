/// A filter over the log for DPOs: every field that is set must match.
public struct AuditQuery: Sendable, Hashable {
    /// Entries whose `subjects` contain this pseudonym.
    public var subject: String?
    /// Entries by this actor: its id (`tok_…`, `cli:…`) or, for a token, its name.
    public var actor: String?
    /// Entries with exactly this action.
    public var action: String?
    /// Entries at or after this time.
    public var since: AuditTimestamp?
    /// Entries strictly before this time.
    public var until: AuditTimestamp?
    /// Entries that touched this region.
    public var region: String?
    /// Entries after this sequence number (the next page after an earlier answer's last entry).
    public var after: UInt64?
    /// At most this many entries, oldest first.
    public var limit: Int

    /// A query; with no filters it lists the first `limit` entries.
    public init(
        subject: String? = nil,
        actor: String? = nil,
        action: String? = nil,
        since: AuditTimestamp? = nil,
        until: AuditTimestamp? = nil,
        limit: Int = 1000
    ) {
        self.subject = subject
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.limit = limit
    }

    /// Whether `entry` matches every filter.
    public func matches(_ entry: AuditEntry) -> Bool {
        if let subject, !entry.subjects.contains(subject) { return false }
        if let actor, entry.actor != actor, entry.actorName != actor { return false }
        if let action, entry.action != action { return false }
        if let since, entry.time < since { return false }
        if let until, entry.time >= until { return false }
        if let region, !entry.regions.contains(region) { return false }
        if let after, entry.sequence <= after { return false }
        return true
    }
}
