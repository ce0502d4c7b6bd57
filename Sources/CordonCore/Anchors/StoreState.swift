import CordonCrypto
import CordonStore

/// The `store_state` rows every anchored store keeps: `commit_counter` and `last_batch`.
///
/// Region stores have had the table since schema v1 (`last_batch` since v3); `control.db`
/// since its v4. The rows are written only here, inside the transaction of an audited write.
enum StoreState {
    /// The store's anchor as of `db`'s snapshot (0 and 0 for a store never written).
    static func anchor(in db: Connection) throws -> StoreAnchor {
        let rows = try db.query(
            "SELECT key, value FROM store_state WHERE key IN ('commit_counter', 'last_batch')"
        )
        var anchor = StoreAnchor(counter: 0, batch: 0)
        for row in rows {
            switch try row.get(String.self, at: 0) {
            case "commit_counter": anchor.counter = try row.get(Int64.self, at: 1)
            default: anchor.batch = try row.get(Int64.self, at: 1)
            }
        }
        return anchor
    }

    /// Advances the counter and draws a new batch id, inside the caller's transaction;
    /// returns the anchor before and after.
    static func advance(in db: Connection) throws -> (previous: StoreAnchor, next: StoreAnchor) {
        let previous = try anchor(in: db)
        // A positive 63-bit id: an exact integer in every JSON reader (the audit details).
        let next = StoreAnchor(counter: previous.counter + 1, batch: Int64(SecureRandom.next64() >> 1))
        try db.execute("UPDATE store_state SET value = \(next.counter) WHERE key = 'commit_counter'")
        try db.execute("UPDATE store_state SET value = \(next.batch) WHERE key = 'last_batch'")
        return (previous, next)
    }
}
