import CordonStore

extension RegionSchema {
    /// Version 5 of a region store: the keys of idempotent ingest batches.
    ///
    /// A keyed batch writes its row here in the same transaction as its lines, with the
    /// caller, a digest of the request and what the region accepted, so a retry after a
    /// crash between two regions' transactions skips exactly the regions that committed
    /// (decision 0010). Rows older than `IngestIdempotency.keptSeconds` are deleted by the
    /// retention sweep.
    static func registerIngestKeys(in migrator: inout Migrator) {
        migrator.register(version: 5, name: "ingest idempotency keys") { db in
            try db.execute(
                script: """
                    CREATE TABLE ingest_keys(
                        key TEXT PRIMARY KEY,
                        owner TEXT NOT NULL,
                        request_digest BLOB NOT NULL,
                        accepted INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        updated INTEGER NOT NULL,
                        rejections TEXT NOT NULL,
                        recorded_at INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX ingest_keys_by_time ON ingest_keys(recorded_at);
                    """
            )
        }
    }
}
