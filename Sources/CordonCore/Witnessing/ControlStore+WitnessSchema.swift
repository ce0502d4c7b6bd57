import CordonStore

extension ControlStore {
    /// Version 9 of `control.db`: witnessing (decision 0025).
    ///
    /// `witness_peers` holds, per peer this node witnesses, the newest checkpoint it
    /// verified and its own cosignature of it, and the alarm standing against the peer;
    /// `witness_alarms` keeps the evidence of every cut or fork found (both signed
    /// checkpoints); `received_cosignatures` holds the cosignatures configured witnesses
    /// sent for this node's own trail, one per witness and size. All written through the
    /// anchored write door (`witness.cosign`, `witness.alarm`, `witness.receive`).
    static func registerWitnessing(in migrator: inout Migrator) {
        migrator.register(version: 9, name: "witnessing") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE witness_peers(
                        peer TEXT PRIMARY KEY,
                        url TEXT NOT NULL,
                        verifier_key TEXT NOT NULL,
                        origin TEXT NOT NULL,
                        tree_size INTEGER NOT NULL,
                        root_hash BLOB NOT NULL,
                        checkpoint TEXT NOT NULL,
                        cosignature TEXT NOT NULL,
                        verified_at INTEGER NOT NULL,
                        alarm TEXT CHECK (alarm IN ('truncated', 'forked', 'inconsistent')),
                        alarm_at INTEGER
                    ) STRICT;

                    CREATE TABLE witness_alarms(
                        id INTEGER PRIMARY KEY,
                        peer TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('truncated', 'forked', 'inconsistent')),
                        detected_at INTEGER NOT NULL,
                        previous_checkpoint TEXT NOT NULL,
                        new_checkpoint TEXT NOT NULL,
                        reason TEXT NOT NULL
                    ) STRICT;

                    CREATE TABLE received_cosignatures(
                        cosigner TEXT NOT NULL,
                        tree_size INTEGER NOT NULL,
                        witness TEXT NOT NULL,
                        root_hash BLOB NOT NULL,
                        cosigned_at INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
                        line TEXT NOT NULL,
                        PRIMARY KEY (cosigner, tree_size)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
    }
}
