import CordonStore

extension ControlStore {
    /// Version 9 of `control.db`: `api_tokens.role` also admits `coordinator` (decision
    /// 0027). SQLite cannot change a CHECK in place, so the table is rebuilt with the same
    /// columns, rows and active-name index.
    static func registerCoordinatorRole(in migrator: inout Migrator) {
        migrator.register(version: 10, name: "coordinator token role") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE api_tokens_v10(
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'dpo', 'ingest', 'analyst', 'coordinator')),
                        regions TEXT NOT NULL,
                        token_hash BLOB NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        revoked_at INTEGER,
                        purposes TEXT NOT NULL DEFAULT ''
                    ) STRICT;
                    INSERT INTO api_tokens_v10(id, name, role, regions, token_hash, created_at, created_by, revoked_at, purposes)
                      SELECT id, name, role, regions, token_hash, created_at, created_by, revoked_at, purposes FROM api_tokens;
                    DROP TABLE api_tokens;
                    ALTER TABLE api_tokens_v10 RENAME TO api_tokens;
                    CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens(name) WHERE revoked_at IS NULL;
                    """
            )
        }
    }
}
