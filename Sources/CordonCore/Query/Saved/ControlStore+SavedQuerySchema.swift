import CordonStore

extension ControlStore {
    /// Version 7 of `control.db`: analysts' saved queries.
    ///
    /// One row per analyst and name: the canonical text of the validated query (its release
    /// identity), the text as written (what runs: aliases, ORDER BY, LIMIT) and the purpose. Written through the anchored write door (`query.save`).
    static func registerSavedQueries(in migrator: inout Migrator) {
        migrator.register(version: 7, name: "saved queries") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE saved_queries(
                        analyst TEXT NOT NULL,
                        name TEXT NOT NULL,
                        query TEXT NOT NULL,
                        text TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        saved_at INTEGER NOT NULL,
                        saved_by TEXT NOT NULL,
                        PRIMARY KEY (analyst, name)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
    }
}
