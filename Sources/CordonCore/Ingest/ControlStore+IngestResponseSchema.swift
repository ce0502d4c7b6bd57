import CordonStore

extension ControlStore {
    /// Version 6 of `control.db`: the answers of idempotent ingest batches.
    ///
    /// Once every line of a keyed batch has its final answer, the exact response (status
    /// and body bytes) is kept here under the key, with the caller and a digest of the
    /// request, and a retry with the same key gets those bytes back without writing
    /// (decision 0010). Written through the audited, anchored write path; rows older than
    /// `IngestIdempotency.keptSeconds` are deleted by the retention sweep.
    static func registerIngestResponses(in migrator: inout Migrator) {
        migrator.register(version: 6, name: "ingest idempotency responses") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE ingest_responses(
                        key TEXT PRIMARY KEY,
                        owner TEXT NOT NULL,
                        request_digest BLOB NOT NULL,
                        status INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        recorded_at INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX ingest_responses_by_time ON ingest_responses(recorded_at);
                    """
            )
        }
    }
}
