import CordonStore

extension ControlStore {
    /// Version 2 of `control.db`: the privacy-budget ledger and the released answers.
    ///
    /// `privacy_budget` holds ε spent (in micro-ε, exact integers) per analyst, region and
    /// policy period; `released_answers` holds each released answer keyed by analyst,
    /// canonical query, purpose, mechanism and the periods it was released in, so the same
    /// question is answered again without spending (and without fresh noise to average).
    static func registerBudgetLedger(in migrator: inout Migrator) {
        migrator.register(version: 2, name: "privacy budget ledger and released answers") { connection in
            try connection.execute(
                script: """
                    CREATE TABLE privacy_budget(
                        analyst TEXT NOT NULL,
                        region TEXT NOT NULL,
                        period_start INTEGER NOT NULL,
                        period_end INTEGER NOT NULL,
                        spent_micro INTEGER NOT NULL CHECK (spent_micro >= 0),
                        queries INTEGER NOT NULL,
                        PRIMARY KEY (analyst, region, period_start)
                    ) STRICT, WITHOUT ROWID;

                    CREATE TABLE released_answers(
                        analyst TEXT NOT NULL,
                        query_hash TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        mechanism TEXT NOT NULL,
                        period_key TEXT NOT NULL,
                        query TEXT NOT NULL,
                        answer TEXT NOT NULL,
                        released_at INTEGER NOT NULL,
                        PRIMARY KEY (analyst, query_hash, purpose, mechanism, period_key)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
    }
}
