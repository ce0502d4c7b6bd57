import CordonStore

extension ControlStore {
    /// Version 8 of `control.db`: the DPO's registers — breaches, their notifications, and
    /// cross-border transfers (decision 0019).
    ///
    /// Deadlines are not stored: they are computed, when read, from the affected region's
    /// policy, so a corrected policy corrects every open breach's clock. `regions` and
    /// `categories` are comma-separated allow-listed ids (regions of the configuration,
    /// dotted data categories); titles and texts never hold personal data (the DPO is told
    /// so), and subject ids are Cordon's random ids, as in the DSR register.
    static func registerRegisters(in migrator: inout Migrator) {
        migrator.register(version: 8, name: "breach and transfer registers") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE breaches(
                        id TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        detected_at INTEGER NOT NULL,
                        regions TEXT NOT NULL,
                        categories TEXT NOT NULL,
                        subjects_estimate INTEGER CHECK (subjects_estimate IS NULL OR subjects_estimate >= 0),
                        nature TEXT,
                        consequences TEXT,
                        measures TEXT,
                        contact TEXT,
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                        opened_at INTEGER NOT NULL,
                        opened_by TEXT NOT NULL,
                        closed_at INTEGER,
                        closing_note TEXT
                    ) STRICT;
                    CREATE TABLE breach_notifications(
                        breach_id TEXT NOT NULL REFERENCES breaches(id),
                        region TEXT NOT NULL,
                        recipient TEXT NOT NULL CHECK (recipient IN ('authority', 'subjects')),
                        outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'not_required')),
                        notified_at INTEGER NOT NULL,
                        reference TEXT NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        PRIMARY KEY (breach_id, region, recipient)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE transfers(
                        id TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        subject_id TEXT NOT NULL,
                        destination TEXT NOT NULL,
                        mechanism TEXT NOT NULL,
                        reference TEXT,
                        separate_consent TEXT,
                        sensitive INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
                        year INTEGER NOT NULL,
                        requested_at INTEGER NOT NULL,
                        requested_by TEXT NOT NULL,
                        policy_id TEXT NOT NULL,
                        policy_version TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX transfers_by_year ON transfers(region, year, sensitive, subject_id);
                    """
            )
        }
    }
}
