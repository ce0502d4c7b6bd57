import Foundation

/// What the vault itself can say about a breach's reach, for the notice: per region, the
/// subjects and events stored and the data categories they carry; and the accesses the
/// audit trail recorded in the window, by action and principal. Counts only — no subject
/// id, pseudonym or personal value.
public struct BreachScope: Sendable, Encodable {
    /// The window examined, `[from, to)`.
    public var from: String
    public var to: String
    public var regions: [RegionFigures]
    public var accesses: [Access]
    /// Whether the audit entries examined were capped at ``Vault/breachScopeEntryLimit``.
    public var truncated: Bool

    /// One region's stored data.
    public struct RegionFigures: Sendable, Encodable {
        public var region: RegionID
        /// Subjects stored now.
        public var subjects: Int
        /// Events stored now.
        public var events: Int
        /// Events whose time falls in the window.
        public var eventsInWindow: Int
        /// The catalog's data categories stored for these subjects.
        public var categories: [DataCategory]
    }

    /// Entries of one action by one principal in the window.
    public struct Access: Sendable, Encodable {
        public var action: String
        /// The token id or `cli:<user>`, and the token's name when it has one.
        public var actor: String
        public var actorName: String?
        public var role: String
        public var entries: Int
        /// Distinct subjects the entries name (counted by pseudonym; none is shown).
        public var subjects: Int
        /// The regions the entries touched, among those examined.
        public var regions: [String]
    }
}

extension DataCategory: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
