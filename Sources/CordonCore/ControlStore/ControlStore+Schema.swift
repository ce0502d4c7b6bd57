import CordonStore

extension ControlStore {
    /// The migrations of `control.db`, applied in order by `PRAGMA user_version`.
    ///
    /// Times are Unix seconds, UTC. Tables are `STRICT`, so a value of the wrong type is
    /// refused instead of stored. Later versions add their own tables (tokens, the
    /// privacy-budget ledger) without touching these.
    static let schema: Migrator = {
        var migrator = Migrator()
        migrator.register(version: 1, name: "dsr requests and erasure tombstones") { connection in
            // subject_id is Cordon's random subject id, never an email or a name;
            // external_ref is the requester's ticket reference. Deadlines are computed
            // once, at receipt, from the policy recorded with them.
            try connection.execute(
                script: """
                    CREATE TABLE dsr_requests(
                        id TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        subject_id TEXT,
                        external_ref TEXT,
                        kind TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        due_at INTEGER NOT NULL,
                        extended_due_at INTEGER,
                        extension_reason TEXT,
                        status TEXT NOT NULL CHECK (status IN ('open', 'extended', 'completed')),
                        completed_at INTEGER,
                        outcome TEXT,
                        policy_id TEXT NOT NULL,
                        policy_version TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX dsr_requests_by_due ON dsr_requests(status, due_at);
                    CREATE INDEX dsr_requests_by_subject ON dsr_requests(region, subject_id);

                    -- Kept outside the region stores, so a region file restored from an
                    -- older backup can be purged again of everyone erased since.
                    CREATE TABLE erasure_tombstones(
                        region TEXT NOT NULL,
                        subject_id TEXT NOT NULL,
                        erased_at INTEGER NOT NULL,
                        PRIMARY KEY (region, subject_id)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
        registerBudgetLedger(in: &migrator)  // version 2: the privacy-budget ledger (query engine)
        migrator.register(version: 3, name: "api tokens") { connection in
            // Only a keyed BLAKE2b of each token is stored (control keyring's token-hash
            // key), so a copy of control.db (even decrypted) yields no usable token.
            // regions is '*' (every region) or a comma-separated list of region ids.
            try connection.execute(
                script: """
                    CREATE TABLE api_tokens(
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'dpo', 'ingest', 'analyst')),
                        regions TEXT NOT NULL,
                        token_hash BLOB NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        revoked_at INTEGER
                    ) STRICT;
                    """
            )
        }
        registerAnchor(in: &migrator)  // version 4: commit counter, batch and audit witness
        registerTokenPurposes(in: &migrator)  // version 5: analyst purposes, unique active names
        registerIngestResponses(in: &migrator)  // version 6: idempotent ingest answers (v5: tokens)
        registerSavedQueries(in: &migrator)  // version 7: analysts' saved queries (Query/Saved)
        registerRegisters(in: &migrator)  // version 8: breach and transfer registers (Breaches/)
        registerWitnessing(in: &migrator)  // version 9: peers witnessed, alarms, cosignatures received (Witnessing/)
        registerCoordinatorRole(in: &migrator)  // version 10: the coordinator token role (decision 0027)
        return migrator
    }()
}
