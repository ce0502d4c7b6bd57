import CordonStore

/// The schema of a region store, as ordered migrations over `user_version`.
///
/// Personal data never sits in a column in clear: PII is one AEAD envelope per subject
/// (`sealed_pii`) under the subject's DEK, and identifiers are keyed blind indexes.
/// Event dimensions are the catalog's declared, non-identifying fields.
enum RegionSchema {
    static let migrator: Migrator = {
        var migrator = Migrator()
        migrator.register(version: 1, name: "subjects, keys, consents, events, erasures") { db in
            try db.execute(
                script: """
                    CREATE TABLE subjects(
                        sid INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        external_index BLOB NOT NULL UNIQUE,
                        email_index BLOB,
                        country TEXT NOT NULL,
                        birth_year INTEGER,
                        gpc INTEGER NOT NULL DEFAULT 0,
                        sealed_pii BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX subjects_email ON subjects(email_index) WHERE email_index IS NOT NULL;
                    CREATE TABLE subject_keys(
                        sid INTEGER PRIMARY KEY REFERENCES subjects(sid) ON DELETE CASCADE,
                        wrapped_dek BLOB NOT NULL,
                        kek_version INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE consents(
                        id INTEGER PRIMARY KEY,
                        sid INTEGER NOT NULL REFERENCES subjects(sid) ON DELETE CASCADE,
                        purpose TEXT NOT NULL,
                        state TEXT NOT NULL,
                        source TEXT NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        expires_at INTEGER
                    ) STRICT;
                    CREATE INDEX consents_by_subject ON consents(sid, purpose, recorded_at);
                    CREATE TABLE events(
                        id INTEGER PRIMARY KEY,
                        sid INTEGER NOT NULL REFERENCES subjects(sid) ON DELETE CASCADE,
                        ts INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        channel TEXT,
                        campaign TEXT,
                        device TEXT,
                        country TEXT NOT NULL,
                        amount_cents INTEGER,
                        purpose TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX events_by_subject ON events(sid, ts);
                    CREATE INDEX events_by_time ON events(ts);
                    CREATE TABLE erasures(
                        subject_id TEXT PRIMARY KEY,
                        erased_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE store_state(
                        key TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO store_state(key, value) VALUES ('commit_counter', 0);
                    """
            )
        }
        migrator.register(version: 2, name: "lawful-basis decisions version") { db in
            // Every change a lawful-basis decision or a last-activity time could depend on —
            // any write to subjects or consents, and any deleted event — advances this
            // counter, by trigger, so no write path can forget to. Inserted events only
            // raise last activity; queries check those subjects themselves (LawfulSubjects).
            try db.execute(
                script: """
                    INSERT INTO store_state(key, value) VALUES ('decisions_version', 0);
                    CREATE TRIGGER subjects_insert_decisions AFTER INSERT ON subjects
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER subjects_update_decisions AFTER UPDATE ON subjects
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER subjects_delete_decisions AFTER DELETE ON subjects
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER consents_insert_decisions AFTER INSERT ON consents
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER consents_update_decisions AFTER UPDATE ON consents
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER consents_delete_decisions AFTER DELETE ON consents
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    CREATE TRIGGER events_delete_decisions AFTER DELETE ON events
                        BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'decisions_version'; END;
                    """
            )
        }
        migrator.register(version: 3, name: "batch anchor") { db in
            // The id of the batch that made the last commit, drawn at random by each audited
            // write and named in its audit entry beside the commit counter, so a store file
            // at the right counter but with another history is refused (decision 0005).
            try db.execute("INSERT INTO store_state(key, value) VALUES ('last_batch', 0)")
        }
        migrator.register(version: 4, name: "erasure receipts") { db in
            // Each erasure keeps its signed receipt (JSON, no personal data: ids, counts,
            // times) and the DSR request it answered, written in the erasure's own
            // transaction once its audit entry is durable, so erasing an erased subject
            // again returns the original receipt. Erasures from before v4 have neither.
            try db.execute(
                script: """
                    ALTER TABLE erasures ADD COLUMN receipt TEXT;
                    ALTER TABLE erasures ADD COLUMN dsr_request TEXT;
                    """
            )
        }
        registerIngestKeys(in: &migrator)  // version 5: idempotent ingest keys
        return migrator
    }()
}
