import CordonStore

extension ControlStore {
    /// Marks token `id` revoked at `seconds` unless it already is, on `connection` inside
    /// the caller's audited write: how a `control.db` restore replays a `token.revoke`
    /// entry, so a token revoked after the backup never works again. Returns whether the
    /// token was active (and is revoked now).
    ///
    /// Kept apart from ``TokenRegistry`` on purpose: it changes only `revoked_at`, which
    /// every version of the `api_tokens` table has.
    static func replayRevocation(ofToken id: String, at seconds: Int64, in connection: Connection) throws -> Bool {
        try connection.execute("UPDATE api_tokens SET revoked_at = \(seconds) WHERE id = \(id) AND revoked_at IS NULL")
        return connection.changes > 0
    }

    /// Whether `control.db` holds token `id` (revoked or not).
    static func holdsToken(_ id: String, in connection: Connection) throws -> Bool {
        try connection.scalar(Int.self, "SELECT count(*) FROM api_tokens WHERE id = \(id)") ?? 0 > 0
    }
}
