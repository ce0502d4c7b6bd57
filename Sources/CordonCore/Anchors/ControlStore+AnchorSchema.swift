import CordonStore

extension ControlStore {
    /// Version 4 of `control.db`: its anchor and the audit witness.
    ///
    /// `store_state` holds the commit counter and last batch id that every audited write
    /// to `control.db` advances and names in its audit entry (`control.commit`,
    /// `control.batch`), exactly as region stores do, so a rolled-back or replaced
    /// `control.db` is refused. `audit_witness` holds the size and root of the newest
    /// audit checkpoint this instance signed: a trail later found shorter than it, or with
    /// a different root at that size, was cut or rewritten (decision 0005).
    static func registerAnchor(in migrator: inout Migrator) {
        migrator.register(version: 4, name: "anchor and audit witness") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE store_state(
                        key TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO store_state(key, value) VALUES ('commit_counter', 0), ('last_batch', 0);

                    CREATE TABLE audit_witness(
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        tree_size INTEGER NOT NULL,
                        root_hash BLOB NOT NULL,
                        recorded_at INTEGER NOT NULL
                    ) STRICT;
                    """
            )
        }
    }
}
